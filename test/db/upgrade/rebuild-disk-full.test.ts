/**
 * Upgrading an old ledger copies the table once: on a disk without room for the copy the start
 * must end with one readable line naming the file and the space needed (not a stack trace), leave
 * every row as it was, and succeed once there is room.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFailure } from '../../../proxy/src/cli/common';
import { DatabaseFileError, openDatabase } from '../../../proxy/src/db/open';
import { migrateLedger } from '../../../proxy/src/ledger/ledger';
import { OLD_CALLS_DDL, oldCallRows } from './oldFormat';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-upgrade-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('old ledger rebuilt on a full disk', () => {
  it('fails with one readable line, keeps every row, and upgrades once there is room', () => {
    const file = join(dir, 'tollgate.db');
    const setup = openDatabase(file, { vector: false });
    setup.exec(`${OLD_CALLS_DDL}; ${oldCallRows(5000)}`);
    setup.close();

    const db = openDatabase(file, { vector: false });
    // A disk with room for a few more pages, not for a copy of the table.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 8}`);
    let failure: unknown;
    try {
      migrateLedger(db);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(DatabaseFileError);
    const line = describeFailure(failure, file);
    expect(line).toContain(file);
    expect(line).toMatch(/disk space/);
    expect(line).toMatch(/\d+ MB/);
    expect(line).not.toContain('\n');

    // Rolled back: still the old table, every row with its cost and tokens.
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'calls'").pluck().get()).not.toMatch(/AUTOINCREMENT/);
    expect(db.prepare('SELECT COUNT(*) AS n, SUM(cost_usd) AS usd, SUM(input_tokens + output_tokens) AS tokens FROM calls').get()).toEqual({ n: 5000, usd: expect.closeTo(5, 9), tokens: 75_000 });

    db.pragma('max_page_count = 1073741823');
    migrateLedger(db);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'calls'").pluck().get()).toMatch(/AUTOINCREMENT/);
    expect(db.prepare('SELECT COUNT(*) AS n, MIN(id) AS lo, MAX(id) AS hi FROM calls').get()).toEqual({ n: 5000, lo: 1, hi: 5000 });
    db.close();
  });
});
