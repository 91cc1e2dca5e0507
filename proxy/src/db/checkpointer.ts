/**
 * Moves WAL checkpoints off the event loop (see checkpointWorker.ts for why): the proxy's connection
 * keeps an autocheckpoint only as a backstop (a WAL that grew past `BACKSTOP_PAGES` because the
 * worker is stuck or gone), and a worker checkpoints every `intervalMs`.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker';
import type { CheckpointStart } from './checkpointWorker';
import type { Db } from './sqlite';

/**
 * 32 MiB of 4 KiB pages: the writer checkpoints itself only if the WAL gets this large. Under
 * continuous load it does (a commit lands during each worker checkpoint, so the WAL never restarts
 * on its own), but by then the worker has copied all but the last few hundred ms of frames: the
 * writer's checkpoint copies those and restarts the WAL (bench/NOTES.md).
 */
export const BACKSTOP_PAGES = 8192;
/** SQLite's default autocheckpoint, restored when the worker cannot run. */
const DEFAULT_PAGES = 1000;

export function startBackgroundCheckpoints(db: Db, intervalMs = 250): Worker {
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  const worker = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './checkpointWorker.ts', bundleName: 'checkpoint-worker', name: 'tollgate-checkpoint' });
  worker.postMessage({ file: db.name, intervalMs } satisfies CheckpointStart);
  const fallback = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_PAGES}`);
  };
  worker.on('error', fallback); // never an uncaught error: the proxy keeps running with SQLite's own checkpoints
  worker.once('exit', fallback);
  worker.unref();
  db.onClose(() => {
    worker.off('exit', fallback);
    worker.postMessage('close');
  });
  return worker;
}
