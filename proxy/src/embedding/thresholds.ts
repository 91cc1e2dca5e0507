import type { EmbedderBackendId } from './types';

/**
 * Default cosine-similarity threshold per backend: a semantic hit needs at least this similarity.
 * PLACEHOLDERS until the semantic-cache evaluation (`npm run eval:semantic`) calibrates them for
 * precision first (≥ 0.98 on the labelled pairs); each model's similarity scale differs, which is
 * why the value lives with the backend and not in the cache.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<EmbedderBackendId, number>> = {
  transformers: 0.9,
  'use-lite': 0.9,
  upstream: 0.9,
};
