/**
 * Moves WAL checkpoints off the event loop (see checkpointWorker.ts for why): the proxy's connection
 * keeps an autocheckpoint only as a backstop (a WAL that grew past `BACKSTOP_PAGES` because the
 * worker is stuck or gone), and a worker checkpoints at most every `intervalMs`, and only after a
 * commit: the connection bumps a shared counter after each commit that may have written
 * (`Db.onCommit`), and the worker sleeps on it (`Atomics.waitAsync`), so an idle proxy costs the
 * worker no wakeups at all.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker';
import { CANCELLED, CHECKPOINTS, CLOSED, COMMITS, NOT_OPENED, SEEN, SLOTS, STATE } from './checkpointSlots';
import type { CheckpointStart } from './checkpointWorker';
import type { Db } from './sqlite';

/**
 * 32 MiB of 4 KiB pages: the writer checkpoints itself only if the WAL gets this large, i.e. only if
 * the worker is stuck or gone. Under continuous load a commit lands during each worker checkpoint, so
 * the WAL would never restart on its own; the worker restarts it at half this size (checkpointWorker.ts).
 */
export const BACKSTOP_PAGES = 8192;
/** SQLite's default autocheckpoint, restored when the worker cannot run. */
const DEFAULT_PAGES = 1000;
/** How long closing the database waits for the worker to close its connection (it is idle or mid-checkpoint). */
const CLOSE_WAIT_MS = 2000;

export interface BackgroundCheckpoints {
  worker: Worker;
  /** Commits reported to the worker, checkpoints it has run, and the commits its last one covered (read without waking it). */
  counts(): { commits: number; checkpoints: number; seen: number };
}

const running = new WeakMap<Db, BackgroundCheckpoints>();

/** The background checkpointer of a connection, if it has one (diagnostics and tests). */
export function backgroundCheckpointsOf(db: Db): BackgroundCheckpoints | undefined {
  return running.get(db);
}

export function startBackgroundCheckpoints(db: Db, intervalMs = 250): BackgroundCheckpoints {
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const shared = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const workerData: CheckpointStart = { file: db.name, intervalMs, restartPages: BACKSTOP_PAGES / 2, shared };
  const worker = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './checkpointWorker.ts', bundleName: 'checkpoint-worker', name: 'tollgate-checkpoint', workerData });
  // The worker checkpoints once when it starts, so commits before then are covered too.
  db.onCommit(() => {
    Atomics.add(shared, COMMITS, 1);
    Atomics.notify(shared, COMMITS);
  });
  const fallback = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  };
  worker.on('error', fallback); // never an uncaught error: the proxy keeps running with SQLite's own checkpoints
  worker.once('exit', fallback);
  worker.unref();
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  db.onClose(() => {
    worker.off('exit', fallback);
    worker.postMessage('close');
    // A worker that has not opened its connection yet never will: nothing to wait for.
    if (Atomics.compareExchange(shared, STATE, NOT_OPENED, CANCELLED) === NOT_OPENED) return;
    // Wait (bounded) until the worker's connection is closed, so the proxy's connection closes last:
    // SQLite then checkpoints and removes the -wal/-shm files, and nothing touches the data
    // directory after close() returns (a caller may delete it next).
    if (!exited) Atomics.wait(shared, CLOSED, 0, CLOSE_WAIT_MS);
  });
  const handle: BackgroundCheckpoints = {
    worker,
    counts: () => ({ commits: Atomics.load(shared, COMMITS), checkpoints: Atomics.load(shared, CHECKPOINTS), seen: Atomics.load(shared, SEEN) }),
  };
  running.set(db, handle);
  return handle;
}
