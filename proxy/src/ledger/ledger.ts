/**
 * The cost ledger: one SQLite row per call (hit, miss, error, retry attempt), written in one
 * statement when the call ends, and the queries behind the local API (pages, summaries).
 *
 * A full disk does not lose rows: a row SQLite cannot write for lack of space (SQLITE_FULL), or
 * because another process holds the file's write lock past busy_timeout (SQLITE_BUSY), is held in
 * memory and written, oldest first, as soon as a later write or the retry timer finds room
 * (listeners hear of it then, with its id); a held row that still fails is kept for the next retry
 * without holding back the rows behind it. The call it records already happened and was billed;
 * failing it would only make the client retry and pay again.
 */
import type { CallFilter } from '../../../contract/api';
import type { BatchExportQuery } from '../../../contract/batch';
import { EventEmitter } from 'node:events';
import { type BatchExport, type BatchExportRefusal, buildBatchExport } from '../batch/export';
import type { Opportunities, OpportunitiesOptions } from '../batch/opportunities';
import { ensureAutoincrementTable } from '../db/autoincrement';
import type { Db } from '../db/open';
import { capDetails, capRecord } from './caps';
import { type CallRow as Row, pageRows, summarise, type SummaryOptions } from './ledgerReads';
import { LedgerReadThread } from './readThread';
import type { CallPage, CallRecord, Summary } from './types';
import { isDiskFull, isLocked, isWriteRefused, primaryCode } from './writeRefused';

export type NewCallRecord = Omit<CallRecord, 'id'> & { details?: CallDetails };

/** Extra per-call detail kept for the dashboard's detail view (never request bodies or keys). */
export interface CallDetails {
  responseHeaders?: Record<string, string>;
  sourcePrompt?: string;
}

