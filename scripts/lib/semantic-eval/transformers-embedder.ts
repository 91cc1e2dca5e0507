/**
 * transformers.js `Embedder` (mean pooling, normalised, q8 weights) for the eval only: it loads any
 * model folder from disk (`<modelDir>/<owner>/<name>/…`), where the proxy's backend
 * (proxy/src/embedding/backends/transformers.ts) accepts only models with a pinned checksum. This
 * machine cannot download all-MiniLM-L6-v2, so here it can only load fixture models.
 */
import type { Embedder } from '../../../proxy/src/embedding/types';

export async function loadTransformersEmbedder(modelDir: string, modelId: string, defaultThreshold: number): Promise<Embedder> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = modelDir;
  const extractor = await tf.pipeline('feature-extraction', modelId, { dtype: 'q8' });
  let dimensions = 0;
  return {
    get info() {
      return { backend: 'transformers' as const, modelId, dimensions, defaultThreshold };
    },
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      const out = await extractor(texts, { pooling: 'mean', normalize: true });
      const [n, d] = out.dims as [number, number];
      dimensions = d;
      const data = out.data as Float32Array;
      return Array.from({ length: n }, (_v, i) => data.slice(i * d, (i + 1) * d));
    },
    async close(): Promise<void> {
      await extractor.dispose();
    },
  };
}
