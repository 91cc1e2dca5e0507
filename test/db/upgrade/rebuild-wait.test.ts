/**
 * Two Tollgates starting on one data directory after an update: the first rebuilds the old ledger
 * (db/autoincrement.ts) and holds the write lock for as long as the copy takes, which on a big
 * ledger is longer than the connection's busy_timeout. The second must wait for it and find the
 * table migrated, not end its start in "database is locked".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../proxy/src/db/open';
import { migrateLedger } from '../../../proxy/src/ledger/ledger';
import { OLD_CALLS_DDL, oldCallRows } from './oldFormat';

const REPO_ROOT = join(__dirname, '..', '..', '..');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-upgrade-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Another process that takes the write lock (BEGIN IMMEDIATE), writes one call the old way, and
 * commits after `holdMs`. Resolves once it holds the lock; `done` resolves when it exited.
 */
async function holdWriteLock(file: string, holdMs: number): Promise<{ done: Promise<number | null> }> {
  const code = `
    import { DatabaseSync } from '@photostructure/sqlite';
    const db = new DatabaseSync(${JSON.stringify(file)});
    db.exec('PRAGMA busy_timeout = 5000; BEGIN IMMEDIATE');
    db.exec(${JSON.stringify(oldCallRows(1, 1000))});
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
    child.on('exit', (c) => reject(new Error(`lock holder exited early (${c})`)));
  });
  return { done };
}

describe('old ledger rebuilt while another process holds the write lock', () => {
  it('waits past the usual busy_timeout, then migrates every row once (its own and the other process’s)', async () => {
    const file = join(dir, 'tollgate.db');
    const setup = openDatabase(file, { vector: false });
    setup.exec(`${OLD_CALLS_DDL}; ${oldCallRows(50)}`);
    setup.close();

    const db = openDatabase(file, { vector: false });
    // The ordinary wait, shortened so the other process's hold (below) clearly outlasts it.
    db.pragma('busy_timeout = 100');
    const holder = await holdWriteLock(file, 1500);
    try {
      migrateLedger(db);
    } finally {
      await holder.done;
    }
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'calls'").pluck().get()).toMatch(/AUTOINCREMENT/);
    const ids = db.prepare('SELECT id FROM calls ORDER BY id').pluck().all() as number[];
    expect(ids).toEqual([...Array.from({ length: 50 }, (_, i) => i + 1), 1000]);
    expect(db.prepare('SELECT SUM(cost_usd) FROM calls').pluck().get()).toBeCloseTo(51 * 0.001, 12);
    // The connection's own wait is back to what it was.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(100);
    db.close();
  });
});
