/**
 * Ledger retention when the database refuses writes (a full disk cannot take even a DELETE's WAL
 * frames; simulated here with `PRAGMA query_only`). Retention runs from a timer and from the
 * ledger's 'call' event: a throw there would crash the proxy (uncaught in a timer) or fail the call
 * whose row triggered it. It must log and try again later instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { Ledger, type NewCallRecord } from '../../proxy/src/ledger/ledger';
import { LedgerRetention } from '../../proxy/src/ledger/retention';
import { ledgerRow } from '../support/ledgerRow';

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-retention-'));
  db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function row(ts: number): NewCallRecord {
  return ledgerRow({ requestId: `r${ts}`, ts });
}

describe('ledger retention when writes fail', () => {
  it('logs and returns instead of throwing, and deletes on a later run', () => {
    const ledger = new Ledger(db);
    ledger.record(row(1)); // far past maxAgeDays
    const lines: string[] = [];
    const retention = new LedgerRetention(db, ledger, () => ({ maxAgeDays: 1, maxBytes: 1e9 }), (l) => lines.push(l), 1, 60_000);
    db.pragma('query_only = ON');
    expect(() => retention.run()).not.toThrow();
    expect(lines.some((l) => /retention skipped/.test(l))).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM calls').pluck().get()).toBe(1);
    db.pragma('query_only = OFF');
    expect(retention.run().deletedByAge).toBe(1);
    retention.close();
  });

  it('a failing run triggered by a new row does not fail that row', () => {
    const ledger = new Ledger(db);
    const retention = new LedgerRetention(db, ledger, () => ({ maxAgeDays: 1, maxBytes: 1e9 }), () => {}, 1, 60_000).start();
    // A row past maxAgeDays to delete; the new row is written, then its 'call' event runs retention
    // on a connection that refuses writes.
    ledger.insert(row(1));
    const saved = ledger.insert(row(Date.now()));
    db.pragma('query_only = ON');
    expect(() => ledger.announce(saved)).not.toThrow();
    db.pragma('query_only = OFF');
    expect(db.prepare('SELECT COUNT(*) FROM calls').pluck().get()).toBe(2);
    retention.close();
  });
});
