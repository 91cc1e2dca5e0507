/**
 * Worker thread that checkpoints the WAL of Tollgate's database on its own connection.
 *
 * A checkpoint copies the WAL's pages into the database file and fsyncs both. Run by SQLite's
 * autocheckpoint, it happens inside whichever COMMIT crosses the threshold — on the proxy's event
 * loop, i.e. on a request's path (measured: ~1,000 pages and two fsyncs every ~140 misses, 0.3 ms of
 * wall time per miss on average, tens of ms for the request that pays it). Here it runs beside the
 * event loop: a PASSIVE checkpoint never blocks the writer, and the writer restarts the WAL from
 * its beginning once a checkpoint has copied all of it.
 *
 * It runs only after a commit: the proxy's connection bumps `shared[COMMITS]` after each one, and
 * this thread waits on that slot (`Atomics.waitAsync`, no timeout) when nothing has changed since its
 * last checkpoint. Under load it checkpoints at most once per `intervalMs`; idle, it never wakes.
 */
import { DatabaseSync, type DatabaseSyncInstance } from '@photostructure/sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { CANCELLED, CHECKPOINTS, CLOSED, COMMITS, NOT_OPENED, OPENED, SEEN, STATE } from './checkpointSlots';

/** The worker's `workerData`: which database, how often at most, the shared counters. Its one message is `'close'`. */
export interface CheckpointStart {
  file: string;
  intervalMs: number;
  /** WAL frames past which a PASSIVE checkpoint is followed by a RESTART one (see `run`). */
  restartPages: number;
  shared: Int32Array;
}

/** `Atomics.waitAsync` (Node ≥ 16; newer than the TypeScript lib this project targets). */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

let db: DatabaseSyncInstance | undefined;
let closed = false;
let sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    sleeping = { timer: setTimeout(resolve, ms), wake: resolve };
  });
}

async function run(conn: DatabaseSyncInstance, counters: Int32Array, intervalMs: number, restartPages: number): Promise<void> {
  const checkpoint = conn.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  // Under steady load a commit lands during each PASSIVE checkpoint (its result does not show it), so
  // the WAL never restarts: it grew to the writer's backstop, which then checkpointed on the event
  // loop (14–113 ms). Past `restartPages` the frames the PASSIVE left are copied holding the write
  // lock, so the next commit restarts the WAL; busy_timeout 0 means this never waits for the writer
  // or a reader, and a commit meanwhile waits only for those few frames.
  const restart = conn.prepare('PRAGMA wal_checkpoint(RESTART)');
  // One checkpoint at start (a WAL left by an earlier run, or by commits before this thread began), then only after commits.
  let seen = -1;
  while (!closed) {
    const commits = Atomics.load(counters, COMMITS);
    if (commits === seen) {
      // Nothing new: sleep until the writer's next commit (or close) changes the slot.
      const wait = waitAsync(counters, COMMITS, seen);
      if (wait.async) await wait.value;
      continue;
    }
    seen = commits;
    try {
      const { log } = checkpoint.get() as { log: number };
      if (log >= restartPages) restart.get();
      Atomics.add(counters, CHECKPOINTS, 1);
    } catch {
      // Busy or closing: the next commit tries again, and the writer's own autocheckpoint is the backstop.
    }
    Atomics.store(counters, SEEN, seen);
    await pause(intervalMs); // at most one checkpoint per interval under load
  }
}

function start({ file, intervalMs, restartPages, shared: counters }: CheckpointStart): void {
  // The proxy closed its connection before this thread got here: never open the file.
  if (Atomics.compareExchange(counters, STATE, NOT_OPENED, OPENED) === CANCELLED) return;
  const conn = new DatabaseSync(file);
  conn.exec('PRAGMA busy_timeout = 0');
  // This connection never writes; it leaves checkpoint-on-close to the proxy's connection.
  conn.exec('PRAGMA wal_autocheckpoint = 0');
  db = conn;
  void run(conn, counters, intervalMs, restartPages);
}

const init = workerData as CheckpointStart;
const { shared } = init;
start(init);

parentPort?.on('message', () => {
  closed = true;
  // End the loop wherever it waits, so no timer or waiter keeps this thread alive.
  if (sleeping) {
    clearTimeout(sleeping.timer);
    sleeping.wake();
  }
  Atomics.notify(shared, COMMITS);
  try {
    db?.close();
  } finally {
    Atomics.store(shared, CLOSED, 1);
    Atomics.notify(shared, CLOSED);
    parentPort?.close();
  }
});
