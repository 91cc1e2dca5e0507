/**
 * A proxy stopped (an editor reload, Ctrl-C) while a batch request is on its way to the provider:
 * the stop waited only for proxied model calls, so it cut the batch create at once. The SDK saw a
 * connection error while the provider created, and billed, the batch anyway; the proxy had no row
 * to follow it, and the user's rerun paid again. The stop now lets batch requests finish too.
 * In process: the official OpenAI SDK, the fake provider's batch API, a real SQLite file.
 */
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/open';
import { startHarness, type Harness } from '../support/harness';
import { holdCreates } from './holdCreates';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const line = (i: number) => JSON.stringify({ custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 50 } });

describe('a stop while a batch create is in flight', () => {
  it('waits for it: the client gets its batch, and the proxy\'s file records the batch and its reservation', async () => {
    h = await startHarness({ budgets: [{ name: 'day', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-stop-batch', maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(`${line(0)}\n${line(1)}\n`), 'in.jsonl'), purpose: 'batch' });
    const held = holdCreates(h.upstream);
    const created = client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }).catch((e: unknown) => e);
    await held.reached;
    const stopped = h.proxy.close();
    // The provider answers only once the stop has begun (a turn after it cut what it does not wait for).
    await new Promise((r) => setImmediate(r));
    held.release();
    const batch = await created;
    await stopped;

    expect(batch).not.toBeInstanceOf(Error);
    const id = (batch as OpenAI.Batch).id;
    expect([...h.upstream.batch.batches.keys()]).toEqual([id]);
    const db = new Db(join(h.dataDir, 'tollgate.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT id, request_count AS requests, reservation_id AS reservation FROM batches').all() as Array<{ id: string; requests: number; reservation: string | null }>;
      expect(row).toEqual([{ id, requests: 2, reservation: expect.any(String) }]);
      const open = db.prepare("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'").get() as { n: number };
      expect(open.n).toBe(1);
    } finally {
      db.close();
    }
  });
});
