/**
 * A `downgrade` budget over its limit, through the real proxy and the OpenAI SDK, with a chat call
 * that carries an image: the cheapest tier's model reads no images, so the call goes to the
 * cheapest tier that does, or is refused saying why — the provider never receives an image on a
 * text-only model (it would answer 400 "image_url is only supported by certain models", a failure
 * the budget made). The governor-level cases are in downgrade-unpriced.test.ts; this one checks
 * the admit stage really tells the governor about the image.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TEXT_ONLY = new Set(['o3-mini', 'gpt-3.5-turbo']);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function spentBudget(tiers: Record<string, string>): Promise<OpenAI> {
  const policy: PolicyInput = {
    routing: { tiers: { openai: tiers } },
    budgets: [{ name: 'tiny', period: 'day', usd: 0.0000001, action: 'downgrade' }],
  };
  h = await startHarness(policy);
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-downgrade-image', maxRetries: 0 });
  // The first call spends past the tiny budget; every later one is over its limit.
  await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'spend it' }] });
  return client;
}

const withImage = (text: string) => ({
  model: 'gpt-4.1',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text }, { type: 'image_url' as const, image_url: { url: PNG } }] }],
});

/** Models the fake upstream received with an image in the request. */
function modelsSentImages(): string[] {
  return h!.upstream.requests.filter((r) => JSON.stringify(r.body).includes('image_url')).map((r) => String((r.body as { model?: unknown }).model));
}

describe('budget downgrade of a chat call with an image, through the proxy', () => {
  it('passes over the text-only cheapest tier for the cheapest one that reads images', async () => {
    const client = await spentBudget({ small: 'o3-mini', medium: 'gpt-4.1-mini', large: 'gpt-4.1' });
    // Without an image: the cheapest tier, as before.
    const text = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'plain text' }] }).withResponse();
    expect(text.data.model).toBe('o3-mini');
    const r = await client.chat.completions.create(withImage('what is in this picture?')).withResponse();
    expect(r.response.status).toBe(200);
    expect(r.data.model).toBe('gpt-4.1-mini');
    expect(r.response.headers.get('x-tollgate-budget')).toMatch(/^exceeded; name=tiny; .*action=downgrade/);
    expect(modelsSentImages()).toEqual(['gpt-4.1-mini']);
  });

  it('is refused with the reason when no tier reads images; the image never goes upstream', async () => {
    const client = await spentBudget({ small: 'o3-mini', medium: 'gpt-3.5-turbo' });
    const before = h!.upstream.requests.length;
    const err = (await client.chat.completions.create(withImage('describe it')).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.message).toContain('carries an image');
    expect(h!.upstream.requests.length).toBe(before);
    expect(modelsSentImages().filter((m) => TEXT_ONLY.has(m))).toEqual([]);
  });
});
