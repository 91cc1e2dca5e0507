/**
 * Two admission faults a budget or rate limit met through the real proxy:
 * - an embeddings call generates no tokens, yet was reserved `defaults.maxOutputTokens` (4,096) of
 *   output: ten concurrent 7-token embeddings under a 20,000 TPM limit were refused as if 40,000
 *   tokens were in flight;
 * - a reservation SQLite refuses (another program holds the data file's write lock, or the disk is
 *   full) made every call under a budget a bare 500 "internal error" the SDKs retried at once.
 */
import OpenAI from 'openai';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
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
  let h: Harness;
  let other: Db;
  beforeAll(async () => {
    h = await startHarness({ retries: { attempts: 0 }, budgets: [{ name: 'daily', period: 'day', usd: 100, action: 'block' }] });
    other = openDatabase(join(h.dataDir, 'tollgate.db'), { vector: false });
  });
  afterAll(async () => {
    other?.close();
    await h?.close();
  });

  it('refuses the call with a 503 that says why, forwarding nothing; it passes once the file is free', async () => {
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
