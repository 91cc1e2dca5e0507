/**
 * A reservation SQLite refuses for a reason waiting cannot mend (here a trigger a newer version
 * could have put on the file): the call was a generic 500 "internal error" that the SDKs retried
 * twice. Now a provider-style 503 names SQLite's code with `x-should-retry: false`, nothing is
 * forwarded, and calls go through again once the file accepts the write. Real SQLite file, the
 * official OpenAI SDK with its default retries, the fake upstream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

describe('a budget reservation the data file refuses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: 10, action: 'block' }] });
  });
  afterAll(async () => h?.close());

  it('is a 503 naming SQLite\'s code, not retried, nothing forwarded; calls pass once the file accepts it', async () => {
    h.proxy.services.db.exec("CREATE TRIGGER refuse_reservations BEFORE INSERT ON governance_reservations BEGIN SELECT RAISE(ABORT, 'refused by a newer schema'); END;");
    const seen = h.upstream.requests.length;
    let tries = 0;
    const client = new OpenAI({ apiKey: 'sk-admit-refused', baseURL: h.openaiBaseUrl, maxRetries: 2, fetch: (url, init) => (tries++, fetch(url, init)) });
    const failed = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    const e = failed as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(503);
    expect(e.message).toContain('SQLITE_CONSTRAINT');
    expect(e.message).toContain('not forwarded');
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(tries).toBe(1);
    expect(h.upstream.requests.length).toBe(seen);

    h.proxy.services.db.exec('DROP TRIGGER refuse_reservations');
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'hello again' }] });
    expect(ok.choices.length).toBeGreaterThan(0);
  });
});
