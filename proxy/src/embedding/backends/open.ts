import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedderConfig } from '../config';
import { installedBinding, ONNXRUNTIME_BINDING_ENV, ONNXRUNTIME_NODE, runtimeDirOf } from '../models/onnxruntime';
import type { Embedder } from '../types';
import type { LoadHooks } from './hooks';
import { openTransformersEmbedder } from './transformers';
import { openUpstreamEmbedder } from './upstream';
import { openUseLiteEmbedder } from './use-lite';
import { messageOf } from '../errorMessage';

export interface OpenedEmbedder {
  embedder: Embedder;
  /** Why `auto` is not using the preferred transformers model (absent when it is). */
  fallbackReason?: string;
}

/**
 * USE-lite on onnxruntime when its native library loads, else on TensorFlow.js (same vectors,
 * slower; the reason is in the embedder's info and the log). openEmbedder runs in the embedding
 * worker only, the one thread allowed to load onnxruntime-node (worker-host.ts).
 */
async function openUseLite(hooks: LoadHooks, modelsDir?: string) {
  // The .vsix has no onnxruntime library of its own; use the one the transformers backend fetched
  // into the models folder earlier, if any (never downloaded for USE-lite alone).
  if (modelsDir && !process.env[ONNXRUNTIME_BINDING_ENV] && !installedBinding()) {
    const cached = join(runtimeDirOf(modelsDir, ONNXRUNTIME_NODE, process.platform, process.arch), 'onnxruntime_binding.node');
    if (existsSync(cached)) process.env[ONNXRUNTIME_BINDING_ENV] = cached;
  }
  const embedder = await openUseLiteEmbedder({ path: 'auto', ...(hooks.signal ? { signal: hooks.signal } : {}) });
  const reason = embedder.info.runtimeFallbackReason;
  if (reason) hooks.log?.(`use-lite runs on TensorFlow.js (WASM) instead of onnxruntime: ${reason}`);
  return embedder;
}

/**
 * Opens the configured backend. `auto` tries the transformers model (downloading it only when
 * allowed) and falls back to the bundled USE-lite, saying why: a false "semantic caching is on"
 * is worse than an explained fallback.
 */
export async function openEmbedder(config: EmbedderConfig, hooks: LoadHooks = {}): Promise<OpenedEmbedder> {
  switch (config.backend) {
    case 'transformers':
      return { embedder: await openTransformersEmbedder(config, hooks) };
    case 'use-lite':
      hooks.onLoading?.({ backend: 'use-lite' });
      return { embedder: await openUseLite(hooks) };
    case 'upstream':
      hooks.onLoading?.({ backend: 'upstream' });
      return { embedder: await openUpstreamEmbedder(config) };
    case 'auto': {
      let fallbackReason: string;
      try {
        return { embedder: await openTransformersEmbedder(config.transformers, hooks) };
      } catch (error) {
        // Closed while loading (e.g. a download cancelled on shutdown): nothing to fall back for.
        if (hooks.signal?.aborted) throw error;
        fallbackReason = messageOf(error);
      }
      hooks.onLoading?.({ backend: 'use-lite', fallbackReason });
      return { embedder: await openUseLite(hooks, config.transformers.modelsDir), fallbackReason };
    }
  }
}
