import type { EmbedderConfig } from '../config';
import type { Embedder } from '../types';
import type { LoadHooks } from './hooks';
import { openTransformersEmbedder } from './transformers';
import { openUpstreamEmbedder } from './upstream';
import { openUseLiteEmbedder } from './use-lite';

export interface OpenedEmbedder {
  embedder: Embedder;
  /** Why `auto` is not using the preferred transformers model (absent when it is). */
  fallbackReason?: string;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
      return { embedder: await openUseLiteEmbedder() };
    case 'upstream':
      hooks.onLoading?.({ backend: 'upstream' });
      return { embedder: await openUpstreamEmbedder(config) };
    case 'auto': {
      let fallbackReason: string;
      try {
        return { embedder: await openTransformersEmbedder(config.transformers, hooks) };
      } catch (error) {
        fallbackReason = messageOf(error);
      }
      hooks.onLoading?.({ backend: 'use-lite', fallbackReason });
      return { embedder: await openUseLiteEmbedder(), fallbackReason };
    }
  }
}
