/**
 * `tollgate report` and `tollgate cache stats` only read: they read a data folder the user may not
 * write (a read-only mount, a backup, a colleague's folder shared read-only) and a copy kept in
 * rollback mode. Both failed: SQLite creates the WAL's -shm index beside the file to read it ("the
 * file system is read-only"), and the read-only connection was told to switch the copy to WAL
 * ("attempt to write a readonly database"). Rows only a -wal file holds cannot be read there without
 * writing; that is said in one line. Real files, the CLI as a child process (from root, as nobody).
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { runCli } from '../cli-output/cli';
import { ledgerRow } from '../support/ledgerRow';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-read-only-'));
  if (asRoot) chownSync(dir, NOBODY, NOBODY);
});
afterEach(() => {
  for (const d of readdirSync(dir)) chmodSync(join(dir, d), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

/** Three calls of $0.25 in `data`'s ledger; `open` keeps the writer open (its rows still in the -wal). */
function ledgerIn(data: string, open = false): () => void {
  mkdirSync(data, { recursive: true });
  const db = openDatabase(join(data, 'tollgate.db'), { vector: false });
  if (open) db.pragma('wal_autocheckpoint = 0');
  const ledger = new Ledger(db);
  for (let i = 0; i < 3; i++) ledger.record(ledgerRow({ requestId: `r${i}`, costUsd: 0.25 }));
  if (!open) db.close();
  return () => db.close();
}

/** `files` of `from` copied into a folder its reader may enter and read, not write. */
function readOnlyCopy(from: string, files: string[]): string {
  const to = join(dir, 'read-only');
  mkdirSync(to);
  for (const f of files) {
    copyFileSync(join(from, f), join(to, f));
    chmodSync(join(to, f), 0o444);
  }
  if (asRoot) chownSync(to, 0, 0);
  chmodSync(to, 0o555);
  return to;
}

const run = (data: string, ...args: string[]) => runCli([...args, '--data-dir', data], { cwd: dir, env: { HOME: dir }, ...(asRoot ? { uid: NOBODY } : {}) });
const totals = (stdout: string) => (JSON.parse(stdout) as { totals: { calls: number; costUsd: number } }).totals;

describe('a data folder the CLI may read but not write', () => {
  it('report and cache stats read it, and leave nothing in it', async () => {
    ledgerIn(join(dir, 'data'));
    const data = readOnlyCopy(join(dir, 'data'), ['tollgate.db']);
    const report = await run(data, 'report', '--since', '2000-01-01', '--format', 'json');
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    expect(totals(report.stdout)).toMatchObject({ calls: 3, costUsd: 0.75 });
    const stats = await run(data, 'cache', 'stats');
    expect(stats.stderr).toBe('');
    expect(stats.stdout).toMatch(/tollgate\.db: 0 entries/);
    expect(readdirSync(data)).toEqual(['tollgate.db']);
  }, 60_000);

  it('rows only its -wal holds: one line saying why and what to do, not a wrong total', async () => {
    const close = ledgerIn(join(dir, 'data'), true);
    const data = readOnlyCopy(join(dir, 'data'), ['tollgate.db', 'tollgate.db-wal']);
    close();
    const r = await run(data, 'report', '--since', '2000-01-01', '--format', 'json');
    expect(r.code).toBe(EXIT_CODES.failure);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^tollgate: .*tollgate\.db-wal holds changes not yet in .*tollgate\.db.*copy/)]);
  }, 60_000);
});

describe('a copy in rollback-journal mode', () => {
  it('is read as it is, left in its mode', async () => {
    const data = join(dir, 'copy');
    ledgerIn(data);
    const db = openDatabase(join(data, 'tollgate.db'), { vector: false });
    db.pragma('journal_mode = DELETE');
    db.close();
    if (asRoot) for (const f of [data, join(data, 'tollgate.db')]) chownSync(f, NOBODY, NOBODY);
    const r = await run(data, 'report', '--since', '2000-01-01', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(totals(r.stdout)).toMatchObject({ calls: 3, costUsd: 0.75 });
    const after = openDatabase(join(data, 'tollgate.db'), { readonly: true, vector: false });
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    after.close();
  }, 60_000);
});
