/**
 * Ledger retention on a large ledger: it runs every 500 calls and every few minutes, so a pass with
 * nothing to delete must not read the whole ledger (it counted every row each time), and a pass
 * with much to delete (maxAgeDays lowered on a year of calls) must delete in bounded batches with
 * the event loop free between them (it was one DELETE of every old row), with the same rows deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { applyRetention, LedgerRetention } from '../../proxy/src/ledger/retention';
import { ledgerRow } from '../support/ledgerRow';

const DAY = 86_400_000;
/** The batch bound the proxy promises (RETENTION_BATCH); spelt here so the old code is held to it too. */
const BATCH = 2000;

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-scale-retention-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` rows, one a minute, the newest `newestAgeMs` ago; returns the ledger. */
function fill(n: number, newestAgeMs: number, now: number, extra: (i: number) => Partial<ReturnType<typeof ledgerRow>> = () => ({})): Ledger {
  const ledger = new Ledger(db);
  db.transaction(() => {
    for (let i = 0; i < n; i++) ledger.insert(ledgerRow({ requestId: `r${i}`, ts: now - newestAgeMs - (n - i) * 60_000, ...extra(i) }));
  })();
  return ledger;
}

function ids(): number[] {
  return db.prepare('SELECT id FROM calls ORDER BY id').pluck().all() as number[];
}

/** Every statement `fn` prepares on `db`, by SQL text. */
function statementsOf(fn: () => void): string[] {
  const seen: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    seen.push(sql);
    return prepare(sql);
  };
  try {
    fn();
  } finally {
    db.prepare = prepare;
  }
  return seen;
}

function plan(sql: string): string[] {
  const params = (sql.match(/\?/g) ?? []).map(() => 0);
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
}

describe('ledger retention on a large ledger', () => {
  it('a pass with nothing to delete reads no more than a bounded number of ledger rows (no COUNT of the ledger)', () => {
    const now = Date.now();
    fill(3000, 0, now);
    const sqls = statementsOf(() => applyRetention(db, { maxAgeDays: 90, maxBytes: 1024 ** 3 }, now));
    expect(sqls.length).toBeGreaterThan(0);
    for (const sql of sqls) {
      // A scan of `calls` is allowed only under a LIMIT (the size estimate's newest 1000 rows).
      const scans = plan(sql).filter((d) => /^SCAN calls\b/.test(d));
      if (scans.length > 0) expect({ sql, scans, bounded: /\bLIMIT\b/i.test(sql) }).toEqual({ sql, scans, bounded: true });
    }
    expect(ids()).toHaveLength(3000);
  });

  it('deletes a year of rows past maxAgeDays one bounded batch per event-loop turn, and reports the total', async () => {
    const now = Date.now();
    const old = BATCH * 3 + 17;
    const ledger = fill(old, 100 * DAY, now);
    const fresh = fill(50, 0, now);
    expect(fresh).toBeDefined();
    const lines: string[] = [];
    const retention = new LedgerRetention(db, ledger, () => ({ maxAgeDays: 90, maxBytes: 1024 ** 3 }), (l) => lines.push(l), 500, 60_000);
    const first = retention.run();
    // Right after the call returns, at most one batch is gone: the rest waits for later turns.
    expect(old + 50 - ids().length).toBeLessThanOrEqual(BATCH);
    expect(first.deletedByAge).toBeLessThanOrEqual(BATCH);
    const seen: number[] = [ids().length];
    for (let turn = 0; turn < 20 && ids().length > 50; turn++) {
      await new Promise((r) => setImmediate(r));
      seen.push(ids().length);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i - 1]! - seen[i]!).toBeLessThanOrEqual(BATCH);
    expect(ids()).toHaveLength(50);
    expect(lines).toEqual([`ledger retention: deleted ${old} row(s) past ledger.maxAgeDays and 0 over ledger.maxBytes`]);
    retention.close();
  });

  it('deletes the same rows as one DELETE by age and one by size did', () => {
    const now = Date.now();
    // 5,000 old rows, then 6,000 of ~1.2 KB over a 4 MB limit; a few rows out of id order by time
    // (a batch result written late with its old time).
    fill(5000, 95 * DAY, now);
    fill(6000, 0, now, (i) => ({ promptPreview: 'p'.repeat(200), route: 'r'.repeat(500), budget: 'b'.repeat(500), ...(i % 997 === 0 ? { ts: now - 200 * DAY } : {}) }));
    const settings = { maxAgeDays: 90, maxBytes: 4 * 1024 * 1024 };
    // The old algorithm, on a copy of the rows.
    db.exec('CREATE TABLE expected AS SELECT * FROM calls');
    const cutoff = now - settings.maxAgeDays * DAY;
    const byAge = db.prepare('DELETE FROM expected WHERE ts < ?').run(cutoff).changes;
    const rows = db.prepare('SELECT COUNT(*) FROM expected').pluck().get() as number;
    const perRow =
      (db
        .prepare(
          `SELECT AVG(LENGTH(request_id) + LENGTH(key_fingerprint) + IFNULL(LENGTH(team),0) + IFNULL(LENGTH(feature),0) + IFNULL(LENGTH(user),0)
        + LENGTH(provider) + LENGTH(endpoint) + LENGTH(model_requested) + LENGTH(model_used) + LENGTH(cache) + IFNULL(LENGTH(error_type),0)
        + IFNULL(LENGTH(route),0) + IFNULL(LENGTH(budget),0) + IFNULL(LENGTH(prompt_preview),0) + IFNULL(LENGTH(details),0)) FROM (SELECT * FROM expected ORDER BY id DESC LIMIT 1000)`,
        )
        .pluck()
        .get() as number) + 160;
    const excess = Math.ceil((Math.round(rows * perRow) - settings.maxBytes * 0.9) / perRow);
    expect(excess).toBeGreaterThan(BATCH);
    const bySize = db.prepare('DELETE FROM expected WHERE id IN (SELECT id FROM expected ORDER BY id LIMIT ?)').run(excess).changes;

    const r = applyRetention(db, settings, now);
    expect(r).toEqual({ deletedByAge: byAge, deletedBySize: bySize });
    expect(ids()).toEqual(db.prepare('SELECT id FROM expected ORDER BY id').pluck().all());
  });
});
