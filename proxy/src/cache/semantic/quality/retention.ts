/**
 * Retention of the semantic cache's feedback log: `semantic_hits` (one row per served hit) and
 * `semantic_lookups_daily` (lookups per feature and day) grew for the life of the data directory.
 * They follow the ledger's `maxAgeDays` (ledger/retention.ts runs these steps after its own), in
 * batches of `batch` rows, one per event-loop turn in the running proxy. The quality report reads
 * both over the same window (hits and lookups of the same days), so its rates stay consistent.
 *
 * Lookups are also the clock trust and credit are measured on (qualityStore.ts: a hit's
 * `lookup_no` against the feature's lookup total). Deleting old days would move that clock back
 * under the hits still kept, so a feature with kept hits has its deleted days' lookups carried in
 * `semantic_lookups_carried` (one row per such feature), which the total includes.
 */
import type { Db } from '../../../db/open';

const DAY_MS = 86_400_000;

export interface SemanticRetentionResult {
  hits: number;
  lookupDays: number;
}

function hasTables(db: Db): boolean {
  const n = db
    .prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('semantic_hits', 'semantic_lookups_daily', 'semantic_lookups_carried')")
    .pluck()
    .get() as number;
  return n === 3;
}

/**
 * Deletes hits older than `cutoffMs` and daily lookup rows of days that ended before it, at most
 * `batch` rows per step (yielding the totals so far). Nothing when the tables do not exist yet
 * (a data directory whose semantic cache never started, or a database opened without it).
 */
export function* semanticRetentionSteps(db: Db, cutoffMs: number, batch: number): Generator<SemanticRetentionResult, SemanticRetentionResult, void> {
  const done = { hits: 0, lookupDays: 0 };
  if (!hasTables(db)) return done;
  // semantic_hits_ts: each batch finds the old rows without reading the others.
  const oldHits = db.prepare('DELETE FROM semantic_hits WHERE id IN (SELECT id FROM semantic_hits WHERE ts < ? LIMIT ?)');
  for (;;) {
    const n = oldHits.run(cutoffMs, batch).changes;
    done.hits += n;
    if (n < batch) break;
    yield { ...done };
  }
  // Hits first: only features that still have hits need their clock carried.
  const cutoffDay = Math.floor(cutoffMs / DAY_MS);
  const oldDays = db.prepare('SELECT rowid AS id, feature, lookups FROM semantic_lookups_daily WHERE day < ? LIMIT ?');
  const hasHits = db.prepare('SELECT 1 FROM semantic_hits WHERE feature = ? LIMIT 1');
  const carry = db.prepare(
    'INSERT INTO semantic_lookups_carried (feature, lookups) VALUES (?, ?) ON CONFLICT(feature) DO UPDATE SET lookups = lookups + excluded.lookups',
  );
  const drop = db.prepare('DELETE FROM semantic_lookups_daily WHERE rowid = ?');
  const step = db.transaction((rows: Array<{ id: number; feature: string; lookups: number }>) => {
    const sums = new Map<string, number>();
    for (const r of rows) {
      sums.set(r.feature, (sums.get(r.feature) ?? 0) + r.lookups);
      drop.run(r.id);
    }
    for (const [feature, n] of sums) if (hasHits.get(feature) !== undefined) carry.run(feature, n);
  });
  for (;;) {
    const rows = oldDays.all(cutoffDay, batch) as Array<{ id: number; feature: string; lookups: number }>;
    step(rows);
    done.lookupDays += rows.length;
    if (rows.length < batch) break;
    yield { ...done };
  }
  return done;
}
