import type { LoadingUpdate } from './backends/hooks';
import type { EmbedderConfig } from './config';
import type { EmbedderInfo } from './types';

/**
 * Messages between EmbeddingService (via the WorkerHost) and the embedding worker. One worker can
 * hold several sessions (one per service); every message names its session.
 */
export type ToWorker =
  | { type: 'open'; session: number; config: EmbedderConfig }
  | { type: 'embed'; session: number; id: number; texts: string[] }
  | { type: 'close'; session: number };

/**
 * The worker's `workerData`. `busy`: an Int32Array's memory, shared: how many loads, embeds and
 * releases the worker has under way.
 */
export interface EmbeddingWorkerData {
  busy: SharedArrayBuffer;
}

/** Worker → main thread. Vectors travel as one flat, transferred Float32Array per batch. */
export type FromWorker =
  | { type: 'loading'; session: number; update: LoadingUpdate }
  | { type: 'ready'; session: number; info: EmbedderInfo; fallbackReason?: string }
  | { type: 'failed'; session: number; error: string }
  | { type: 'log'; session: number; line: string }
  | { type: 'vectors'; session: number; id: number; dimensions: number; data: Float32Array }
  | { type: 'embed-error'; session: number; id: number; error: string }
  | { type: 'closed'; session: number };
