/**
 * What a reservation prices and how much output it holds depend on the model the call runs as:
 * - a model that reasons by default (o3) without an output limit can bill its catalogue maximum
 *   (100,000 tokens), not the policy's 4,096 default; reserved at the default, a second call was
 *   admitted beside it as if the budget had room;
 * - an Azure deployment name (`prod-4o`) mapped by the provider's `priceAs` is priced as that model,
 *   so a budget refusing unpriced models no longer refuses it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

type ApiError = InstanceType<typeof OpenAI.APIError>;

/** Sends `first` (answered slowly), waits until it reached the upstream, then sends `second`. */
async function beside(h: Harness, client: OpenAI, first: string, second: () => Promise<unknown>): Promise<unknown> {
  const seen = h.upstream.requests.length;
  const pending = client.chat.completions.create({ model: first, messages: [{ role: 'user', content: 'think about it [[fake:slow=1500]]' }] });
  for (let i = 0; i < 200 && h.upstream.requests.length === seen; i++) await new Promise((r) => setTimeout(r, 20));
  const result = await second().catch((e: unknown) => e);
  await pending;
  return result;
}

describe('reservations of reasoning models without an output limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: [{ name: 'tokens-daily', period: 'day', tokens: 20_000, action: 'block' }] });
  });
  afterAll(async () => h?.close());

  it('o3 without a limit reserves its maximum output: a call beside it is held', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-reasoning', maxRetries: 0 });
    const second = await beside(h, client, 'o3', () => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'one more' }] }));
    expect(second).toBeInstanceOf(OpenAI.APIError);
    expect((second as ApiError).status).toBe(429);
    expect((second as ApiError).message).toMatch(/in flight|reserved/);
  });

  it('a model that does not reason keeps the policy default: two such calls fit beside each other', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-plain', maxRetries: 0 });
    const second = await beside(h, client, 'gpt-4o-mini', () => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'one more' }] }));
    expect(second).not.toBeInstanceOf(Error);
    expect((second as OpenAI.Chat.ChatCompletion).choices.length).toBeGreaterThan(0);
  });
});

describe('reservations of a deployment priced through priceAs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { budgets: [{ name: 'usd-daily', period: 'day', usd: 5, action: 'block', unpriced: 'block' }] },
      { openai: { priceAs: { 'prod-*': 'gpt-4o-2024-08-06' } } },
    );
  });
  afterAll(async () => h?.close());

  it('a mapped deployment is admitted under unpriced: block; an unmapped name is still refused', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-azure', maxRetries: 0 });
    const mapped = await client.chat.completions.create({ model: 'prod-4o', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] });
    expect(mapped.choices.length).toBeGreaterThan(0);
    const unmapped = await client.chat.completions.create({ model: 'staging-4o', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(unmapped).toBeInstanceOf(OpenAI.APIError);
    expect((unmapped as ApiError).message).toContain('staging-4o');
  });
});
