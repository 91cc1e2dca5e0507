/**
 * Retention of the router's quality samples (`router_quality_samples`, one row per sampled call),
 * which grew for the life of the data directory. ledger/retention.ts deletes samples past
 * `ledger.maxAgeDays`, in batches, but keeps each route's newest QUALITY_KEEP_PER_ROUTE samples:
 * the drift alarm reads a route's most recent `window` judged samples (at most 10 000 in the
 * policy), and a route that is sampled rarely must not lose its alarm to the calendar.
 */
import type { Db } from '../../db/open';

/** The policy's largest `routing.quality.window` (judged samples per route the alarm reads). */
export const QUALITY_KEEP_PER_ROUTE = 10_000;

/** Deletes at most `batch` samples older than `cutoffMs` beyond each route's newest `keep`; the count deleted. */
export function pruneQualitySamples(db: Db, cutoffMs: number, batch: number, keep = QUALITY_KEEP_PER_ROUTE): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'router_quality_samples'").get() !== undefined;
  if (!exists) return 0;
  return db
    .prepare(
      `DELETE FROM router_quality_samples WHERE id IN (
        SELECT id FROM (SELECT id, ts, ROW_NUMBER() OVER (PARTITION BY tier, model ORDER BY id DESC) AS newer FROM router_quality_samples)
        WHERE ts < ? AND newer > ? LIMIT ?)`,
    )
    .run(cutoffMs, keep, batch).changes;
}
