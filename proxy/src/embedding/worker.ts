/**
 * Embedding worker thread: loads backends and embeds batches sent by EmbeddingService, so model
 * loading and inference never run on the proxy's event loop. One worker serves every session of
 * its process (see worker-host.ts for why). Bundled to dist/proxy/embedding-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openEmbedder } from './backends/open';
import type { EmbeddingWorkerData, FromWorker, ToWorker } from './protocol';
import type { Embedder } from './types';
import { messageOf } from './errorMessage';

if (!parentPort) throw new Error('embedding worker must run in a worker thread');
const port = parentPort;
/**
 * One open session: its load, the abort that stops that load when the session closes (a download
 * stops at once instead of holding close() up), and whether the load has begun (a session queued
 * behind an earlier session's load may never start).
 */
interface Session {
  load: Promise<Embedder | undefined>;
  abort: AbortController;
  begun: boolean;
}
const sessions = new Map<number, Session>();
/** Shared with the host, which waits at process exit while it is above 0 (worker-host.ts). */
const busy = new Int32Array((workerData as EmbeddingWorkerData).busy);
/** Loads run one after another: transformers.js reads its global `env` (model folder) while loading. */
let loading: Promise<unknown> = Promise.resolve();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** Counts `work` in `busy` while it runs: it may be inside onnxruntime, where an exit aborts the process. */
async function underWay<T>(work: () => Promise<T>): Promise<T> {
  Atomics.add(busy, 0, 1);
  try {
    return await work();
  } finally {
    Atomics.sub(busy, 0, 1);
    Atomics.notify(busy, 0);
  }
}

function open(session: number, message: Extract<ToWorker, { type: 'open' }>): void {
  const abort = new AbortController();
  const entry: Session = { load: Promise.resolve(undefined), abort, begun: false };
  entry.load = loading
    // One turn of the event loop first: a close sent right behind the open (a proxy stopped while
    // starting) is read before the load begins, and the load (which cannot stop midway) never starts.
    .then(() => new Promise((resolve) => setImmediate(resolve)))
    .then(() => {
      // Closed while waiting for an earlier session's load: never start this one.
      abort.signal.throwIfAborted();
      entry.begun = true;
      return underWay(() =>
        openEmbedder(message.config, {
          onLoading: (update) => post({ type: 'loading', session, update }),
          log: (line) => post({ type: 'log', session, line }),
          signal: abort.signal,
        }),
      );
    })
    .then(
      ({ embedder, fallbackReason }) => {
        post({ type: 'ready', session, info: embedder.info, ...(fallbackReason ? { fallbackReason } : {}) });
        return embedder;
      },
      (error: unknown) => {
        post({ type: 'failed', session, error: messageOf(error) });
        return undefined;
      },
    );
  loading = entry.load;
  sessions.set(session, entry);
}

async function embed(session: number, id: number, texts: string[]): Promise<void> {
  try {
    const embedder = await sessions.get(session)?.load;
    if (!embedder) throw new Error('embedder is not loaded');
    const vectors = await underWay(() => embedder.embed(texts));
    const dimensions = embedder.info.dimensions;
    const data = new Float32Array(vectors.length * dimensions);
    for (const [i, v] of vectors.entries()) data.set(v, i * dimensions);
    post({ type: 'vectors', session, id, dimensions, data }, [data.buffer]);
  } catch (error) {
    post({ type: 'embed-error', session, id, error: messageOf(error) });
  }
}

/**
 * Waiting for the whole load held the proxy's shutdown 5–20 s on a busy machine, longer than the
 * editor waits before killing the process, and a session queued behind another's load waited for
 * that one too. Now the abort stops a load at its next step (a download at once), a load not begun
 * never begins, and only a load under way is waited for, up to that step: exiting while
 * onnxruntime builds or runs a session aborts the process (an uncaught native error).
 */
async function close(session: number): Promise<void> {
  const entry = sessions.get(session);
  sessions.delete(session);
  entry?.abort.abort(new Error('embedding session closed'));
  const release = entry?.load.then((embedder) => embedder && underWay(() => embedder.close())).catch(() => undefined);
  // A loaded model is released before the answer too (its native session must not outlive the process's exit).
  if (entry?.begun) await release;
  post({ type: 'closed', session });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'open':
      open(message.session, message);
      return;
    case 'embed':
      void embed(message.session, message.id, message.texts);
      return;
    case 'close':
      void close(message.session);
      return;
  }
});
