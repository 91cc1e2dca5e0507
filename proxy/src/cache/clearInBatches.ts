/**
 * Removing cached answers and the semantic vectors that hang off them: one (an eviction), or many beside live traffic,
 * in batches. `tollgate cache clear` runs beside a live proxy on the same file, and the proxy's own
 * `POST /tollgate/cache/clear` runs on its event loop: one DELETE of a year's cache (100k+ answers,
 * then one transaction for every orphaned vector) held the write lock for 10+ s, and every call
 * through the proxy meanwhile waited for it to write its ledger row (8.5 s measured). In batches,
 * other writers — and, in the proxy, other requests — get in between two.
 */
import type { Db } from '../db/open';
import type { ExactCache } from './exactCache';
import { orphanVectorIds, type SemanticCache } from './semanticCache';
import type { SemanticStore } from './semantic/store';

/** Removes an entry and its vector. An evicted semantic hit was a false hit: `report` tightens its feature (false: already reported). */
export function evictCacheEntry(semantic: SemanticCache, exactCache: ExactCache, id: number, report: boolean): boolean {
  if (report) semantic.evictAsFeedback(id);
  else semantic.store.delete(id);
  return exactCache.delete(id);
}

/** Entries (or vectors) removed per transaction. */
export const CLEAR_BATCH = 200;

/** Removes `ids` with `remove`, CLEAR_BATCH per transaction, awaiting `pause` between two; returns how many were there to remove. */
export async function removeInBatches(db: Db, ids: number[], remove: (id: number) => boolean, pause: () => Promise<void>): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += CLEAR_BATCH) {
    if (i > 0) await pause();
    // IMMEDIATE: the batch waits (busy_timeout) for another connection's write to finish instead of
    // reading first and failing with SQLITE_BUSY when it then needs to write.
    db.transaction(() => {
      for (const id of ids.slice(i, i + CLEAR_BATCH)) if (remove(id)) removed++;
    }).immediate();
  }
  return removed;
}

/**
 * Removes the entries `selection` names as of now (entries added meanwhile get new ids and stay),
 * then every vector whose answer is gone; returns how many of each this call removed.
 */
export async function clearInBatches(
  db: Db,
  cache: ExactCache,
  store: SemanticStore,
  selection: { namespace?: string; expired?: boolean },
  pause: () => Promise<void>,
): Promise<{ removed: number; vectors: number }> {
  const removed = await removeInBatches(db, cache.idsOf(selection), (id) => cache.delete(id), pause);
  const vectors = await removeInBatches(db, orphanVectorIds(db), (id) => store.delete(id), pause);
  return { removed, vectors };
}
