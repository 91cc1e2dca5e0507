/**
 * Background WAL checkpoints (proxy/src/db/checkpointer.ts): with them on, commits on the proxy's
 * connection only append to the WAL, and a worker thread copies the pages into the database file.
 * Real SQLite files; the database file's size is what a checkpoint changes (a commit alone never
 * writes it). The worker runs only after a commit: idle, it runs none.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKSTOP_PAGES, backgroundCheckpointsOf, startBackgroundCheckpoints } from '../../proxy/src/db/checkpointer';
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

  it('under steady serial load the WAL restarts before the backstop, so no call pays the backstop checkpoint', async () => {
    // A commit landed during each PASSIVE checkpoint, so the WAL never restarted: it grew to the
    // backstop, and every ~1,000th call ran that checkpoint on the event loop (14–113 ms).
    const { db, file } = open(true);
    // Its thread can take seconds to start on a loaded machine; the WAL would reach the backstop first.
    expect(await until(() => backgroundCheckpointsOf(db)!.counts().checkpoints > 0)).toBe(true);
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    const commits = 2500; // ~5 pages each: half again the backstop's 8,192 pages
    for (let i = 0; i < commits; i++) {
      ins.run('x'.repeat(16_000));
      await new Promise((r) => setTimeout(r, 1));
    }
    // The -wal file never shrinks here: it holds as many frames as the WAL ever had. The writer
    // checkpoints itself only once it has BACKSTOP_PAGES frames, so it never did.
    const frames = (statSync(`${file}-wal`).size - 32) / (4096 + 24);
    expect(frames).toBeLessThan(BACKSTOP_PAGES);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(commits);
  }, 120_000);

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

  it('close() returns only after the worker closed its connection: the proxy closes last, so the -wal and -shm files are gone and the directory can be deleted at once', async () => {
    const { db, file } = open(true);
    write(db, 50);
    const { counts } = backgroundCheckpointsOf(db)!;
    // The worker has its connection open (it checkpointed): closing now races with it unless close() waits.
    expect(await until(() => counts().checkpoints > 0)).toBe(true);
    write(db, 1);
    db.close();
    dbs.splice(dbs.indexOf(db), 1);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });
});

describe('background checkpoints run only after commits', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('count one commit per autocommit write or committed transaction, none for reads or rollbacks', () => {
    const { db } = open(true);
    const counts = () => backgroundCheckpointsOf(db)!.counts().commits;
    const before = counts();
    write(db, 3);
    expect(counts()).toBe(before + 3);
    db.transaction(() => write(db, 50))();
    expect(counts()).toBe(before + 4);
    db.prepare('SELECT COUNT(*) FROM t').pluck().get();
    db.prepare('SELECT v FROM t LIMIT 2').all();
    db.pragma('data_version');
    expect(counts()).toBe(before + 4);
    expect(() =>
      db.transaction(() => {
        write(db, 1);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(counts()).toBe(before + 4);
    // A write that returns rows (INSERT … RETURNING, as the exact cache's put) is a commit too.
    db.prepare('INSERT INTO t (v) VALUES (?) RETURNING id').get('r');
    expect(counts()).toBe(before + 5);
  });

  it('idle: no checkpoint runs; a write wakes the worker and a checkpoint follows', async () => {
    const { db, file } = open(false); // SQLite's own autocheckpoint off below; this worker checks every 20 ms at most
    const bg = startBackgroundCheckpoints(db, 20);
    // One checkpoint at start (whatever WAL is there), then none until a commit.
    expect(await until(() => bg.counts().checkpoints >= 1)).toBe(true);
    const settled = bg.counts().checkpoints;
    await sleep(500); // 25 intervals with nothing written
    expect(bg.counts().checkpoints).toBe(settled);
    const size = statSync(file).size;
    write(db, 300); // ~600 KB, below the backstop: only the worker can move it into the file
    // Caught up: its last checkpoint covered the last commit (a loaded machine can delay that one past any fixed wait).
    expect(await until(() => bg.counts().seen === bg.counts().commits)).toBe(true);
    expect(await until(() => statSync(file).size >= size + 500_000)).toBe(true);
    expect(bg.counts().checkpoints).toBeGreaterThan(settled);
    // Idle again: the count stops where the last write left it.
    const after = bg.counts().checkpoints;
    await sleep(500);
    expect(bg.counts().checkpoints).toBe(after);
  });

  it('under load, at most one checkpoint per interval; close ends a sleeping worker', async () => {
    const { db } = open(false);
    const bg = startBackgroundCheckpoints(db, 600_000);
    expect(await until(() => bg.counts().checkpoints === 1)).toBe(true);
    for (let i = 0; i < 20; i++) {
      write(db, 10);
      await sleep(10);
    }
    expect(bg.counts().commits).toBe(200);
    expect(bg.counts().checkpoints).toBe(1); // still inside its first interval
    const exited = new Promise<number>((resolve) => bg.worker.once('exit', resolve));
    db.close();
    dbs.splice(dbs.indexOf(db), 1);
    await expect(exited).resolves.toBe(0);
  });

  it('a database closed before its worker thread started is never opened by it (the data directory can be deleted at once)', async () => {
    // Under load a worker thread can take seconds to start: it then opened the file after close()
    // had returned, re-creating tollgate.db and its -wal/-shm in a directory the caller was deleting
    // (a test harness's rmSync failed with ENOTEMPTY). Closing right after opening is that case here.
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'tollgate.db');
    const db = openDatabase(file, { vector: false, backgroundCheckpoints: true });
    const handle = backgroundCheckpointsOf(db)!;
    const exited = new Promise((r) => handle.worker.once('exit', r));
    db.close();
    rmSync(dir, { recursive: true, force: true });
    await exited;
    expect(existsSync(dir)).toBe(false);
    expect(handle.counts().checkpoints).toBe(0);
  });
});

