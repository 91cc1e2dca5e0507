/**
 * OpenAI background responses (`background: true`) are billed once, from the first answer through
 * the proxy that carries their usage: the create call answers `queued` with no usage, and the
 * finished response comes later — to a poll (`GET /v1/responses/{id}`), a resumed stream, a
 * cancel, or the create's own stream. Each of those shows the same usage, so the response's id is
 * claimed here when it is billed and every later answer for it is recorded at $0.
 *
 * The claim is made just before the ledger row is written, not in its transaction: a proxy killed
 * between the two leaves that response unbilled (never billed twice).
 */
import type { Db } from '../db/open';

const created = new WeakSet<Db>();

/** True the first time `responseId` is claimed in this database, false after. */
export function claimBackgroundResponse(db: Db, responseId: string, ts: number): boolean {
  if (!created.has(db)) {
    // Made on first use: read-only openers of the ledger (`tollgate report`) never need it.
    db.exec(`CREATE TABLE IF NOT EXISTS background_responses_billed (response_id TEXT PRIMARY KEY, ts INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS background_responses_billed_ts ON background_responses_billed(ts);`);
    created.add(db);
  }
  const r = db.prepare('INSERT OR IGNORE INTO background_responses_billed (response_id, ts) VALUES (?, ?)').run(responseId, ts);
  return Number(r.changes) === 1;
}


/**
 * How long a claim is kept at least, whatever `ledger.maxAgeDays`: OpenAI keeps a stored response
 * 30 days, so it can be polled (and its usage shown again) until then; a claim deleted earlier
 * would bill that poll a second time.
 */
export const BACKGROUND_CLAIM_MIN_DAYS = 31;

/**
 * Deletes claims older than `cutoffMs` (retention.ts passes the later of maxAgeDays and
 * BACKGROUND_CLAIM_MIN_DAYS), at most `batch` per call; the count deleted. The table grew one row
 * per background response for the life of the data directory. Nothing when it does not exist.
 */
export function pruneBackgroundClaims(db: Db, cutoffMs: number, batch: number): number {
  if (!created.has(db)) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'background_responses_billed'").get() !== undefined;
    if (!exists) return 0;
    // A table from before its ts index: the index is made here once (the next claim would make it too).
    db.exec('CREATE INDEX IF NOT EXISTS background_responses_billed_ts ON background_responses_billed(ts)');
    created.add(db);
  }
  return db
    .prepare('DELETE FROM background_responses_billed WHERE response_id IN (SELECT response_id FROM background_responses_billed WHERE ts < ? LIMIT ?)')
    .run(cutoffMs, batch).changes;
}
