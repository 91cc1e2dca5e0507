/**
 * Private data files: a new data directory is 0700 and tollgate.db with its -wal/-shm 0600, and an
 * install made by an older version (0755 directory, 0644 files from the umask) is fixed on start.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness';

const mode = (p: string) => statSync(p).mode & 0o777;
const root = mkdtempSync(join(tmpdir(), 'tollgate-perms-'));
let oldUmask = 0;

async function callOnce(dataDir: string): Promise<void> {
  const h = await startHarness({}, { dataDir, env: { OPENAI_API_KEY: 'sk-test-0123456789' } });
  try {
    const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(r.status).toBe(200);
    // While the proxy runs the WAL and shared-memory files exist: check them now.
    for (const f of ['tollgate.db', 'tollgate.db-wal', 'tollgate.db-shm']) {
      expect(existsSync(join(dataDir, f)), f).toBe(true);
      expect(mode(join(dataDir, f)).toString(8), f).toBe('600');
    }
  } finally {
    await h.close();
  }
}

describe.skipIf(process.platform === 'win32')('data directory permissions', () => {
  beforeAll(() => {
    // The usual umask, under which the old code created 0755 / 0644.
    oldUmask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(oldUmask);
    rmSync(root, { recursive: true, force: true });
  });

  it('a new data directory is 0700 and its database files 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    await callOnce(dataDir);
    expect(mode(dataDir).toString(8)).toBe('700');
  });

  it('an existing install with world-readable files is fixed on start', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    const db = new Database(join(dataDir, 'tollgate.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x)');
    db.close();
    writeFileSync(join(dataDir, 'tollgate.db-shm'), '');
    for (const f of ['tollgate.db', 'tollgate.db-shm']) chmodSync(join(dataDir, f), 0o644);
    chmodSync(dataDir, 0o755);
    expect(mode(join(dataDir, 'tollgate.db')).toString(8)).toBe('644');
    await callOnce(dataDir);
    expect(mode(dataDir).toString(8)).toBe('700');
  });

  it('does not chmod through a symlink planted beside the database', async () => {
    const dataDir = join(root, 'linked');
    mkdirSync(dataDir, { mode: 0o700 });
    const victim = join(root, 'someone-elses-file');
    writeFileSync(victim, 'x');
    chmodSync(victim, 0o644);
    symlinkSync(victim, join(dataDir, 'tollgate.db-journal'));
    const h = await startHarness({}, { dataDir });
    await h.close();
    expect(mode(victim).toString(8)).toBe('644');
  });
});
