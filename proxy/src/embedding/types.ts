/**
 * The one interface every embedding backend implements (transformers.js MiniLM, bundled USE-lite,
 * the upstream's /v1/embeddings). Vectors are L2-normalised so cosine similarity is a dot product.
 */
export type EmbedderBackendId = 'transformers' | 'use-lite' | 'upstream';

export interface EmbedderInfo {
  backend: EmbedderBackendId;
  /** Model identity; vectors of different models never mix (it is part of the vector namespace). */
  modelId: string;
  dimensions: number;
  /** Tokens the server says the model reads (vLLM's `max_model_len`, TEI's `max_input_length`); else cache/semantic/inputLimit.ts's table. */
  maxInputTokens?: number;
  /** Calibrated default cosine threshold for this model (see docs/semantic-cache.md). */
  defaultThreshold: number;
  /** How the model runs where a backend has several ways (USE-lite: `onnxruntime` or `tfjs-wasm`). */
  runtime?: string;
  /** Why the faster runtime is not in use (USE-lite: onnxruntime-node's native library did not load). */
  runtimeFallbackReason?: string;
}

export interface Embedder {
  readonly info: EmbedderInfo;
  /** Embed a batch; resolves to one normalised vector per input, in order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export type EmbedderState =
  | { state: 'disabled' }
  | {
      state: 'loading';
      backend: EmbedderBackendId;
      /** 0..1 while model files download; absent while the model is being read and initialised. */
      progress?: number;
      /** Set when `auto` fell back to the bundled USE-lite model: why the preferred model is not used. */
      fallbackReason?: string;
    }
  | {
      state: 'ready';
      info: EmbedderInfo;
      /** Set when `auto` fell back to the bundled USE-lite model, e.g. "all-MiniLM-L6-v2 is not downloaded". */
      fallbackReason?: string;
    }
  | { state: 'failed'; error: string };
