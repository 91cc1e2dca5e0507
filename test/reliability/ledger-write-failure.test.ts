/**
 * A local failure after the upstream answered — the ledger row cannot be written (here a real
 * SQLite trigger refuses the insert, as a damaged table or a constraint would) — was treated as an
 * upstream connection failure: the call was retried (each retry sent, and billed, again) and the
 * client got "the upstream connection failed", after which the SDK retried on its own too. Now it
 * is one upstream call, a 500 that says what failed, and `x-should-retry: false`.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ retries: { attempts: 2, backoffMs: 1 } });
});
afterAll(async () => h?.close());

describe('the ledger refuses the row after the upstream answered', () => {
  it('JSON and streamed calls: one upstream call each, an error naming the ledger, no retry by the SDK', async () => {
    h.proxy.services.db.exec("CREATE TRIGGER refuse_calls BEFORE INSERT ON calls BEGIN SELECT RAISE(ABORT, 'calls table refuses rows'); END;");
    try {
      const client = new OpenAI({ apiKey: 'sk-ledger-failure', baseURL: h.openaiBaseUrl, maxRetries: 2 });
      const before = h.upstream.calls();
      const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'record me' }], max_tokens: 8 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      const e = err as InstanceType<typeof OpenAI.InternalServerError>;
      expect(e.message).toContain('could not record the call');
      expect(e.message).toContain('calls table refuses rows');
      expect(e.headers?.get('x-should-retry')).toBe('false');
      expect(h.upstream.calls() - before).toBe(1);

      const streamed = h.upstream.calls();
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stream me' }], max_tokens: 8, stream: true });
      const streamErr = await (async () => {
        for await (const _ of stream) {
          // read to the end
        }
      })().catch((x: unknown) => x);
      expect(String(streamErr)).toContain('could not record the call');
      expect(h.upstream.calls() - streamed).toBe(1);
    } finally {
      h.proxy.services.db.exec('DROP TRIGGER refuse_calls');
    }
    // Once the ledger takes rows again, calls are recorded as usual.
    const client = new OpenAI({ apiKey: 'sk-ledger-failure', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after' }], max_tokens: 8 });
    expect(h.proxy.services.ledger.page({}, 1).calls[0]!.status).toBe(200);
  });
});
