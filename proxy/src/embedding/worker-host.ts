import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker';
import type { EmbedderConfig } from './config';
import type { EmbeddingWorkerData, FromWorker, ToWorker } from './protocol';

/**
 * Owns the process's one embedding worker thread and multiplexes sessions (one per
 * EmbeddingService) over it.
 *
 * Why one shared, long-lived thread: onnxruntime-node (behind transformers.js) keeps per-process
 * native state. Running it in two threads at once aborts the process ("HandleScope::HandleScope
 * Entering the V8 API without proper locking in place", microsoft/onnxruntime#24486), and once the
 * thread that loaded it has exited no other thread can load it again ("Module did not
 * self-register"). So every session shares this thread, and a thread that may have loaded
 * onnxruntime is parked (unref'd, so it never keeps the process alive) instead of terminated when
 * its last session closes (USE-lite runs on onnxruntime too when it loads: use-lite.ts). A thread
 * that only served the upstream backend is terminated.
 */
export class WorkerHost {
  private static current: WorkerHost | undefined;

  /** The shared host, started on first use. */
  static shared(): WorkerHost {
    if (!WorkerHost.current) WorkerHost.current = new WorkerHost();
    return WorkerHost.current;
  }

  private readonly worker: Worker;
  private readonly sessions = new Map<number, (message: FromWorker) => void>();
  private readonly closing = new Map<number, () => void>();
  private nextSession = 1;
  /** Set once a session could have loaded onnxruntime-node in this thread. */
  private holdsNativeRuntime = false;
  private exited = false;
  /** How many loads, embeds and releases the worker has under way (worker.ts `underWay`). */
  private readonly busy = new Int32Array(new SharedArrayBuffer(4));

  /**
   * When the process may stop waiting for the worker (close answers and the exit wait): STOP_BOUND_MS
   * after the first release of a stop. Unset while no release is under way since the last open.
   */
  private stopDeadline: number | undefined;

  private constructor() {
    // Given at the start, so every load and batch counts in it.
    this.worker = startEmbeddingWorker({ busy: this.busy.buffer as SharedArrayBuffer });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'closed') {
        this.closing.get(message.session)?.();
        return;
      }
      this.sessions.get(message.session)?.(message);
    });
    // Exiting stops this thread; if it is inside an onnxruntime call then (a model load or a batch
    // still running after close() stopped waiting for it, on a busy machine), the call returns
    // into a stopped thread and the process aborts ("terminate called after throwing an instance
    // of 'Napi::Error'", or a segfault) after the database closed. So the exit waits for that call.
    process.on('exit', this.finishWork);
    const crash = (error: string) => {
      if (this.exited) return;
      this.exited = true;
      process.off('exit', this.finishWork);
      if (WorkerHost.current === this) WorkerHost.current = undefined;
      for (const [session, listener] of this.sessions) listener({ type: 'failed', session, error });
      this.sessions.clear();
      for (const done of this.closing.values()) done();
      this.closing.clear();
    };
    this.worker.on('error', (error) => crash(`embedding worker crashed: ${error.message}`));
    this.worker.on('exit', (code) => crash(`embedding worker exited (code ${code})`));
    this.worker.unref();
  }

  /** Opens a backend in the worker; `listener` receives that session's messages. */
  open(config: EmbedderConfig, listener: (message: FromWorker) => void): number {
    const session = this.nextSession++;
    // Every local backend may load onnxruntime-node (USE-lite runs on it when its library loads).
    if (config.backend !== 'upstream') this.holdsNativeRuntime = true;
    this.sessions.set(session, listener);
    // While any session is open the worker keeps the process alive (pending embeds must settle).
    this.worker.ref();
    this.stopDeadline = undefined;
    this.post({ type: 'open', session, config });
    return session;
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    if (!this.exited) this.worker.postMessage(message, transfer);
  }

  /** Closes a session's backend; the last release terminates or parks the thread (see class comment). */
  async release(session: number): Promise<void> {
    if (!this.sessions.delete(session) || this.exited) return;
    // The proxy closes its sessions (router, cache) side by side, a script may close them in turn:
    // all of them and the exit wait share one bound from the first, so a busy worker holds a stop
    // STOP_BOUND_MS at most.
    // A deadline that has passed is an earlier release's (a backend that failed), not this stop's.
    const now = Date.now();
    if (this.stopDeadline === undefined || this.stopDeadline <= now) this.stopDeadline = now + STOP_BOUND_MS;
    const wait = Math.min(CLOSE_REPLY_WAIT_MS, this.stopDeadline - now);
    await new Promise<void>((resolve) => {
      this.closing.set(session, resolve);
      this.post({ type: 'close', session });
      // The worker answers once a load stops at its next step (worker.ts `close`); a step that
      // runs long on a busy machine, or a large batch on the TensorFlow.js path, must not hold a
      // shutdown up past the editor's patience. The session is gone either way.
      setTimeout(resolve, wait).unref();
    });
    this.closing.delete(session);
    // Another release still waiting for its answer needs the thread referenced until it has it.
    if (this.sessions.size > 0 || this.closing.size > 0 || this.exited) return;
    if (this.holdsNativeRuntime) {
      this.worker.unref();
    } else {
      this.exited = true;
      process.off('exit', this.finishWork);
      if (WorkerHost.current === this) WorkerHost.current = undefined;
      await this.worker.terminate();
    }
  }

  /**
   * Blocks the exiting main thread (the worker runs on) until the worker's work under way ends: up
   * to the stop's deadline once every session was released, else STOP_BOUND_MS from now.
   */
  private readonly finishWork = (): void => {
    const end = this.sessions.size === 0 && this.stopDeadline !== undefined ? this.stopDeadline : Date.now() + STOP_BOUND_MS;
    for (let n = Atomics.load(this.busy, 0); n > 0 && Date.now() < end; n = Atomics.load(this.busy, 0)) {
      Atomics.wait(this.busy, 0, n, end - Date.now());
    }
  };
}

/**
 * The embedding worker's whole share of a stop, from the first session's release to the process's
 * exit: the close answers and the exit wait for work under way in the worker (one load step or
 * batch: a close stops a load at its next step, seconds even on a busy machine; a download is
 * cancelled by close()). docs/semantic-cache.md adds it up with the rest of the proxy's stop.
 */
export const STOP_BOUND_MS = 5_000;

/** Longest wait for the worker to confirm one closed session (it answers at once unless busy). */
export const CLOSE_REPLY_WAIT_MS = 2_000;

/** From the bundle: `embedding-worker.js` beside it (dist/proxy/); from sources, `worker.ts` through tsx. */
function startEmbeddingWorker(workerData: EmbeddingWorkerData): Worker {
  return spawnWorker({ callerUrl: import.meta.url, sourceEntry: './worker.ts', bundleName: 'embedding-worker', name: 'tollgate-embeddings', workerData });
}
