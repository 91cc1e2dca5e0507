/**
 * Ledger retention: rows older than `ledger.maxAgeDays` are deleted, and while the ledger holds
 * more than `ledger.maxBytes` (estimated, see ledgerBytes) the oldest rows are deleted; both in
 * batches of RETENTION_BATCH rows, one batch per event-loop turn in the running proxy. SQLite reuses
 * the freed pages for new rows, so the file stops growing. Runs at start, every few minutes, and
 * after every `everyCalls` new rows, so a flood of requests cannot outgrow it for long.
 * The same pass deletes the semantic cache's feedback log past `maxAgeDays` (semantic_hits,
 * semantic_lookups_daily: cache/semantic/quality/retention.ts) and old background-response billing
 * claims (backgroundResponses.ts), the router's quality samples (routing/quality/retention.ts) and
 * the budgets' per-period spend and alert rows (governance/retention.ts) and the batch tables
 * (batch/retention.ts), which otherwise grew for good.
 */
import { BATCH_MIN_DAYS, batchPruner } from '../batch/retention';
import { semanticRetentionSteps, type SemanticRetentionResult } from '../cache/semantic/quality/retention';
import type { Db } from '../db/open';
import { GOVERNANCE_MIN_DAYS, periodPruner } from '../governance/retention';
import { pruneQualitySamples } from '../routing/quality/retention';
import { BACKGROUND_CLAIM_MIN_DAYS, pruneBackgroundClaims } from './backgroundResponses';
import type { Ledger } from './ledger';

export interface RetentionSettings {
  maxAgeDays: number;
  maxBytes: number;
}

export interface RetentionResult {
  deletedByAge: number;
  deletedBySize: number;
}

const DAY_MS = 24 * 3600 * 1000;
/**
 * Rows one DELETE removes at most. Each batch is its own statement (its own short write and WAL
 * frames), and a running proxy deletes one batch per event-loop turn: a policy edit from 365 to 90
 * days on a year of calls (a million rows) was one DELETE that held the event loop and the write
 * lock for tens of seconds and grew the WAL by the size of everything it deleted.
 */
export const RETENTION_BATCH = 2000;

/** Per-row overhead beyond the text columns: ~20 numeric columns, the record header, two index entries. */
const ROW_OVERHEAD = 160;

function bytesPerRow(db: Db): number {
  const avg = db
    .prepare(
      `SELECT AVG(LENGTH(request_id) + LENGTH(key_fingerprint) + IFNULL(LENGTH(team),0) + IFNULL(LENGTH(feature),0) + IFNULL(LENGTH(user),0)
        + LENGTH(provider) + LENGTH(endpoint) + LENGTH(model_requested) + LENGTH(model_used) + LENGTH(cache) + IFNULL(LENGTH(error_type),0)
        + IFNULL(LENGTH(route),0) + IFNULL(LENGTH(budget),0) + IFNULL(LENGTH(prompt_preview),0) + IFNULL(LENGTH(details),0)) AS a
       FROM (SELECT * FROM calls ORDER BY id DESC LIMIT 1000)`,
    )
    .get() as { a: number | null };
  return (avg.a ?? 0) + ROW_OVERHEAD;
}

/**
 * Estimated bytes the ledger occupies: row count × the average size of the newest 1000 rows. The
 * database also holds the cache (bounded by its own settings), so the file size would not do, and
 * SQLite's dbstat would read every page. Rows are length-capped, so the average is representative.
 */
