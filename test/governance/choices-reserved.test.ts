/**
 * OpenAI's `n` (and legacy completions' `best_of`) generates that many choices, each billed up to
 * the output limit. The reservation counted one choice, so a call could cost n times what it
 * reserved and a second call was admitted beside it as if the budget had room.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

describe('a call asking for several choices', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: [{ name: 'tokens-daily', period: 'day', tokens: 10_000, action: 'block' }] });
  });
  afterAll(async () => h?.close());

  it('reserves its limit once per choice: a second call beside an n: 8 call is held', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-choices', maxRetries: 0 });
    // Answered after 1.5 s; the second call is sent once the first has reached the upstream, so it
    // is admitted while the first is in flight.
    const seen = h.upstream.requests.length;
    const first = client.chat.completions.create({ model: 'gpt-4o-mini', n: 8, max_tokens: 2_000, messages: [{ role: 'user', content: 'eight ideas [[fake:slow=1500]]' }] });
    for (let i = 0; i < 200 && h.upstream.requests.length === seen; i++) await new Promise((r) => setTimeout(r, 20));
    const second = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user', content: 'one more' }] }).catch((e: unknown) => e);
    await first;
    expect(second).toBeInstanceOf(OpenAI.APIError);
    expect((second as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((second as InstanceType<typeof OpenAI.APIError>).message).toMatch(/in flight|reserved/);
  });

  it('a single choice reserves its limit once: two calls of 2,000 fit beside each other', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-one-choice', maxRetries: 0 });
    const both = await Promise.all([
      client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 2_000, messages: [{ role: 'user', content: 'first [[fake:slow=300]]' }] }),
      client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 2_000, n: 1, messages: [{ role: 'user', content: 'second [[fake:slow=300]]' }] }),
    ]);
    expect(both.map((c) => c.choices.length > 0)).toEqual([true, true]);
  });
});
