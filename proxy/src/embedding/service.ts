import { upstreamConfigFromEnv } from './backends/upstream';
import type { EmbedderConfig, TransformersEmbedderConfig, UpstreamEmbedderConfig } from './config';
import { downloadIdleTimeoutMs } from './models/fetch-stream';
import { MINILM_MODEL_ID, requireKnownModel } from './models/known-models';
import { defaultDataDir, defaultRemoteHost, modelsDirOf } from './models/paths';
import type { FromWorker } from './protocol';
import { WorkerHost } from './worker-host';
import type { EmbedderBackendId, EmbedderInfo, EmbedderState } from './types';
import { messageOf } from './errorMessage';

export type EmbedderChoice = EmbedderBackendId | 'auto' | 'off';

export interface EmbeddingServiceOptions {
  /** Default `auto`: the transformers model when present (or downloadable), else the bundled USE-lite. */
  backend?: EmbedderChoice;
  /** Tollgate's data directory; models live in `<dataDir>/models`. Default `$TOLLGATE_DATA_DIR` or `~/.tollgate`. */
  dataDir?: string;
  /** Fetch the transformers model on first use when it is missing. Default true, unless `TOLLGATE_MODEL_DOWNLOAD=0` (air-gapped hosts). */
  allowDownload?: boolean;
  /** Default `Xenova/all-MiniLM-L6-v2`; must have a pinned checksum (see models/known-models). */
  modelId?: string;
  /** Hub base URL (hub URL layout). Default `$HF_ENDPOINT` or https://huggingface.co/. */
  remoteHost?: string;
  revision?: string;
  /**
   * Fail a model download when the host sends nothing for this long. Default
   * `$TOLLGATE_MODEL_DOWNLOAD_IDLE_TIMEOUT` seconds, else 30 s; 0 = never. (`close()` cancels a download at any time.)
   */
  downloadIdleTimeoutMs?: number;
  /** Overrides for the upstream backend; the rest comes from `TOLLGATE_EMBEDDINGS_*` env vars. */
  upstream?: Partial<Omit<UpstreamEmbedderConfig, 'backend'>>;
  /** Most texts sent to the worker in one batch. Default 64. */
  maxBatchSize?: number;
  /** Where noteworthy events go (fallbacks, downloads, failures). Default: stderr. */
  log?: (line: string) => void;
}

export interface EmbeddingStats {
  /** Batches sent to the worker; with concurrent callers this is smaller than `texts`. */
  batches: number;
  texts: number;
  largestBatch: number;
}

export interface Disposable {
  dispose(): void;
}

interface PendingText {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: Error) => void;
}

/** Resolves options into the plain-data config the worker receives (pins are looked up here, in the caller's thread). */
export function resolveEmbedderConfig(options: EmbeddingServiceOptions): EmbedderConfig | undefined {
  const backend = options.backend ?? 'auto';
  if (backend === 'off') return undefined;
  if (backend === 'use-lite') return { backend: 'use-lite' };
  if (backend === 'upstream') return { ...upstreamConfigFromEnv(), ...options.upstream, backend: 'upstream' };
  const transformers: TransformersEmbedderConfig = {
    backend: 'transformers',
    modelsDir: modelsDirOf(options.dataDir ?? defaultDataDir()),
    model: requireKnownModel(options.modelId ?? MINILM_MODEL_ID),
    allowDownload: options.allowDownload ?? process.env.TOLLGATE_MODEL_DOWNLOAD !== '0',
    remoteHost: options.remoteHost ?? defaultRemoteHost(),
    downloadIdleTimeoutMs: options.downloadIdleTimeoutMs ?? downloadIdleTimeoutMs(),
    ...(options.revision ? { revision: options.revision } : {}),
  };
  return backend === 'transformers' ? transformers : { backend: 'auto', transformers };
}

/**
 * Runs an embedding backend in a worker thread. Loading starts in the background (`start()` returns
 * at once); until it is ready `embedIfReady()` returns undefined so the proxy serves exact hits and
 * misses without waiting. Concurrent `embed()` calls are micro-batched: texts that arrive while a
 * batch is in the worker go together in the next one.
 */
export class EmbeddingService {
  private currentState: EmbedderState = { state: 'disabled' };
  private readonly listeners = new Set<(state: EmbedderState) => void>();
  private host: WorkerHost | undefined;
  private session = 0;
  private queue: PendingText[] = [];
  private inFlight = new Map<number, PendingText[]>();
  private nextBatchId = 1;
  private flushScheduled = false;
  private closed = false;
  private readyWaiters: Array<{ resolve: (info: EmbedderInfo) => void; reject: (error: Error) => void }> = [];
  private readonly maxBatchSize: number;
  private readonly log: (line: string) => void;
  readonly stats: EmbeddingStats = { batches: 0, texts: 0, largestBatch: 0 };

