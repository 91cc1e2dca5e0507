/**
 * The captured bodies' retention runs every 200 captured calls, at start and at each batch export,
 * on the proxy's event loop. Its age cut (`ts < cutoff`) had no index to use: SQLite read every
 * body of the table (about 40 ms at 120,000 captured calls, each time, for a prune that usually
 * deletes nothing). Checked on a real SQLite file with SQLite's own query plan for each statement
 * the prune runs, over a file written by the version before the index (migrated on open).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaptureStore } from '../../proxy/src/batch/capture';
import { openDatabase, type Db } from '../../proxy/src/db/open';

let dir: string | undefined;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = dir = undefined;
});

/** SQLite's plan for each statement `run` prepares, one line per table step. */
function plansOf(d: Db, run: () => void): string[] {
  const seen: string[] = [];
  const prepare = d.prepare.bind(d);
  d.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as Db['prepare'];
  try {
    run();
  } finally {
    d.prepare = prepare;
  }
  const params = (sql: string) => Array.from(sql.matchAll(/\?/g), () => 0);
  return seen.flatMap((sql) => (d.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params(sql)) as Array<{ detail: string }>).map((r) => r.detail));
}

describe('capture retention', () => {
  it('finds old bodies by an index, not by reading the whole table', () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-capture-prune-'));
    db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
    db.exec('CREATE TABLE calls (id INTEGER PRIMARY KEY)');
    // The table as the version before the index left it.
    db.exec(`CREATE TABLE captured_requests (call_id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, feature TEXT NOT NULL, provider TEXT NOT NULL,
      protocol TEXT NOT NULL, endpoint TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX captured_feature_ts ON captured_requests(feature, ts);`);
    const now = Date.now();
    const insert = db.prepare("INSERT INTO captured_requests VALUES (?, ?, 'eval', 'openai', 'openai', 'chat.completions', '{}')");
    for (let i = 1; i <= 50; i++) insert.run(i, now - i * 86_400_000);
    db.exec('INSERT INTO calls (id) SELECT call_id FROM captured_requests');

    const store = new CaptureStore(db);
    let deleted = 0;
    const plans = plansOf(db, () => (deleted = store.prune(31, now)));
    expect(deleted).toBe(19); // 32 to 50 days old: past 31 days
    const onCaptured = plans.filter((p) => /captured_requests/.test(p));
    expect(onCaptured.length).toBeGreaterThan(0);
    expect(onCaptured.filter((p) => p.startsWith('SCAN'))).toEqual([]);
  });
});