export function ledgerBytes(db: Db): { rows: number; bytesPerRow: number; bytes: number } {
  const rows = (db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
  if (rows === 0) return { rows, bytesPerRow: 0, bytes: 0 };
  const perRow = bytesPerRow(db);
  return { rows, bytesPerRow: perRow, bytes: Math.round(rows * perRow) };
}

/**
 * `ledgerBytes` when the ledger may exceed `maxBytes`, else undefined, without counting the rows
 * when it clearly does not: ids are unique and increasing, so there are at most max(id) − min(id) + 1
 * rows (two rowid lookups). COUNT(*) reads the whole ts index (~a second per million rows on a
 * busy laptop), and retention runs every 500 calls: a year of calls made every 500th call wait for it.
 */
function ledgerBytesOver(db: Db, maxBytes: number): { rows: number; bytesPerRow: number; bytes: number } | undefined {
  // Two subqueries: SQLite reads a lone MIN or MAX off the rowid b-tree, but scans for both in one SELECT.
  const span = db.prepare('SELECT (SELECT MAX(id) FROM calls) - (SELECT MIN(id) FROM calls) + 1 AS n').get() as { n: number | null };
  if (span.n === null) return undefined;
  if (Math.round(span.n * bytesPerRow(db)) <= maxBytes) return undefined;
  const size = ledgerBytes(db);
  return size.bytes > maxBytes ? size : undefined;
}

/**
 * Retention in bounded steps: each step deletes at most RETENTION_BATCH rows and yields the totals
 * so far; the generator returns the final ones. `applyRetention` runs it through at once, the proxy
 * one step per event-loop turn (LedgerRetention), so other calls are served between batches.
 */
export function* retentionSteps(db: Db, settings: RetentionSettings, now = Date.now()): Generator<RetentionResult, RetentionResult, void> {
  const cutoff = now - settings.maxAgeDays * DAY_MS;
  // calls_ts index: each batch finds the old rows without reading the others.
  const oldByAge = db.prepare('DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE ts < ? LIMIT ?)');
  let deletedByAge = 0;
  for (;;) {
    const n = oldByAge.run(cutoff, RETENTION_BATCH).changes;
    deletedByAge += n;
    if (n < RETENTION_BATCH) break;
    yield { deletedByAge, deletedBySize: 0 };
  }
  let deletedBySize = 0;
  const size = ledgerBytesOver(db, settings.maxBytes);
  if (size) {
    // Delete down to 90% of the limit so the next check does not fire again at once.
    let excess = Math.min(size.rows, Math.ceil((size.bytes - settings.maxBytes * 0.9) / size.bytesPerRow));
    const oldest = db.prepare('DELETE FROM calls WHERE id IN (SELECT id FROM calls ORDER BY id LIMIT ?)');
    while (excess > 0) {
      const n = oldest.run(Math.min(RETENTION_BATCH, excess)).changes;
      if (n === 0) break;
      deletedBySize += n;
      excess -= n;
      if (excess > 0) yield { deletedByAge, deletedBySize };
    }
  }
  return { deletedByAge, deletedBySize };
}

/**
 * A whole pass: the ledger's steps, then the semantic feedback log's by the same age, batch by
 * batch; what the latter deleted is added to `semantic`. Yields and returns the ledger's totals.
 * The feedback log's first batch runs in the turn of the ledger's last (no extra turn per pass).
 */
export function* retentionPass(db: Db, settings: RetentionSettings, now: number, semantic: SemanticRetentionResult): Generator<RetentionResult, RetentionResult, void> {
  const ledger = yield* retentionSteps(db, settings, now);
  const steps = semanticRetentionSteps(db, now - settings.maxAgeDays * DAY_MS, RETENTION_BATCH);
  for (;;) {
    const step = steps.next();
    semantic.hits = step.value.hits;
    semantic.lookupDays = step.value.lookupDays;
    if (step.done) break;
    yield ledger;
  }
  // Background responses' billing claims (backgroundResponses.ts), kept at least as long as OpenAI keeps the response.
  const claimCutoff = now - Math.max(settings.maxAgeDays, BACKGROUND_CLAIM_MIN_DAYS) * DAY_MS;
  while (pruneBackgroundClaims(db, claimCutoff, RETENTION_BATCH) === RETENTION_BATCH) yield ledger;
  while (pruneQualitySamples(db, now - settings.maxAgeDays * DAY_MS, RETENTION_BATCH) === RETENTION_BATCH) yield ledger;
  // Budget periods: the current and the previous one stay whatever maxAgeDays (forecasts, alert-once).
  const periodCutoff = now - Math.max(settings.maxAgeDays, GOVERNANCE_MIN_DAYS) * DAY_MS;
  const prunePeriods = periodPruner(db, periodCutoff);
  while (prunePeriods(RETENTION_BATCH) > 0) yield ledger;
  // Batches, their result links, inputs and request lines: kept while the provider keeps the results.
  const batchCutoff = now - Math.max(settings.maxAgeDays, BATCH_MIN_DAYS) * DAY_MS;
  const pruneBatches = batchPruner(db, batchCutoff);
  while (pruneBatches(RETENTION_BATCH) > 0) yield ledger;
  return ledger;
}

export function applyRetention(db: Db, settings: RetentionSettings, now = Date.now()): RetentionResult {
  const steps = retentionPass(db, settings, now, { hits: 0, lookupDays: 0 });
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export class LedgerRetention {
  private timer: NodeJS.Timeout | undefined;
  /** The next step of a pass still under way (one batch per event-loop turn). */
  private next: NodeJS.Immediate | undefined;
  private sinceCheck = 0;
  private readonly onCall = () => {
    if (++this.sinceCheck >= this.everyCalls) this.run();
  };

  constructor(
    private readonly db: Db,
    private readonly ledger: Ledger,
    private readonly settings: () => RetentionSettings,
    private readonly log: (line: string) => void = () => {},
    private readonly everyCalls = 500,
    private readonly intervalMs = 5 * 60_000,
  ) {}

  /**
   * The first step throws: at start a failure means the ledger cannot be read at all (a damaged
   * file), which the proxy must refuse rather than serve calls it cannot record. The rest of a
   * large first pass (a year of rows past a lowered maxAgeDays) runs while the proxy serves.
   */
  start(): this {
    this.sinceCheck = 0;
    this.advance(this.pass(), true);
    this.ledger.on('call', this.onCall);
    this.timer = setInterval(() => this.run(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /**
   * Runs the first batch now and the rest one batch per event-loop turn; returns what was deleted
   * so far (everything, when one batch was enough). While a pass is under way, a new one is not begun.
   */
  run(): RetentionResult {
    this.sinceCheck = 0;
    if (this.next) return { deletedByAge: 0, deletedBySize: 0 };
    return this.advance(this.pass(), false);
  }

  /** What the current pass deleted from the semantic feedback log (reported with the ledger's). */
  private semantic: SemanticRetentionResult = { hits: 0, lookupDays: 0 };

  private pass(): Generator<RetentionResult, RetentionResult, void> {
    this.semantic = { hits: 0, lookupDays: 0 };
    return retentionPass(this.db, this.settings(), Date.now(), this.semantic);
  }

  private advance(steps: Generator<RetentionResult, RetentionResult, void>, rethrow: boolean): RetentionResult {
    this.next = undefined;
    let step: IteratorResult<RetentionResult, RetentionResult>;
    try {
      step = steps.next();
    } catch (err) {
      if (rethrow) throw err;
      // Runs from a timer and from the ledger's 'call' event: a failure here (a full disk cannot
      // even take a DELETE's WAL frames) must neither crash the proxy nor fail the call that
      // triggered it. The next run tries again.
      this.log(`ledger retention skipped: ${err instanceof Error ? err.message : String(err)}`);
      return { deletedByAge: 0, deletedBySize: 0 };
    }
    if (step.done) return this.report(step.value);
    this.next = setImmediate(() => this.advance(steps, false));
    return step.value;
  }

  private report(r: RetentionResult): RetentionResult {
    if (r.deletedByAge + r.deletedBySize > 0) {
      this.log(`ledger retention: deleted ${r.deletedByAge} row(s) past ledger.maxAgeDays and ${r.deletedBySize} over ledger.maxBytes`);
    }
    const s = this.semantic;
    if (s.hits + s.lookupDays > 0) {
      this.log(`semantic cache feedback retention: deleted ${s.hits} served hit(s) and ${s.lookupDays} daily lookup count(s) past ledger.maxAgeDays`);
    }
    return r;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.next) clearImmediate(this.next);
    this.next = undefined;
    this.ledger.off('call', this.onCall);
  }
}
