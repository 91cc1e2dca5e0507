/**
 * Ledger call ids are never reused. Batch results, captured request bodies, router feedback and the
 * dashboard's detail view keep a call's id after retention may have deleted the row; with a plain
 * `INTEGER PRIMARY KEY` the first call after retention emptied the ledger got id 1 again, so an old
 * batch's totals summed a new, unrelated call. Ledgers made before the fix are migrated in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateBatches } from '../../proxy/src/batch/store';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { Ledger, type NewCallRecord } from '../../proxy/src/ledger/ledger';
import { applyRetention } from '../../proxy/src/ledger/retention';
import { ledgerRow } from '../support/ledgerRow';

const dirs: string[] = [];
function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-call-ids-'));
  dirs.push(dir);
  return join(dir, 'tollgate.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 24 * 3600 * 1000;
function call(ts: number, costUsd: number, requestId = `tg_${ts}_${costUsd}`): NewCallRecord {
  return ledgerRow({ requestId, ts, keyFingerprint: 'fp', inputTokens: 10, outputTokens: 5, costUsd, latencyMs: 12, overheadMs: 1, attempt: 1 });
}

/** `calls` exactly as every release before the fix created it. */
const OLD_DDL = `
  CREATE TABLE calls (
    id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, ts INTEGER NOT NULL, key_fingerprint TEXT NOT NULL,
    team TEXT, feature TEXT, user TEXT, provider TEXT NOT NULL, endpoint TEXT NOT NULL, model_requested TEXT NOT NULL,
    model_used TEXT NOT NULL, stream INTEGER NOT NULL, cache TEXT NOT NULL, similarity REAL, source_entry_id INTEGER,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, cache_write_tokens INTEGER NOT NULL,
    tokens_estimated INTEGER NOT NULL, cost_usd REAL NOT NULL, saved_usd REAL NOT NULL, priced INTEGER NOT NULL, latency_ms REAL NOT NULL,
    overhead_ms REAL NOT NULL, status INTEGER NOT NULL, error_type TEXT, route TEXT, budget TEXT, attempt INTEGER NOT NULL,
    prompt_preview TEXT, details TEXT
  );
  CREATE INDEX calls_ts ON calls(ts);
  CREATE INDEX calls_request ON calls(request_id);`;

function batchCost(db: Db, batchId: string): number {
  return (db.prepare('SELECT COALESCE(SUM(c.cost_usd), 0) AS c FROM batch_results b JOIN calls c ON c.id = b.call_id WHERE b.batch_id = ?').get(batchId) as { c: number }).c;
}

describe('ledger call ids', () => {
  it('after retention empties the ledger, new calls get new ids (an old batch result does not pick up a new call)', () => {
    const db = openDatabase(dbFile(), { vector: false });
    migrateBatches(db);
    const ledger = new Ledger(db);
    const now = Date.now();
    const old = [ledger.record(call(now - 40 * DAY, 0.5)), ledger.record(call(now - 40 * DAY, 0.25))];
    db.prepare("INSERT INTO batch_results (batch_id, custom_id, call_id) VALUES ('batch_old', 'call-a', ?)").run(old[1]!.id);
    expect(applyRetention(db, { maxAgeDays: 30, maxBytes: 1 << 30 }, now).deletedByAge).toBe(2);
    expect(batchCost(db, 'batch_old')).toBe(0); // its row is gone

    const fresh = [ledger.record(call(now, 0.001)), ledger.record(call(now, 0.002))];
    for (const f of fresh) expect(f.id).toBeGreaterThan(old[1]!.id);
    expect(ledger.get(old[0]!.id)).toBeUndefined();
    expect(ledger.get(old[1]!.id)).toBeUndefined();
    expect(batchCost(db, 'batch_old')).toBe(0);
    db.close();
  });

  it('a ledger made before the fix is migrated once: rows and ids kept, no id any reference still holds is handed out again', () => {
    const file = dbFile();
    let db = openDatabase(file, { vector: false });
    db.exec(OLD_DDL);
    migrateBatches(db);
    const cols = 'request_id, ts, key_fingerprint, provider, endpoint, model_requested, model_used, stream, cache, input_tokens, output_tokens, cached_tokens, cache_write_tokens, tokens_estimated, cost_usd, saved_usd, priced, latency_ms, overhead_ms, status, attempt';
    const ins = db.prepare(`INSERT INTO calls (id, ${cols}) VALUES (?, ?, ?, 'fp', 'openai', 'chat.completions', 'm', 'm', 0, 'miss', 1, 1, 0, 0, 0, ?, 0, 1, 1, 1, 200, 1)`);
    ins.run(3, 'tg_a', Date.now(), 0.1);
    ins.run(7, 'tg_b', Date.now(), 0.2);
    // Call 12 was deleted by retention before the upgrade; a batch result still names it.
    db.prepare("INSERT INTO batch_results (batch_id, custom_id, call_id) VALUES ('batch_old', 'call-12', 12)").run();
    db.close();

    db = openDatabase(file, { vector: false });
    const ledger = new Ledger(db);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'calls'").get() as { sql: string }).sql).toMatch(/AUTOINCREMENT/);
    expect(ledger.get(3)?.requestId).toBe('tg_a');
    expect(ledger.get(7)?.costUsd).toBe(0.2);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'").all() as { name: string }[]).map((r) => r.name).sort();
    expect(indexes).toEqual(['calls_ts']);
    const next = ledger.record(call(Date.now(), 0.003));
    expect(next.id).toBeGreaterThan(12);
    expect(batchCost(db, 'batch_old')).toBe(0);
    db.close();

    // A second start (or a second proxy on the same data dir) finds nothing to do.
    db = openDatabase(file, { vector: false });
    const again = new Ledger(db);
    expect(again.get(next.id)?.costUsd).toBe(0.003);
    expect(again.record(call(Date.now(), 0.004)).id).toBe(next.id + 1);
    db.close();
  });
});
