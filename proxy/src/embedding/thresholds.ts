import type { EmbedderBackendId } from './types';

/**
 * Default cosine-similarity threshold per backend: a semantic hit needs at least this similarity.
 * Chosen by `npm run eval:semantic` for precision first (≥ 0.98 on the labelled pairs, ≤ 1 % false hits
 * on the workloads): USE-lite measured (docs/semantic-cache.md); MiniLM and upstream models could not be
 * evaluated offline and get a conservative 0.95; each model's similarity scale differs, which is
 * why the value lives with the backend and not in the cache.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<EmbedderBackendId, number>> = {
  transformers: 0.95,
  'use-lite': 0.96,
  upstream: 0.95,
};
