import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { dirname } from 'node:path';
import type { TransformersEmbedderConfig } from '../config';
import { verifyPinnedFile } from '../models/checksum';
import { downloadModel } from '../models/download';
import { defaultNpmRegistry, ensureOnnxRuntime, installedBinding, ONNXRUNTIME_BINDING_ENV } from '../models/onnxruntime';
import { modelPresence } from '../models/status';
import { DEFAULT_THRESHOLDS } from '../thresholds';
import type { Embedder, EmbedderInfo } from '../types';
import type { LoadHooks } from './hooks';
import { normalized } from './normalize';
import { messageOf } from '../errorMessage';

/**
 * transformers.js sentence embeddings (all-MiniLM-L6-v2 by default): quantized ONNX (dtype q8),
 * mean pooling over the attention mask, L2-normalised. Loading never reaches the network itself:
 * Tollgate downloads and verifies the files first, then lets transformers.js read local files only.
 */
/**
 * The .vsix leaves onnxruntime's native library out (models/onnxruntime.ts): fetch it into the
 * models folder on first use and point the packaged binding loader at it. A checkout has it installed.
 */
async function provideOnnxRuntime(config: TransformersEmbedderConfig, hooks: LoadHooks): Promise<void> {
  if (process.env[ONNXRUNTIME_BINDING_ENV] || installedBinding()) return;
  let reported = -1;
  const { binding, downloaded } = await ensureOnnxRuntime({
    modelsDir: config.modelsDir,
    registry: config.npmRegistry ?? defaultNpmRegistry(),
    allowDownload: config.allowDownload,
    ...(config.downloadIdleTimeoutMs !== undefined ? { idleTimeoutMs: config.downloadIdleTimeoutMs } : {}),
    ...(hooks.log ? { log: hooks.log } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onProgress: ({ loaded, total }) => {
      const percent = total > 0 ? Math.floor((loaded / total) * 100) : 0;
      if (percent !== reported) {
        reported = percent;
        hooks.onLoading?.({ backend: 'transformers', progress: percent / 100 });
      }
    },
  });
  if (downloaded) hooks.log?.(`onnxruntime native library verified and unpacked into ${dirname(binding)}`);
  process.env[ONNXRUNTIME_BINDING_ENV] = binding;
}

export async function openTransformersEmbedder(config: TransformersEmbedderConfig, hooks: LoadHooks = {}): Promise<Embedder> {
  const { model, modelsDir } = config;
  const presence = modelPresence(modelsDir, model);
  let verified = false;
  if (presence.missing.length === 0) {
    hooks.onLoading?.({ backend: 'transformers' });
    // Verified on every load, not only after download: the folder may have been replaced by hand.
    // A mismatching file is deleted by the check; with downloads allowed it is fetched again.
    try {
      await verifyPinnedFile(model, presence.dir);
      verified = true;
    } catch (error) {
      if (!config.allowDownload) throw error;
      hooks.log?.(`${messageOf(error)} Downloading it again.`);
    }
  }
  if (!verified) {
    if (!config.allowDownload) {
      throw new Error(
        `${model.id} is not in ${presence.dir} (missing: ${presence.missing.join(', ')}); ` +
          'run `tollgate model download` or `tollgate model import <dir>`',
      );
    }
    hooks.log?.(`downloading ${model.id} from ${config.remoteHost} into ${presence.dir}`);
    hooks.onLoading?.({ backend: 'transformers', progress: 0 });
    let reported = -1;
    await downloadModel({
      modelsDir,
      model,
      remoteHost: config.remoteHost,
      ...(config.revision ? { revision: config.revision } : {}),
      ...(config.downloadIdleTimeoutMs !== undefined ? { idleTimeoutMs: config.downloadIdleTimeoutMs } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onProgress: (p) => {
        // Whole percents only: the state is broadcast to listeners and must not flood them.
        const percent = Math.floor(p.fraction * 100);
        if (percent !== reported) {
          reported = percent;
          hooks.onLoading?.({ backend: 'transformers', progress: percent / 100 });
        }
      },
    }); // verifies the weights against the pin
    hooks.onLoading?.({ backend: 'transformers' });
  }

  await provideOnnxRuntime(config, hooks);
  hooks.signal?.throwIfAborted();
  const transformers = await import('@huggingface/transformers');
  const { env } = transformers;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : `${modelsDir}/`;
  env.remoteHost = config.remoteHost;
  // Narrowed by hand: the library's overloaded signature is too large for the type checker.
  const createPipeline = transformers.pipeline as unknown as (
    task: 'feature-extraction',
    modelId: string,
    options: { dtype: 'q8'; device: 'cpu' },
  ) => Promise<FeatureExtractionPipeline>;
  const extractor = await createPipeline('feature-extraction', model.id, { dtype: 'q8', device: 'cpu' });

  const info: EmbedderInfo = {
    backend: 'transformers',
    modelId: model.id,
    dimensions: model.dimensions,
    defaultThreshold: DEFAULT_THRESHOLDS.transformers,
  };

  async function embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, dims] = output.dims as [number, number];
    const data = output.data as Float32Array;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < rows; r++) vectors.push(normalized(data.subarray(r * dims, (r + 1) * dims)));
    output.dispose();
    return vectors;
  }

  // One probe: proves the graph runs and has the pinned width, and warms the session up. Closed
  // meanwhile: release the session now rather than leave it (see use-lite.ts `signal`).
  let probe: Float32Array | undefined;
  try {
    hooks.signal?.throwIfAborted();
    [probe] = await embed(['tollgate embedding probe']);
    hooks.signal?.throwIfAborted();
  } catch (error) {
    await extractor.dispose().catch(() => undefined);
    throw error;
  }
  if (probe?.length !== model.dimensions) {
    await extractor.dispose();
    throw new Error(`${model.id} produced ${probe?.length ?? 0}-d vectors, expected ${model.dimensions}`);
  }

  return {
    info,
    embed,
    close: () => extractor.dispose(),
  };
}
