/**
 * Background WAL checkpoints (proxy/src/db/checkpointer.ts): with them on, commits on the proxy's
 * connection only append to the WAL, and a worker thread copies the pages into the database file.
 * Real SQLite files; the database file's size is what a checkpoint changes (a commit alone never
 * writes it).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_PAGES } from '../../proxy/src/db/checkpointer';
import { openDatabase, type Db } from '../../proxy/src/db/open';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(background: boolean): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-ckpt-'));
  dirs.push(dir);
  const file = join(dir, 'tollgate.db');
  const db = openDatabase(file, { vector: false, backgroundCheckpoints: background });
  dbs.push(db);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return { db, file };
}

function write(db: Db, rows: number): void {
  const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < rows; i++) ins.run('x'.repeat(2000));
}

async function until(cond: () => boolean, ms = 20_000): Promise<boolean> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

describe('background checkpoints', () => {
  it('leave the writer only the backstop autocheckpoint, and a worker copies the WAL into the database file', async () => {
    const { db, file } = open(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    const before = statSync(file).size;
    write(db, 300); // ~600 KB: below the backstop, so only the worker can move it into the file
    expect(await until(() => statSync(file).size >= before + 500_000)).toBe(true);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(300);
  });

  it('are off by default: SQLite checkpoints inside the commit that crosses 1,000 pages', () => {
    const { db, file } = open(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const before = statSync(file).size;
    write(db, 300);
    expect(statSync(file).size).toBe(before);
    write(db, 2000); // ~4 MB of WAL: the autocheckpoint ran on this thread
    expect(statSync(file).size).toBeGreaterThan(before + 1_000_000);
  });

  it('stop with the database: close() leaves no worker holding the file, and the data reopens whole', async () => {
    const { db, file } = open(true);
    write(db, 50);
    db.close();
    dbs.splice(dbs.indexOf(db), 1);
    const again = openDatabase(file, { vector: false });
    dbs.push(again);
    expect(again.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(50);
  });
});
