/**
 * Another process holds the data file's write lock past busy_timeout (a second proxy or the CLI in
 * the middle of a long write, a `sqlite3` shell left in a transaction) just as a call ends. The
 * upstream has answered and billed it: the client must get that answer, and the row must reach the
 * ledger once the lock is gone — as for a full disk — not a 500 "could not record the call" with
 * no row at all (the answer paid for and lost, the spend invisible).
 */
import OpenAI from 'openai';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { proxyWithSecondConnection } from '../db/support/secondConnection';
import { tempDb, type TempDb } from '../governance/helpers';

const row = (requestId: string) => ({
  requestId,
  ts: Date.now(),
  keyFingerprint: 'tg_k',
  tags: {},
  provider: 'openai',
  endpoint: 'chat',
  modelRequested: 'gpt-4.1-nano',
  modelUsed: 'gpt-4.1-nano',
  stream: false,
  cache: 'miss' as const,
  inputTokens: 10,
  outputTokens: 5,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  tokensEstimated: false,
  costUsd: 0.000003,
  savedUsd: 0,
  priced: true,
  latencyMs: 1,
  overheadMs: 1,
  status: 200,
  attempt: 1,
});

describe('a ledger write while another connection holds the write lock', () => {
  let t: TempDb | undefined;
  afterAll(() => t?.cleanup());

  it('holds the row and writes it once the lock is released', () => {
    t = tempDb();
    const db = t.open();
    db.pragma('busy_timeout = 50');
    const other = t.open();
    const ledger = new Ledger(db);
    const announced: string[] = [];
    ledger.on('call', (c) => announced.push(c.requestId));
    other.exec('BEGIN IMMEDIATE');
    expect(() => ledger.record(row('r-locked'))).not.toThrow();
    expect(ledger.heldCount).toBe(1);
    other.exec('COMMIT');
    expect(ledger.writeHeld()).toBe(0);
    expect(announced).toEqual(['r-locked']);
    expect((db.prepare("SELECT COUNT(*) AS n FROM calls WHERE request_id = 'r-locked'").get() as { n: number }).n).toBe(1);
    ledger.close();
  });

  it('retries on its timer without waiting out busy_timeout while the lock lasts (the event loop stays free)', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      t ??= tempDb();
      const db = t.open();
      const other = t.open();
      // The busy_timeout each write ran under: SQLite waits that long for the lock before it refuses.
      const waits: unknown[] = [];
      const watched = new Proxy(db, {
        get(target, key) {
          if (key !== 'prepare') {
            const v = Reflect.get(target, key, target);
            return typeof v === 'function' ? v.bind(target) : v;
          }
          return (sql: string) =>
            new Proxy(target.prepare(sql), {
              get(stmt, k) {
                const v = Reflect.get(stmt, k, stmt);
                if (k !== 'run' || typeof v !== 'function') return typeof v === 'function' ? v.bind(stmt) : v;
                return (...args: unknown[]) => {
                  waits.push(target.pragma('busy_timeout', { simple: true }));
                  return v.apply(stmt, args);
                };
              },
            });
        },
      });
      const ledger = new Ledger(watched);
      db.pragma('busy_timeout = 50');
      other.exec('BEGIN IMMEDIATE');
      ledger.record(row('r-timer'));
      // The proxy's own setting: a retry that waited would block for 5 s here.
      db.pragma('busy_timeout = 5000');
      waits.length = 0;
      vi.advanceTimersByTime(5_000);
      // Tried, without waiting for the lock (each write under busy_timeout 0).
      expect(waits.length).toBeGreaterThan(0);
      expect(new Set(waits)).toEqual(new Set([0]));
      expect(ledger.heldCount).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      other.exec('COMMIT');
      vi.advanceTimersByTime(5_000);
      expect(ledger.heldCount).toBe(0);
      expect((db.prepare("SELECT COUNT(*) AS n FROM calls WHERE request_id = 'r-timer'").get() as { n: number }).n).toBe(1);
      ledger.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('through the proxy', () => {
  const setup = proxyWithSecondConnection({ retries: { attempts: 0 } });

  it('the client gets the answer it paid for, and its row is written after the lock', async () => {
    const { h, other } = setup;
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-locked-ledger', maxRetries: 0 });
    const before = h.upstream.calls();
    other.exec('BEGIN IMMEDIATE');
    let answer: string;
    let id: string;
    try {
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'answered while the file is locked' }] })
        .withResponse();
      answer = data.choices[0]?.message.content ?? '';
      id = String(response.headers.get('x-tollgate-request-id'));
    } finally {
      other.exec('COMMIT');
    }
    expect(answer).toContain('You said: answered while the');
    expect(h.upstream.calls() - before).toBe(1);
    expect(h.proxy.services.ledger.writeHeld()).toBe(0);
    const rows = h.proxy.services.db.prepare('SELECT status, output_tokens FROM calls WHERE request_id = ?').all(id) as Array<{ status: number; output_tokens: number }>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe(200);
    expect(rows[0]!.output_tokens).toBeGreaterThan(0);
  });
});
