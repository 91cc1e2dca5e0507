/**
 * A settle or release whose very first write SQLite refuses for a reason waiting cannot fix — a
 * trigger or constraint a newer version put on the file, a connection that became read-only — when
 * no earlier settlement is waiting. It was thrown to the caller: a batch's settlement runs when its
 * client polls it, so every `batches.retrieve` answered 500 "Tollgate hit an internal error; the call
 * was not forwarded" (and tried the settlement again), for as long as the file refused it. Now it
 * goes the way of such a write met later (docs/governance.md): said once per kind, its reservation
 * stays reserved and is charged at its worst case once stale, and the call and its ledger row are
 * untouched. Real SQLite file; through the proxy with the official OpenAI SDK and the fake upstream.
 */
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { startHarness, type Harness } from '../support/harness';
import { policy, tempDb, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let h: Harness | undefined;
let t: TempDb | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  t?.cleanup();
  t = undefined;
});

const REFUSE_CLOSE = `CREATE TRIGGER refuse_close BEFORE UPDATE OF state ON governance_reservations
  WHEN NEW.state IN ('settled', 'released') BEGIN SELECT RAISE(ABORT, 'closing refused by a newer schema'); END`;

describe('a settlement SQLite refuses at its first write', () => {
  it('is not thrown: said once, its reservation charged at its worst case once stale', () => {
    t = tempDb();
    const db = t.open();
    const clock = { t: Date.now() };
    const lines: string[] = [];
    const g = new Governor(db, () => policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 100 }] }), () => clock.t, { staleAfterMs: 60_000, warn: (l) => lines.push(l) });
    const [a, b] = [g.admit(call), g.admit(call)];
    db.exec(REFUSE_CLOSE);
    expect(() => g.settle(a.reservationId!, { costUsd: PER / 4, tokens: 500 })).not.toThrow();
    expect(() => g.release(b.reservationId!)).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SQLITE_CONSTRAINT.*closing refused by a newer schema.*worst case/);
    // Nothing waits for a retry that cannot succeed.
    expect(g.flushPending()).toBe(0);
    expect(g.status()[0]!.reservedUsd).toBeCloseTo(PER * 2, 12);
    clock.t += 61_000;
    expect(g.recoverOrphans()).toBe(2);
    expect(g.status()[0]!.spentUsd).toBeCloseTo(PER * 2, 12);
    g.close();
  });

  it('a read-only connection at settle time: not thrown, and the next settle once it writes again is written', () => {
    t = tempDb();
    const db = t.open();
    const lines: string[] = [];
    const g = new Governor(db, () => policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 100 }] }), Date.now, { warn: (l) => lines.push(l) });
    const [a, b] = [g.admit(call), g.admit(call)];
    db.pragma('query_only = 1');
    expect(() => g.settle(a.reservationId!, { costUsd: PER / 4, tokens: 500 })).not.toThrow();
    db.pragma('query_only = 0');
    g.settle(b.reservationId!, { costUsd: PER / 2, tokens: 700 });
    // b's real figure is written; a, never written, stays reserved at its worst case.
    const s = g.status()[0]!;
    expect(s.spentUsd).toBeCloseTo(PER / 2, 12);
    expect(s.reservedUsd).toBeCloseTo(PER, 12);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/readonly/);
    g.close();
  });

  it('through the proxy: the client gets its answer once, and the call is in the ledger', async () => {
    h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-settle-refused', maxRetries: 0 });
    h.proxy.services.db.exec(REFUSE_CLOSE);
    const before = h.upstream.calls();
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'say hi' }], max_tokens: 20 });
    expect(res.choices[0]!.message.content).toBeTruthy();
    expect(h.upstream.calls()).toBe(before + 1);
    const rows = h.proxy.services.ledger.page({}, 10).calls;
    expect(rows.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('a batch: its retrieve and results answer as usual, and the settlement is not tried again at every poll', async () => {
    h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-settle-refused', maxRetries: 0 });
    const line = { custom_id: 'req-0', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'name a river' }], max_tokens: 20 } };
    const file = await client.files.create({ file: await toFile(Buffer.from(`${JSON.stringify(line)}\n`), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.proxy.services.db.exec(REFUSE_CLOSE);
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    const output = await (await client.files.content(done.output_file_id!)).text();
    expect(output).toContain('req-0');
    expect((await client.batches.retrieve(batch.id)).status).toBe('completed');
    // Its result is in the ledger; the reservation stays reserved (charged at its worst case once its hold ends).
    expect(h.proxy.services.ledger.page({}, 10).calls.filter((r) => r.route === `batch ${batch.id}`)).toHaveLength(1);
    expect(h.proxy.services.db.prepare("SELECT COUNT(*) FROM governance_reservations WHERE state = 'open'").pluck().get()).toBe(1);
  });
});
