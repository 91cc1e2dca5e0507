/**
 * Flex rules through the real openai SDK: eligible requests go with service_tier "flex" and are
 * priced at the flex (batch) rate; when the provider has no flex capacity (429 Resource
 * Unavailable) the call is answered at the default tier, and the response says so; a rule for a
 * model without flex is reported once and leaves the request at the default tier.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const policy = { routing: { flex: [{ name: 'evals', match: { feature: 'eval' }, timeoutMs: 60_000 }] } };

describe('flex processing rules', () => {
  it('sends matching requests at the flex tier and prices them at half the standard rate', async () => {
    h = await startHarness(policy);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-flex', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval' } });
    const { data, response } = await client.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'grade this answer' }] }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toMatch(/^flex; rule=evals/);
    expect(data.service_tier).toBe('flex');
    const sent = h.upstream.requests.at(-1)!.body as { service_tier?: string };
    expect(sent.service_tier).toBe('flex');
    const row = h.proxy.services.ledger.page({}, 10).calls[0]!;
    const standard = priceCall('o4-mini', { inputTokens: row.inputTokens, outputTokens: row.outputTokens }, 'openai').totalUsd;
    expect(row.costUsd).toBeGreaterThan(0);
    expect(row.costUsd).toBeCloseTo(standard / 2, 12);

    // A request of another feature is untouched.
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-flex', maxRetries: 0 });
    const { response: r2 } = await other.chat.completions.create({ model: 'o4-mini', messages: [{ role: 'user', content: 'interactive question' }] }).withResponse();
    expect(r2.headers.get('x-tollgate-route')).toBeNull();
    expect((h.upstream.requests.at(-1)!.body as { service_tier?: string }).service_tier).toBeUndefined();
  });

  it('falls back to the default tier when flex has no capacity, and still answers', async () => {
    h = await startHarness(policy);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-flex', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval' } });
    const { data, response } = await client.chat.completions
      .create({ model: 'o4-mini', messages: [{ role: 'user', content: 'busy flex [[fake:flex-unavailable]]' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toContain('busy flex');
    expect(data.service_tier).toBe('default');
    expect(response.headers.get('x-tollgate-route')).toMatch(/flex; rule=evals; fallback=default/);
    const sent = h.upstream.requests.slice(-2).map((r) => (r.body as { service_tier?: string }).service_tier);
    expect(sent).toEqual(['flex', undefined]);
    const rows = h.proxy.services.ledger.page({}, 10).calls;
    const ok = rows.find((r) => r.status === 200)!;
    const refused = rows.find((r) => r.status === 429)!;
    expect(refused.costUsd).toBe(0);
    const standard = priceCall('o4-mini', { inputTokens: ok.inputTokens, outputTokens: ok.outputTokens }, 'openai').totalUsd;
    expect(ok.costUsd).toBeCloseTo(standard, 12);
  });

  it('a rule matching a model without flex says so and sends the request at the default tier', async () => {
    h = await startHarness(policy);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-flex', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval' } });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'no flex here' }] }).withResponse();
    expect(response.headers.get('x-tollgate-route')).toBe('flex unavailable for gpt-4o-mini; rule=evals');
    expect((h.upstream.requests.at(-1)!.body as { service_tier?: string }).service_tier).toBeUndefined();
  });
});
