/**
 * What one call's ledger row costs the disk (issue #16): the pages its commit appends to the WAL, counted
 * from the real file. A `calls(request_id)` index added one page to every commit (its leaf), and
 * only the batch capture stage read it, for a row it can find by its time.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { ledgerRow } from '../support/ledgerRow';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-write-pages-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

it("a call's row commits the row, its time index and the id sequence: three WAL pages, no request-id index", () => {
  const file = join(dir, 'tollgate.db');
  // A ledger from a release that indexed request ids, with a day of calls in it.
  let db = openDatabase(file, { vector: false });
  const seed = new Ledger(db);
  db.exec('CREATE INDEX calls_request ON calls(request_id)');
  const t0 = Date.UTC(2026, 11, 4);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) seed.insert(ledgerRow({ requestId: `tg_seed_${i.toString(36)}`, ts: t0 + i * 1000 }));
  })();
  db.close();

  // `tollgate report` reads it before a new proxy has opened it: the index stays, the reader works.
  const ro = openDatabase(file, { readonly: true, vector: false });
  expect(new Ledger(ro).summary({ from: t0, to: t0 + 3_600_000 }).totals.calls).toBe(3000);
  expect(ro.prepare("SELECT name FROM sqlite_master WHERE name = 'calls_request'").pluck().get()).toBe('calls_request');
  ro.close();

  db = openDatabase(file, { vector: false });
  const ledger = new Ledger(db);
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'calls'").pluck().all();
  expect(indexes).toEqual(['calls_ts']);
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const frames = () => Math.max(0, statSync(`${file}-wal`).size - WAL_HEADER) / (pageSize + FRAME_HEADER);
  const perCall: number[] = [];
  for (let i = 0; i < 21; i++) {
    const before = frames();
    ledger.record(ledgerRow({ requestId: `tg_live_${i.toString(36)}`, ts: t0 + 3_600_000 + i }));
    perCall.push(frames() - before);
  }
  // A leaf that splits now and then writes more; the usual commit is the median.
  expect(perCall.sort((a, b) => a - b)[10]).toBe(3);
  // The capture stage's lookup of a call's last row, by its time and id, reads the time index.
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id, provider FROM calls WHERE ts = ? AND request_id = ? ORDER BY id DESC LIMIT 1').all(t0, 'x') as { detail: string }[];
  expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING INDEX calls_ts/);
  ledger.close();
  db.close();
});
