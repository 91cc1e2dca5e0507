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
    db.exec('CREATE TABLE IF NOT EXISTS background_responses_billed (response_id TEXT PRIMARY KEY, ts INTEGER NOT NULL) WITHOUT ROWID');
    created.add(db);
  }
  const r = db.prepare('INSERT OR IGNORE INTO background_responses_billed (response_id, ts) VALUES (?, ?)').run(responseId, ts);
  return Number(r.changes) === 1;
}

