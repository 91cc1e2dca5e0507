/**
 * Embedding worker thread: loads backends and embeds batches sent by EmbeddingService, so model
 * loading and inference never run on the proxy's event loop. One worker serves every session of
 * its process (see worker-host.ts for why). Bundled to dist/proxy/embedding-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { openEmbedder } from './backends/open';
import type { FromWorker, ToWorker } from './protocol';
import type { Embedder } from './types';
import { messageOf } from './errorMessage';

if (!parentPort) throw new Error('embedding worker must run in a worker thread');
const port = parentPort;
const sessions = new Map<number, Promise<Embedder | undefined>>();
/** Aborted when a session closes, so a load still downloading stops instead of holding close() up. */
const aborts = new Map<number, AbortController>();
/** Sessions whose load has begun or ended (others wait behind an earlier session's load, or never start). */
const started = new Set<number>();
/** Loads run one after another: transformers.js reads its global `env` (model folder) while loading. */
let loading: Promise<unknown> = Promise.resolve();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function open(session: number, message: Extract<ToWorker, { type: 'open' }>): void {
  const abort = new AbortController();
  aborts.set(session, abort);
  const loaded = loading
    // One turn of the event loop first: a close sent right behind the open (a proxy stopped while
    // starting) is read before the load begins, and the load (which cannot stop midway) never starts.
    .then(() => new Promise((resolve) => setImmediate(resolve)))
    .then(() => {
      // Closed while waiting for an earlier session's load: never start this one.
      abort.signal.throwIfAborted();
      started.add(session);
      return openEmbedder(message.config, {
        onLoading: (update) => post({ type: 'loading', session, update }),
        log: (line) => post({ type: 'log', session, line }),
        signal: abort.signal,
      });
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
  loading = loaded;
  sessions.set(session, loaded);
}

async function embed(session: number, id: number, texts: string[]): Promise<void> {
  try {
    const embedder = await sessions.get(session);
    if (!embedder) throw new Error('embedder is not loaded');
    const vectors = await embedder.embed(texts);
    const dimensions = embedder.info.dimensions;
    const data = new Float32Array(vectors.length * dimensions);
    vectors.forEach((v, i) => data.set(v, i * dimensions));
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
  const loaded = sessions.get(session);
  const begun = started.delete(session);
  sessions.delete(session);
  aborts.get(session)?.abort(new Error('embedding session closed'));
  aborts.delete(session);
  const release = loaded?.then((embedder) => embedder?.close()).catch(() => undefined);
  // A loaded model is released before the answer too (its native session must not outlive the process's exit).
  if (begun) await release;
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
