/**
 * Two admission faults a budget or rate limit met through the real proxy:
 * - an embeddings call generates no tokens, yet was reserved `defaults.maxOutputTokens` (4,096) of
 *   output: ten concurrent 7-token embeddings under a 20,000 TPM limit were refused as if 40,000
 *   tokens were in flight;
 * - a reservation SQLite refuses (another program holds the data file's write lock, or the disk is
 *   full) made every call under a budget a bare 500 "internal error" the SDKs retried at once.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyWithSecondConnection } from '../db/support/secondConnection';
import { startHarness, type Harness } from '../support/harness';

describe('embeddings under a TPM limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ rateLimits: [{ name: 'tpm', tpm: 20_000 }] });
  });
  afterAll(async () => h?.close());

  it('are reserved their input only: ten concurrent small ones all pass', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-embed-tpm', maxRetries: 0 });
    // Each answered after 400 ms, so all ten are in flight together.
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => client.embeddings.create({ model: 'text-embedding-3-small', input: `short text number ${i} [[fake:slow=400]]` })));
    expect(settled.map((s) => (s.status === 'fulfilled' ? 200 : (s.reason as { status?: number }).status))).toEqual(Array(10).fill(200));
  });
});

describe('a budget whose reservation SQLite refuses', () => {
  const setup = proxyWithSecondConnection({ retries: { attempts: 0 }, budgets: [{ name: 'daily', period: 'day', usd: 100, action: 'block' }] });

  it('refuses the call with a 503 that says why, forwarding nothing; it passes once the file is free', async () => {
    const { h, other } = setup;
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-budget-locked', maxRetries: 0 });
    const ask = () => client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'under a budget' }] });
    const before = h.upstream.calls();
    other.exec('BEGIN IMMEDIATE');
    let refusal: unknown;
    try {
      refusal = await ask().catch((e: unknown) => e);
    } finally {
      other.exec('COMMIT');
    }
    expect(refusal).toBeInstanceOf(OpenAI.APIError);
    const e = refusal as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/cannot record this call's budget use.*write lock/);
    expect(e.headers?.get('retry-after')).toBe('1');
    expect(h.upstream.calls()).toBe(before);
    const answer = await ask();
    expect(answer.choices[0]?.message.content).toContain('under a budget');
  }, 30_000);
});

describe('a request whose output limit is absurd (max_tokens: 1e15)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ retries: { attempts: 0 }, budgets: [{ name: 'daily', period: 'day', usd: 5, action: 'allow' }, { name: 'tokens', period: 'day', tokens: 10_000_000 }] });
  });
  afterAll(async () => h?.close());

  it('does not break the budget for every later call (its worst case overflowed the spend row)', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-absurd', maxRetries: 0 });
    // A typo or a hostile client; the provider refuses or answers it, either way it ends.
    await client.chat.completions.create({ model: 'gpt-4.1', max_tokens: 1e15, messages: [{ role: 'user', content: 'absurd limit' }] }).catch((e: unknown) => e);
    const answer = await client.chat.completions.create({ model: 'gpt-4.1-nano', max_tokens: 50, messages: [{ role: 'user', content: 'a normal call after it' }] });
    expect(answer.choices[0]?.message.content).toContain('a normal call after it');
    const res = await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
    expect(res.status).toBe(200);
    const budgets = (await res.json()) as Array<{ name: string; reservedTokens: number }>;
    expect(budgets.map((b) => b.name).sort()).toEqual(['daily', 'tokens']);
    expect(budgets.every((b) => b.reservedTokens === 0)).toBe(true);
  }, 30_000);
});