  constructor(private readonly options: EmbeddingServiceOptions = {}) {
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 64);
    this.log = options.log ?? ((line) => process.stderr.write(`[tollgate] embeddings: ${line}\n`));
  }

  get state(): EmbedderState {
    return this.currentState;
  }

  /** The loaded model's info, or undefined while not ready. */
  get info(): EmbedderInfo | undefined {
    return this.currentState.state === 'ready' ? this.currentState.info : undefined;
  }

  onDidChangeState(listener: (state: EmbedderState) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts loading in the background and returns immediately. Idempotent. */
  start(): void {
    if (this.host || this.closed || this.currentState.state !== 'disabled') return;
    let config: EmbedderConfig | undefined;
    try {
      config = resolveEmbedderConfig(this.options);
    } catch (error) {
      this.fail(messageOf(error));
      return;
    }
    if (!config) return; // backend 'off': stays disabled
    const first: EmbedderBackendId = config.backend === 'auto' ? 'transformers' : config.backend;
    this.setState({ state: 'loading', backend: first });
    this.host = WorkerHost.shared();
    this.session = this.host.open(config, (message) => this.onMessage(message));
  }

  /** Resolves with the model info once loaded; rejects if loading failed or the backend is off. */
  ready(): Promise<EmbedderInfo> {
    const s = this.currentState;
    if (s.state === 'ready') return Promise.resolve(s.info);
    if (s.state === 'failed') return Promise.reject(new Error(s.error));
    if (s.state === 'disabled' && (this.closed || (this.options.backend ?? 'auto') === 'off')) {
      return Promise.reject(new Error('embeddings are disabled'));
    }
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Embeds `text`, waiting for the model if it is still loading. */
  async embed(text: string): Promise<Float32Array> {
    if (this.currentState.state !== 'ready') await this.ready();
    return this.enqueue(text);
  }

  /** Embeds several texts (each joins the shared micro-batch queue), in order. */
  embedMany(texts: string[]): Promise<Float32Array[]> {
    return Promise.all(texts.map((t) => this.embed(t)));
  }

  /** The proxy's entry point: a vector promise when the model is ready, else undefined (never waits for loading). */
  embedIfReady(text: string): Promise<Float32Array> | undefined {
    return this.currentState.state === 'ready' ? this.enqueue(text) : undefined;
  }

  /**
   * Releases the backend (and the worker thread, see WorkerHost); pending and later calls reject. A
   * model download still in progress is cancelled (its partial file deleted), so this never waits on the network.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('embedding service closed');
    for (const p of this.queue) p.reject(error);
    for (const batch of this.inFlight.values()) for (const p of batch) p.reject(error);
    this.queue = [];
    this.inFlight.clear();
    for (const w of this.readyWaiters) w.reject(error);
    this.readyWaiters = [];
    const host = this.host;
    this.host = undefined;
    // Lets the backend release its session; the host decides whether the thread itself ends.
    await host?.release(this.session);
    this.setState({ state: 'disabled' });
    this.listeners.clear();
  }

  private enqueue(text: string): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('embedding service closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight.size > 0 || this.queue.length === 0) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: callers in the same turn of the event loop share a batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const host = this.host;
    if (!host || this.inFlight.size > 0 || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatchSize);
    const id = this.nextBatchId++;
    this.inFlight.set(id, batch);
    this.stats.batches += 1;
    this.stats.texts += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    host.post({ type: 'embed', session: this.session, id, texts: batch.map((p) => p.text) });
  }

  private settleBatch(id: number, settle: (batch: PendingText[]) => void): void {
    const batch = this.inFlight.get(id);
    if (!batch) return;
    this.inFlight.delete(id);
    settle(batch);
    // Whatever arrived while this batch ran goes next, without waiting another turn.
    this.flush();
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'loading': {
        const { backend, progress, fallbackReason } = message.update;
        this.setState({
          state: 'loading',
          backend,
          ...(progress !== undefined ? { progress } : {}),
          ...(fallbackReason ? { fallbackReason } : {}),
        });
        return;
      }
      case 'ready': {
        const { info, fallbackReason } = message;
        this.log(
          fallbackReason
            ? `using bundled USE-lite (${info.dimensions}-d) because ${fallbackReason}`
            : `${info.backend} ${info.modelId} ready (${info.dimensions}-d)`,
        );
        this.setState(fallbackReason ? { state: 'ready', info, fallbackReason } : { state: 'ready', info });
        for (const w of this.readyWaiters) w.resolve(info);
        this.readyWaiters = [];
        this.flush();
        return;
      }
      case 'failed':
        this.fail(message.error);
        return;
      case 'log':
        this.log(message.line);
        return;
      case 'vectors':
        this.settleBatch(message.id, (batch) => {
          const { dimensions, data } = message;
          batch.forEach((p, i) => p.resolve(data.slice(i * dimensions, (i + 1) * dimensions)));
        });
        return;
      case 'embed-error':
        this.settleBatch(message.id, (batch) => {
          for (const p of batch) p.reject(new Error(message.error));
        });
        return;
      case 'closed':
        return;
    }
  }

  private fail(error: string): void {
    if (this.closed || this.currentState.state === 'failed') return;
    this.log(`semantic cache disabled: ${error}`);
    this.setState({ state: 'failed', error });
    const err = new Error(error);
    for (const w of this.readyWaiters) w.reject(err);
    this.readyWaiters = [];
    for (const p of this.queue) p.reject(err);
    for (const batch of this.inFlight.values()) for (const p of batch) p.reject(err);
    this.queue = [];
    this.inFlight.clear();
    // A session whose backend failed to load holds memory for nothing.
    const host = this.host;
    this.host = undefined;
    void host?.release(this.session);
  }

  private setState(state: EmbedderState): void {
    this.currentState = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}
