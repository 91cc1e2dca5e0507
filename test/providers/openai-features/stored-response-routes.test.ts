/**
 * The Responses API's stored-response routes, which an app pointed at Tollgate calls with the same
 * base URL: background mode creates a response that is `queued` and polls `GET /v1/responses/{id}`
 * (or resumes its events with `?stream=true`), lists its input items, cancels or deletes it. Each
 * is relayed with the caller's key, never cached (the stored response changes), recorded in the
 * ledger — a background response billed once, from the first answer that shows its usage, the rest
 * at $0 — and refused to a web page like every provider route.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, lastRow, proxyOverUpstream, type Scenario } from './openaiUpstream';

const ID = 'resp_68c1f2a7b3e08190a1b2c3d4e5f60718';
const base: Json = { id: ID, object: 'response', created_at: 1_764_600_000, model: 'o3-deep-research-2025-06-26', background: true, output: [], usage: null };
const done: Json = {
  ...base,
  status: 'completed',
  output: [{ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'The report is ready.', annotations: [], logprobs: [] }] }],
  usage: { input_tokens: 5_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 900, output_tokens_details: { reasoning_tokens: 600 }, total_tokens: 5_900 },
};
const scenarios: Record<string, Scenario> = { research: { body: { ...base, status: 'queued' } } };
const routes: Record<string, Json> = {
  [`GET /v1/responses/${ID}`]: done,
  [`GET /v1/responses/${ID}/input_items`]: { object: 'list', data: [{ id: 'msg_in', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'research it' }] }], first_id: 'msg_in', last_id: 'msg_in', has_more: false },
  [`POST /v1/responses/${ID}/cancel`]: { ...base, status: 'cancelled' },
  [`DELETE /v1/responses/${ID}`]: { id: ID, object: 'response.deleted', deleted: true },
};
const KEY = 'sk-proj-background';
const t = proxyOverUpstream(scenarios, KEY, {}, routes);

const upstreamHits = (method: string, path: string) => t.up.requests.filter((r) => r.method === method && r.path.split('?')[0] === path);

describe('stored-response routes', () => {
  it('a background response is polled through the proxy, each poll going upstream, and billed once when its usage shows', async () => {
    const created = await t.client.responses.create({ model: 'o3-deep-research', input: 'research it', background: true });
    expect(created.status).toBe('queued');
    // Queued: nothing is known of what it will cost — no estimate is billed for it.
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'responses', cost_usd: 0 });
    const first = await t.client.responses.retrieve(ID);
    const billed = lastRow(t.h);
    const second = await t.client.responses.retrieve(ID);
    expect(first.status).toBe('completed');
    expect(second.output_text).toBe('The report is ready.');
    const hits = upstreamHits('GET', `/v1/responses/${ID}`);
    expect(hits.length).toBe(2);
    expect(hits[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    // The finished response is billed at genai-prices' own price, once: the second poll is $0.
    const expected = calcPrice({ input_tokens: 5_000, output_tokens: 900 }, 'o3-deep-research-2025-06-26', { providerId: 'openai' })!.total_price;
    expect(expected).toBeGreaterThan(0);
    expect(billed).toMatchObject({ status: 200, endpoint: 'responses.retrieve', input_tokens: 5_000, output_tokens: 900 });
    expect(billed.cost_usd).toBeCloseTo(expected, 9);
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'responses.retrieve', cost_usd: 0, input_tokens: 0, output_tokens: 0 });
  });

  it('resuming its events with stream=true relays the stream', async () => {
    const stream = await t.client.responses.retrieve(ID, { stream: true });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_text.delta');
    // Already billed from the poll: the resumed stream's usage is not billed again.
    expect(lastRow(t.h)).toMatchObject({ endpoint: 'responses.retrieve', cost_usd: 0 });
  });

  it('input items, cancel and delete reach the upstream', async () => {
    const items = await t.client.responses.inputItems.list(ID);
    expect(items.data[0]?.id).toBe('msg_in');
    const cancelled = await t.client.responses.cancel(ID);
    expect(cancelled.status).toBe('cancelled');
    await t.client.responses.delete(ID);
    expect(upstreamHits('POST', `/v1/responses/${ID}/cancel`).length).toBe(1);
    expect(upstreamHits('DELETE', `/v1/responses/${ID}`).length).toBe(1);
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'responses.delete', cost_usd: 0 });
  });

  it('a web page cannot delete a stored response', async () => {
    const before = upstreamHits('DELETE', `/v1/responses/${ID}`).length;
    const res = await fetch(`${t.h.openaiBaseUrl}/responses/${ID}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEY}`, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(upstreamHits('DELETE', `/v1/responses/${ID}`).length).toBe(before);
  });
});