/** The table's columns; `id` is AUTOINCREMENT so a call id is never handed out twice (see `migrateLedger`). */
function callsDdl(table: string, ifNotExists = false): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      request_id TEXT NOT NULL,
      ts INTEGER NOT NULL,
      key_fingerprint TEXT NOT NULL,
      team TEXT, feature TEXT, user TEXT,
      provider TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      model_requested TEXT NOT NULL,
      model_used TEXT NOT NULL,
      stream INTEGER NOT NULL,
      cache TEXT NOT NULL,
      similarity REAL,
      source_entry_id INTEGER,
      input_tokens INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      cached_tokens INTEGER NOT NULL,
      cache_write_tokens INTEGER NOT NULL,
      tokens_estimated INTEGER NOT NULL,
      cost_usd REAL NOT NULL,
      saved_usd REAL NOT NULL,
      priced INTEGER NOT NULL,
      latency_ms REAL NOT NULL,
      overhead_ms REAL NOT NULL,
      status INTEGER NOT NULL,
      error_type TEXT,
      route TEXT,
      budget TEXT,
      attempt INTEGER NOT NULL,
      prompt_preview TEXT,
      details TEXT
    )`;
}

const CALL_COLUMNS = `id, request_id, ts, key_fingerprint, team, feature, user, provider, endpoint, model_requested, model_used,
  stream, cache, similarity, source_entry_id, input_tokens, output_tokens, cached_tokens, cache_write_tokens, tokens_estimated,
  cost_usd, saved_usd, priced, latency_ms, overhead_ms, status, error_type, route, budget, attempt, prompt_preview, details`;

const CALL_INDEXES = `
    CREATE INDEX IF NOT EXISTS calls_ts ON calls(ts);`;

/**
 * Where a call id is kept after its row may be gone (ledger retention deletes rows): a batch's
 * results (batch_results, summed into the batch's cost) and captured request bodies
 * (captured_requests, pruned as "below the oldest remaining id"). The dashboard's detail view and
 * router feedback (POST /tollgate/router/feedback) also name a call by id.
 */
const CALL_ID_REFERENCES: ReadonlyArray<[table: string, column: string]> = [
  ['batch_results', 'call_id'],
  ['captured_requests', 'call_id'],
];

/**
 * Call ids are never reused (db/autoincrement.ts): once retention emptied the table (every row past
 * `ledger.maxAgeDays` after a quiet spell) the next call got id 1 again, so an old batch's results
 * summed a new call's cost, a captured body joined a different call, and a feedback or detail
 * request for an id the dashboard still showed hit an unrelated call. Older ledgers are rebuilt once
 * with their ids.
 */
export function migrateLedger(db: Db): void {
  ensureAutoincrementTable(db, { name: 'calls', ddl: callsDdl, columns: CALL_COLUMNS, indexes: CALL_INDEXES, idReferences: CALL_ID_REFERENCES });
  // Its leaf was a WAL page more in every call's commit (issue #16); its one reader finds a row by its time (batch/capture.ts).
  try {
    db.exec('DROP INDEX IF EXISTS calls_request');
  } catch (err) {
    // A reader (`tollgate report`), or a start finding the file locked or full, leaves it to the next writer.
    if (primaryCode(err) !== 8 /* SQLITE_READONLY */ && !isWriteRefused(err)) throw err;
  }
}


/** Encrypts stored prompt previews at rest (TOLLGATE_CACHE_KEY); same codec as the cache. */
export interface TextCodec {
  encode(plain: string): string;
  decode(stored: string): string;
}

function decodeOrDrop(codec: TextCodec | undefined, stored: string | null): string | null {
  if (stored === null || !codec) return stored;
  try {
    return codec.decode(stored);
  } catch {
    // Written in plain text by an older version, or with another key: not shown.
    return null;
  }
}

function toRecord(r: Row): CallRecord {
  const tags: CallRecord['tags'] = {};
  if (r.team !== null) tags.team = r.team;
  if (r.feature !== null) tags.feature = r.feature;
  if (r.user !== null) tags.user = r.user;
  return {
    id: r.id,
    requestId: r.request_id,
    ts: r.ts,
    keyFingerprint: r.key_fingerprint,
    tags,
    provider: r.provider,
    endpoint: r.endpoint,
    modelRequested: r.model_requested,
    modelUsed: r.model_used,
    stream: r.stream === 1,
    cache: r.cache,
    ...(r.similarity !== null ? { similarity: r.similarity } : {}),
    ...(r.source_entry_id !== null ? { sourceEntryId: r.source_entry_id } : {}),
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cachedTokens: r.cached_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    tokensEstimated: r.tokens_estimated === 1,
    costUsd: r.cost_usd,
    savedUsd: r.saved_usd,
    priced: r.priced === 1,
    latencyMs: r.latency_ms,
    overheadMs: r.overhead_ms,
    status: r.status,
    ...(r.error_type !== null ? { errorType: r.error_type } : {}),
    ...(r.route !== null ? { route: r.route } : {}),
    ...(r.budget !== null ? { budget: r.budget } : {}),
    attempt: r.attempt,
    ...(r.prompt_preview !== null ? { promptPreview: r.prompt_preview } : {}),
  };
}

export type { CallFilter } from '../../../contract/api';

export { MAX_GROUPS, MAX_SERIES } from './ledgerReads';

export interface LedgerEvents {
  call: [CallRecord];
}

/** Rows held in memory while the disk is full; past this a write fails as before (bounded memory). */
export const MAX_HELD_ROWS = 10_000;
/** How often held rows are retried when no new call comes to retry them. */
const HELD_RETRY_MS = 5_000;

export { isDiskFull } from './writeRefused';

type InsertParams = Record<string, string | number | null>;

/** A row waiting in memory; `warned` once its own failure (not a full disk or a lock) was logged. */
interface HeldRow {
  params: InsertParams;
  rec: CallRecord;
  warned: boolean;
}

/**
 * Held rows a pass on a call's path or the retry timer may see fail before it stops (see
 * `writeHeldPass`); moved to the back, they let the rows behind them through on the next pass.
 */
const FAILED_ROWS_PER_PASS = 4;

/** Each file's rows held in memory: a budget window read from the ledger counts them (governance/ledgerSeed.ts). */
const heldOn = new WeakMap<Db, readonly HeldRow[]>();
export const heldCalls = (db: Db): CallRecord[] => (heldOn.get(db) ?? []).map((h) => h.rec);

export class Ledger extends EventEmitter<LedgerEvents> {
  private readonly insertStmt;
  /** Rows not yet written because the disk was full, oldest first (but see `writeHeldPass`). */
  private readonly held: HeldRow[] = [];
  private readonly heldRecs = new WeakSet<CallRecord>();
  private heldTimer: NodeJS.Timeout | undefined;
  /**
   * The current episode of held rows (from the first held row until none is left): the kinds of
   * refusal already said (a full disk, a lock, another reason) and the rows written since. While
   * the disk stays full every call's row is refused; saying so once per call flooded the log.
   */
  private readonly episodeSaid = new Set<string>();
  private episodeWritten = 0;
  private reader: LedgerReadThread | undefined;

  constructor(
    private readonly db: Db,
    private readonly textCodec?: TextCodec,
    private readonly warn: (line: string) => void = () => {},
  ) {
    super();
    this.setMaxListeners(100);
    migrateLedger(db);
    heldOn.set(db, this.held);
    this.insertStmt = db.prepare(`
      INSERT INTO calls (request_id, ts, key_fingerprint, team, feature, user, provider, endpoint, model_requested, model_used,
        stream, cache, similarity, source_entry_id, input_tokens, output_tokens, cached_tokens, cache_write_tokens,
        tokens_estimated, cost_usd, saved_usd, priced, latency_ms, overhead_ms, status, error_type, route, budget, attempt,
        prompt_preview, details)
      VALUES (@requestId, @ts, @keyFingerprint, @team, @feature, @user, @provider, @endpoint, @modelRequested, @modelUsed,
        @stream, @cache, @similarity, @sourceEntryId, @inputTokens, @outputTokens, @cachedTokens, @cacheWriteTokens,
        @tokensEstimated, @costUsd, @savedUsd, @priced, @latencyMs, @overheadMs, @status, @errorType, @route, @budget, @attempt,
        @promptPreview, @details)`);
  }

  /** Inserts and announces the row (the usual path). */
  record(input: NewCallRecord): CallRecord {
    const saved = this.insert(input);
    this.announce(saved);
    return saved;
  }

  /**
   * Inserts the row without telling listeners: for a caller that writes it inside a larger
   * transaction and calls `announce` once that has committed.
   */
  insert(input: NewCallRecord): CallRecord {
    const rec = capRecord(input);
    const details = capDetails(input.details);
    const params: InsertParams = {
      requestId: rec.requestId,
      ts: rec.ts,
      keyFingerprint: rec.keyFingerprint,
      team: rec.tags.team ?? null,
      feature: rec.tags.feature ?? null,
      user: rec.tags.user ?? null,
      provider: rec.provider,
      endpoint: rec.endpoint,
      modelRequested: rec.modelRequested,
      modelUsed: rec.modelUsed,
      stream: rec.stream ? 1 : 0,
      cache: rec.cache,
      similarity: rec.similarity ?? null,
      sourceEntryId: rec.sourceEntryId ?? null,
      inputTokens: rec.inputTokens,
      outputTokens: rec.outputTokens,
      cachedTokens: rec.cachedTokens,
      cacheWriteTokens: rec.cacheWriteTokens,
      tokensEstimated: rec.tokensEstimated ? 1 : 0,
      costUsd: rec.costUsd,
      savedUsd: rec.savedUsd,
      priced: rec.priced ? 1 : 0,
      latencyMs: rec.latencyMs,
      overheadMs: rec.overheadMs,
      status: rec.status,
      errorType: rec.errorType ?? null,
      route: rec.route ?? null,
      budget: rec.budget ?? null,
      attempt: rec.attempt,
      promptPreview: rec.promptPreview === undefined ? null : this.textCodec ? this.textCodec.encode(rec.promptPreview) : rec.promptPreview,
      details: details ? JSON.stringify(details) : null,
    };
    // Inside a caller's transaction a failure must reach that caller (it rolls back, then writes the
    // row alone, outside it): only an autocommit write is held.
    if (this.db.inTransaction) {
      rec.id = Number(this.insertStmt.run(params).lastInsertRowid);
      return rec;
    }
    // Held rows first (they are older), without waiting: while another process holds the write lock,
    // every call froze the event loop for busy_timeout (5 s). Then this row is held without trying too.
    const locked = this.held.length > 0 && this.retryHeldWithoutWaiting().locked;
    if (!locked) {
      try {
        rec.id = Number(this.insertStmt.run(params).lastInsertRowid);
        return rec;
      } catch (err) {
        // Also another process holding the file's write lock past busy_timeout: the call happened
        // all the same, and failing its row lost both the paid-for answer and the record.
        if (!isWriteRefused(err)) throw err;
        const kind = isDiskFull(err) ? 'full' : isLocked(err) ? 'locked' : 'other';
        if (!this.episodeSaid.has(kind)) {
          this.episodeSaid.add(kind);
          this.warn(
            kind === 'full'
              ? 'disk full: ledger rows are held in memory and written when space returns'
              : `the database did not take a ledger row (${err instanceof Error ? err.message : String(err)}): rows are held in memory and written when it does`,
          );
        }
      }
    }
    if (this.held.length >= MAX_HELD_ROWS) throw new Error(`${this.held.length} ledger rows already wait in memory for the database to take writes (disk full?); free disk space`);
    this.held.push({ params, rec, warned: false });
    this.heldRecs.add(rec);
    this.heldTimer ??= setInterval(() => this.retryHeldWithoutWaiting(), HELD_RETRY_MS).unref();
    return rec;
  }

  /**
   * The timer's (and a call's) retry: while another process holds the write lock, waiting busy_timeout (5 s) every
   * 5 s would freeze the proxy's event loop (streams in flight included) for as long as the lock
   * lasts. Rows are tried without waiting; a call's own write still waits as usual.
   */
  private retryHeldWithoutWaiting(): { locked: boolean } {
    const wait = this.db.pragma('busy_timeout', { simple: true });
    this.db.pragma('busy_timeout = 0');
    try {
      return this.writeHeldPass(FAILED_ROWS_PER_PASS);
    } finally {
      this.db.pragma(`busy_timeout = ${typeof wait === 'number' ? wait : 5000}`);
    }
  }

  /** Rows waiting for disk space (0 normally). */
  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Writes the held rows, oldest first, each in its own statement (as they would have been), and
   * announces them: every row is tried once (see `writeHeldPass`). Returns how many are still held.
   */
  writeHeld(): number {
    this.writeHeldPass(Number.POSITIVE_INFINITY);
    return this.held.length;
  }

  /**
   * One pass over the held rows. A row that fails is kept and moved to the back, and the pass goes
   * on: a row that does not fit yet (a large one when only a little space came back) or that
   * SQLite refuses outright (logged once, with its reason) used to keep every row behind it, and
   * every later call's, in memory until the stop. It is retried on the next pass and reported lost
   * by `close` if it never goes in. A lock held elsewhere stops the pass (each row would wait it
   * out), as do `maxFailures` failed rows: a failed insert costs ~0.1 ms, and on a disk still full
   * trying 10,000 rows on a call's path or every 5 s would stall the event loop for a second.
   * A failed statement is rolled back, so a row is written once.
   */
  private writeHeldPass(maxFailures: number): { locked: boolean } {
    let written = 0;
    let failed = 0;
    let locked = false;
    for (let visits = this.held.length; visits > 0 && this.held.length > 0; visits--) {
      const next = this.held.shift()!;
      try {
        next.rec.id = Number(this.insertStmt.run(next.params).lastInsertRowid);
      } catch (err) {
        // A lock is no row's fault: the row stays first, so rows reach the ledger in their calls' order.
        locked = isLocked(err);
        if (locked) this.held.unshift(next);
        else this.held.push(next);
        if (!isWriteRefused(err) && !next.warned) {
          next.warned = true;
          this.warn(`held ledger row ${next.rec.requestId} not written (kept, retried with the others): ${err instanceof Error ? err.message : String(err)}`);
        }
        if (locked || ++failed >= maxFailures) break;
        continue;
      }
      this.heldRecs.delete(next.rec);
      written++;
      this.emit('call', next.rec);
    }
    this.episodeWritten += written;
    // The episode's end: one line for all the rows it held (close() names any that never go in).
    if (this.held.length === 0) {
      if (this.episodeWritten > 0) this.warn(`wrote ${this.episodeWritten} ledger row(s) held while the database refused writes`);
      this.episodeWritten = 0;
      this.episodeSaid.clear();
      if (this.heldTimer) clearInterval(this.heldTimer);
      this.heldTimer = undefined;
    }
    return { locked };
  }

  /** Listeners hear of a row once it is written: a held row is announced by `writeHeld`. */
  announce(saved: CallRecord): void {
    if (this.heldRecs.has(saved)) return;
    this.emit('call', saved);
  }

  /**
   * Last try to write held rows before the database closes; returns how many are lost (and says so).
   */
  close(): number {
    const left = this.held.length > 0 ? this.writeHeld() : 0;
    if (this.heldTimer) clearInterval(this.heldTimer);
    this.heldTimer = undefined;
    if (left > 0) this.warn(`${left} ledger row(s) could not be written (disk full or database locked) and are lost${this.episodeWritten > 0 ? `; ${this.episodeWritten} held row(s) were written` : ''}`);
    this.reader?.close();
    return left;
  }

  private toPlainRecord(row: Row): CallRecord {
    return toRecord(this.textCodec ? { ...row, prompt_preview: decodeOrDrop(this.textCodec, row.prompt_preview) } : row);
  }

  get(id: number): (CallRecord & CallDetails) | undefined {
    const row = this.db.prepare('SELECT * FROM calls WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const details = row.details ? (JSON.parse(row.details) as CallDetails) : {};
    return { ...this.toPlainRecord(row), ...details };
  }

  /** A page of calls, newest first, on this connection (the CLI; see pageOffThread). */
  page(filter: CallFilter, limit = 100, before?: number): CallPage {
    return this.toPage(pageRows(this.db, filter, limit, before));
  }

  /**
   * page() with its SQL in the worker thread (summaryOffThread's): a filter the indexes do not
   * cover (a feature, a user, errors) counts and walks the whole ledger — ~0.5 s over a year of
   * calls on a loaded machine. Rows are decoded here (the preview codec's key stays in this thread).
   */
  async pageOffThread(filter: CallFilter, limit = 100, before?: number): Promise<CallPage> {
    return this.toPage(await this.reads().page({ filter, limit, ...(before !== undefined ? { before } : {}) }));
  }

  private toPage(p: { rows: Row[]; total: number; limit: number }): CallPage {
    const calls = p.rows.slice(0, p.limit).map((r) => this.toPlainRecord(r));
    const last = calls[calls.length - 1];
    return { calls, total: p.total, ...(p.rows.length > p.limit && last ? { nextBefore: last.id } : {}) };
  }

  private reads(): LedgerReadThread {
    this.reader ??= new LedgerReadThread(this.db);
    return this.reader;
  }

  /** The totals, groups and series of the calls in a range, on this connection (the CLI; see summaryOffThread). */
  summary(opts: SummaryOptions): Summary {
    return summarise(this.db, opts);
  }

  /**
   * summary() on a read-only connection in a worker thread, for the running proxy: over a large
   * ledger (a year, 1.5 M rows) one summary reads every row of its range — seconds during which every
   * proxied call would wait on the event loop. Same SQL, same results.
   */
  summaryOffThread(opts: SummaryOptions): Promise<Summary> {
    return this.reads().summary(opts);
  }

  /**
   * The batch opportunities (batch/opportunities.ts) on the read worker: they read every real-time
   * call of their range (~0.2 s over 100,000 calls), which the dashboard asks for on every load.
   */
  opportunitiesOffThread(opts: OpportunitiesOptions): Promise<Opportunities> {
    return this.reads().opportunities(opts);
  }

  /** The batch file from captured bodies (batch/export.ts) on the read worker; encrypted bodies here, where the key is. */
  async batchExportOffThread(q: BatchExportQuery): Promise<BatchExport | BatchExportRefusal> {
    return this.textCodec ? buildBatchExport(this.db, q, this.textCodec) : this.reads().batchExport(q);
  }
}
