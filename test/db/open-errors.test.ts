/**
 * A data directory whose database Tollgate must not use as it is: a damaged (truncated) file, a
 * file written by a newer Tollgate, a -shm left by a run under another account. Each gives one
 * readable line naming the file and what to do (no stack trace), and nothing is written to it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../contract/process';
import { describeFailure } from '../../proxy/src/cli/common';
import { DatabaseFileError, openDatabase, SCHEMA_VERSION } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { startProxy } from '../../proxy/src/server/start';
import { CLI, REPO_ROOT, runCli } from '../reliability/support';
import { ledgerRow } from '../support/ledgerRow';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A real Tollgate database with a few ledger rows, closed (WAL checkpointed into the file). */
function makeDatabase(file: string): void {
  const db = openDatabase(file, { vector: false });
  const ledger = new Ledger(db);
  for (let i = 0; i < 200; i++) {
    ledger.record(ledgerRow({ requestId: `r${i}`, tags: { feature: 'x'.repeat(100) }, promptPreview: 'p'.repeat(200) }));
  }
  db.close();
}

describe('opening a database Tollgate must not use', () => {
  it('a truncated file is reported as damaged, with what to do', () => {
    const file = join(dir, 'tollgate.db');
    makeDatabase(file);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    let err: unknown;
    try {
      openDatabase(file, { vector: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatabaseFileError);
    // The CLI prints it as it is: one line, no stack.
    expect(describeFailure(err)).toBe((err as Error).message);
    expect((err as Error).message).toContain(`${file} is damaged`);
    expect((err as Error).message).toMatch(/move it and its -wal\/-shm files away/);
  });

  it('damage inside the ledger (a readable header) stops the proxy start with the same line', async () => {
    const file = join(dir, 'tollgate.db');
    makeDatabase(file);
    const probe = openDatabase(file, { readonly: true, vector: false });
    const root = probe.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'calls'").pluck().get() as number;
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    const bytes = readFileSync(file);
    bytes.fill(0xff, (root - 1) * pageSize, root * pageSize);
    writeFileSync(file, bytes);
    const started = startProxy({ port: 0, dataDir: dir, env: {} });
    await expect(started).rejects.toBeInstanceOf(DatabaseFileError);
    await expect(started).rejects.toThrow(`${file} is damaged`);
  });

  it('a file from a newer Tollgate is refused for writing and left untouched; an older one is stamped', () => {
    const file = join(dir, 'tollgate.db');
    makeDatabase(file);
    const older = join(dir, 'older.db');
    copyFileSync(file, older);
    execFileSync(process.execPath, ['-e', `const {DatabaseSync}=require('@photostructure/sqlite');const d=new DatabaseSync(${JSON.stringify(file)});d.exec('PRAGMA user_version = ${SCHEMA_VERSION + 1}');d.close()`], { cwd: REPO_ROOT });
    const before = readFileSync(file);
    expect(() => openDatabase(file, { vector: false })).toThrow(/was written by a newer Tollgate \(data format 2; this version knows up to 1\)/);
    expect(readFileSync(file).equals(before)).toBe(true);
    // Read-only commands (cache stats) still read it.
    const ro = openDatabase(file, { readonly: true, vector: false });
    expect(ro.prepare('SELECT COUNT(*) FROM calls').pluck().get()).toBe(200);
    ro.close();

    // A file from before the stamp (user_version 0) opens, keeps its rows and is stamped.
    execFileSync(process.execPath, ['-e', `const {DatabaseSync}=require('@photostructure/sqlite');const d=new DatabaseSync(${JSON.stringify(older)});d.exec('PRAGMA user_version = 0');d.close()`], { cwd: REPO_ROOT });
    const db = openDatabase(older, { vector: false });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT COUNT(*) FROM calls').pluck().get()).toBe(200);
    db.close();
  });

  it('a newer Tollgate\'s file in rollback mode (a copy, a backup) is refused before it is switched to WAL: not a byte of it changes', () => {
    const file = join(dir, 'tollgate.db');
    makeDatabase(file);
    execFileSync(process.execPath, ['-e', `const {DatabaseSync}=require('@photostructure/sqlite');const d=new DatabaseSync(${JSON.stringify(file)});d.exec('PRAGMA journal_mode = DELETE; PRAGMA user_version = ${SCHEMA_VERSION + 1}');d.close()`], { cwd: REPO_ROOT });
    const before = readFileSync(file);
    expect(() => openDatabase(file, { vector: false })).toThrow(/was written by a newer Tollgate/);
    // Bytes 18-19 of the header say WAL (2) or rollback (1): the refused open wrote them.
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("a newer Tollgate's file with rows still in its WAL (it died before closing) is refused with the file and the WAL unchanged", () => {
    const file = join(dir, 'tollgate.db');
    makeDatabase(file);
    // The newer build writes, then exits without closing: its last rows are only in the -wal.
    execFileSync(
      process.execPath,
      ['-e', `const {DatabaseSync}=require('@photostructure/sqlite');const d=new DatabaseSync(${JSON.stringify(file)});d.exec('PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = ${SCHEMA_VERSION + 1}; CREATE TABLE newer_rows (x); INSERT INTO newer_rows VALUES (1)');process.exit(0)`],
      { cwd: REPO_ROOT },
    );
    const [before, wal] = [readFileSync(file), readFileSync(`${file}-wal`)];
    expect(wal.length).toBeGreaterThan(0);
    expect(() => openDatabase(file, { vector: false })).toThrow(/was written by a newer Tollgate/);
    // Closing the refused connection checkpointed the newer build's WAL into the file and deleted it.
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
  });

  it('`tollgate start` on a damaged or newer file prints one line and exits with the data-folder code, without a stack', async () => {
    const damaged = join(dir, 'damaged');
    const newer = join(dir, 'newer');
    for (const d of [damaged, newer]) {
      execFileSync('mkdir', ['-p', d]);
      makeDatabase(join(d, 'tollgate.db'));
    }
    const whole = readFileSync(join(damaged, 'tollgate.db'));
    writeFileSync(join(damaged, 'tollgate.db'), whole.subarray(0, 8192));
    execFileSync(process.execPath, ['-e', `const {DatabaseSync}=require('@photostructure/sqlite');const d=new DatabaseSync(${JSON.stringify(join(newer, 'tollgate.db'))});d.exec('PRAGMA user_version = 99');d.close()`], { cwd: REPO_ROOT });
    const [a, b] = await Promise.all([runCli(['start', '--port', '0', '--data-dir', damaged]), runCli(['start', '--port', '0', '--data-dir', newer])]);
    expect(a.code).toBe(EXIT_CODES.dataDirUnusable);
    expect(a.stderr.trim()).toMatch(/^tollgate: .*damaged\/tollgate\.db is damaged \(database disk image is malformed\)/);
    expect(a.stderr).not.toMatch(/\n\s+at /);
    expect(b.code).toBe(EXIT_CODES.dataDirUnusable);
    expect(b.stderr.trim()).toMatch(/^tollgate: .*newer\/tollgate\.db was written by a newer Tollgate \(data format 99/);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  // Needs a second account: as root, run the CLI as `nobody` on files left by root.
  it.skipIf(typeof process.getuid !== 'function' || process.getuid() !== 0)('a -shm owned by another account is a permission problem naming that file', async () => {
    const data = join(dir, 'data');
    execFileSync('mkdir', ['-p', data]);
    makeDatabase(join(data, 'tollgate.db'));
    writeFileSync(join(data, 'tollgate.db-shm'), Buffer.alloc(32768));
    chmodSync(dir, 0o755);
    chownSync(data, 65534, 65534);
    chownSync(join(data, 'tollgate.db'), 65534, 65534);
    chmodSync(join(data, 'tollgate.db-shm'), 0o600); // root's, as a `sudo tollgate start` leaves it
    const out = (() => {
      try {
        execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, ...CLI, 'start', '--port', '0', '--data-dir', data], { cwd: REPO_ROOT, stdio: 'pipe', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir } });
        return { code: 0, stderr: '' };
      } catch (e) {
        const err = e as { status: number; stderr: Buffer };
        return { code: err.status, stderr: err.stderr.toString() };
      }
    })();
    expect(out.code).toBe(EXIT_CODES.dataDirUnusable);
    expect(out.stderr.trim()).toBe(`tollgate: permission denied: cannot use ${join(data, 'tollgate.db-shm')}; run as its owner, fix its permissions, or choose another path (e.g. --data-dir).`);
    expect(statSync(join(data, 'tollgate.db-shm')).uid).toBe(0);
  }, 60_000);
});
