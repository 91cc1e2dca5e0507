/**
 * Retention of the batch tables (store.ts): `batches`, `batch_results` (one row per result line),
 * `batch_inputs` and `batch_lines` (one row per request line) grew with every batch for the life of
 * the data directory, while the ledger's own rows were deleted past `ledger.maxAgeDays`.
 *
 * A batch is needed until its results are read: the proxy records them (once, through
 * batch_results) when the client fetches them, up to the provider's results retention — Anthropic
 * keeps a batch's results 29 days. So a batch, its results and its input are deleted once created
 * more than max(maxAgeDays, BATCH_MIN_DAYS) days ago (ledger/retention.ts passes that cutoff); an
 * uploaded input file only when no remaining batch names it. Results of a batch still kept are never
 * deleted alone: a second fetch of its output would record them again.
 */
import type { Db } from '../db/open';

/** Anthropic keeps batch results 29 days; a batch row must outlive them, whatever maxAgeDays says. */
export const BATCH_MIN_DAYS = 31;

const TABLES = ['batches', 'batch_results', 'batch_inputs', 'batch_lines'] as const;

/**
 * A deleter for one retention pass over batches and input files created before `cutoffMs`: each
 * call deletes at most `batch` rows per table and returns the count deleted (0: nothing left).
 * Its statements are prepared once per pass, not once per batch of rows: a year of batches is
 * hundreds of batches, and compiling four DELETEs each time cost more than running them.
 * Children go first, and a parent only once it has none, so a pass cut between two calls leaves no
 * result or line without its batch or input. Deletes nothing when the tables do not exist (no batch
 * ever went through this data directory).
 */
export function batchPruner(db: Db, cutoffMs: number): (batch: number) => number {
  const present = db.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN (${TABLES.map(() => '?').join(', ')})`).pluck().get(...TABLES) as number;
  if (present < TABLES.length) return () => 0;
  const results = db.prepare('DELETE FROM batch_results WHERE rowid IN (SELECT r.rowid FROM batch_results r JOIN batches b ON b.id = r.batch_id WHERE b.created_at < ? LIMIT ?)');
  const batches = db.prepare(
    `DELETE FROM batches WHERE id IN (SELECT id FROM batches b WHERE created_at < ?
       AND NOT EXISTS (SELECT 1 FROM batch_results r WHERE r.batch_id = b.id) LIMIT ?)`,
  );
  // An input still named by a batch that is kept (uploaded long ago, submitted recently) stays.
  const expiredInputs = 'SELECT id FROM batch_inputs i WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM batches b WHERE b.input_id = i.id)';
  const lines = db.prepare(`DELETE FROM batch_lines WHERE rowid IN (SELECT rowid FROM batch_lines WHERE input_id IN (${expiredInputs}) LIMIT ?)`);
  const inputs = db.prepare(`DELETE FROM batch_inputs WHERE id IN (${expiredInputs} AND NOT EXISTS (SELECT 1 FROM batch_lines l WHERE l.input_id = i.id) LIMIT ?)`);
  return (batch) => {
    let deleted = 0;
    for (const st of [results, batches, lines, inputs]) deleted += st.run(cutoffMs, batch).changes;
    return deleted;
  };
}
