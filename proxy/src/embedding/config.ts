import type { KnownModel } from './models/known-models';

/**
 * Backend configurations after resolution in the main thread. They are plain data because they
 * cross into the worker thread (structured clone): no functions, no secrets (the upstream API key
 * is read from the environment inside the worker, by variable name).
 */
export interface TransformersEmbedderConfig {
  backend: 'transformers';
  /** `<dataDir>/models`; transformers.js's `env.localModelPath`. */
  modelsDir: string;
  /** The model and its pinned weights checksum. */
  model: KnownModel;
  /** Fetch missing files from `remoteHost` (hub URL layout) before loading. */
  allowDownload: boolean;
  remoteHost: string;
  revision?: string;
  /** Fail a download when no byte arrives for this long (models/fetch-stream.ts); 0 = never. Default 30 s. */
  downloadIdleTimeoutMs?: number;
  /** npm registry for onnxruntime-node's native library when the install lacks it (models/onnxruntime.ts). */
  npmRegistry?: string;
}

export interface UseLiteEmbedderConfig {
  backend: 'use-lite';
}

export interface UpstreamEmbedderConfig {
  backend: 'upstream';
  /** OpenAI-style base URL ending in `/v1` (or Azure's deployment URL); requests go to `<baseUrl>/embeddings`, before its query. */
  baseUrl: string;
  model: string;
  /** Environment variables tried in order for the key: a bearer key, or on an Azure deployment URL a resource key sent as `api-key` (the key itself never leaves the env). */
  apiKeyEnv: string[];
  /** Known output size; when absent one probe request measures it at load. */
  dimensions?: number;
  /** Per request (default 30 s): one batch is in the worker at a time, and undici alone waits 300 s for a stalled server. */
  timeoutMs?: number;
}

/** Prefer the transformers model when present (or downloadable); otherwise the bundled USE-lite. */
export interface AutoEmbedderConfig {
  backend: 'auto';
  transformers: TransformersEmbedderConfig;
}

export type EmbedderConfig = TransformersEmbedderConfig | UseLiteEmbedderConfig | UpstreamEmbedderConfig | AutoEmbedderConfig;
