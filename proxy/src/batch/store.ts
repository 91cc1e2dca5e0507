/**
 * What Tollgate remembers about batches it relayed: the request lines of each uploaded input
 * (their cache keys and worst-case sizes, never the prompts), each submission with its identity,
 * tags and budget reservation, and which results are already in the ledger (so retrieving an
 * output file twice records each result once).
 */
import type { Db } from '../db/open';
import type { CallTags } from '../ledger/types';

export function migrateBatches(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS batch_inputs (
      id TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      namespace TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      local INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS batch_lines (
      input_id TEXT NOT NULL,
      custom_id TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      model TEXT NOT NULL,
      cache_key TEXT NOT NULL,
      input_tokens INTEGER NOT NULL,
      max_output INTEGER NOT NULL,
      cached_entry_id INTEGER,
      PRIMARY KEY (input_id, custom_id)
    );
    CREATE TABLE IF NOT EXISTS batches (
      id TEXT PRIMARY KEY,
      provider TEXT NOT NULL,
      protocol TEXT NOT NULL,
      key_fingerprint TEXT NOT NULL,
      namespace TEXT NOT NULL,
      team TEXT, feature TEXT, user TEXT,
      input_id TEXT NOT NULL,
      output_file_id TEXT,
      error_file_id TEXT,
      status TEXT NOT NULL,
      request_count INTEGER NOT NULL,
      cached_count INTEGER NOT NULL,
      worst_case_usd REAL NOT NULL,
      reservation_id TEXT,
      created_at INTEGER NOT NULL,
      settled_at INTEGER,
      local INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS batches_output ON batches(output_file_id);
    CREATE INDEX IF NOT EXISTS batches_error ON batches(error_file_id);
    -- Files Tollgate serves itself (file-tollgate_…, file-out-tollgate_…) that their owner deleted.
    CREATE TABLE IF NOT EXISTS batch_deleted_files (
      file_id TEXT PRIMARY KEY,
      deleted_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS batch_results (
      batch_id TEXT NOT NULL,
      custom_id TEXT NOT NULL,
      call_id INTEGER NOT NULL,
      PRIMARY KEY (batch_id, custom_id)
    );
  `);
}

export interface StoredLine {
  customId: string;
  endpoint: string;
  model: string;
  cacheKey: string;
  inputTokens: number;
  maxOutput: number;
  cachedEntryId: number | null;
}

export interface BatchRow {
  id: string;
  provider: string;
  protocol: 'openai' | 'anthropic';
  keyFingerprint: string;
  namespace: string;
  tags: CallTags;
  inputId: string;
  outputFileId: string | null;
  errorFileId: string | null;
  status: string;
  requestCount: number;
  cachedCount: number;
  worstCaseUsd: number;
  reservationId: string | null;
  createdAt: number;
  settledAt: number | null;
  local: boolean;
}

/** A file Tollgate serves itself, as GET /v1/files lists it. */
export interface LocalFile {
  id: string;
  createdAt: number;
  purpose: 'batch' | 'batch_output';
}

interface RawBatch {
  id: string;
  provider: string;
  protocol: 'openai' | 'anthropic';
  key_fingerprint: string;
  namespace: string;
  team: string | null;
  feature: string | null;
  user: string | null;
  input_id: string;
  output_file_id: string | null;
  error_file_id: string | null;
  status: string;
  request_count: number;
  cached_count: number;
  worst_case_usd: number;
  reservation_id: string | null;
  created_at: number;
  settled_at: number | null;
  local: number;
}

function toBatch(r: RawBatch): BatchRow {
  const tags: CallTags = {};
  if (r.team) tags.team = r.team;
  if (r.feature) tags.feature = r.feature;
  if (r.user) tags.user = r.user;
  return {
    id: r.id,
    provider: r.provider,
    protocol: r.protocol,
    keyFingerprint: r.key_fingerprint,
    namespace: r.namespace,
    tags,
    inputId: r.input_id,
    outputFileId: r.output_file_id,
    errorFileId: r.error_file_id,
    status: r.status,
    requestCount: r.request_count,
    cachedCount: r.cached_count,
    worstCaseUsd: r.worst_case_usd,
    reservationId: r.reservation_id,
    createdAt: r.created_at,
    settledAt: r.settled_at,
    local: r.local === 1,
  };
}

// The files Tollgate serves itself (routes.ts localOutputId and uploadFile), not deleted; `_` escaped in LIKE.
const LOCAL_FILES = `SELECT id, createdAt, purpose FROM (
    SELECT id, created_at AS createdAt, 'batch' AS purpose, namespace AS owner FROM batch_inputs WHERE local = 1 AND id LIKE 'file-tollgate\\_%' ESCAPE '\\'
    UNION ALL
    SELECT output_file_id, created_at, 'batch_output', key_fingerprint FROM batches WHERE output_file_id LIKE 'file-out-tollgate\\_%' ESCAPE '\\'
  ) WHERE id NOT IN (SELECT file_id FROM batch_deleted_files)`;
/** Those of one key: inputs by its cache namespace, outputs by its fingerprint (parameters in that order). */
const OWNED_FILES = `${LOCAL_FILES} AND owner = CASE purpose WHEN 'batch' THEN ? ELSE ? END`;

export class BatchStore {
  constructor(private readonly db: Db) {
    migrateBatches(db);
  }

  saveInput(input: { id: string; provider: string; namespace: string; local: boolean }, lines: readonly StoredLine[]): void {
    const insertInput = this.db.prepare('INSERT OR REPLACE INTO batch_inputs (id, provider, namespace, created_at, local) VALUES (?, ?, ?, ?, ?)');
    const insertLine = this.db.prepare(
      'INSERT OR REPLACE INTO batch_lines (input_id, custom_id, endpoint, model, cache_key, input_tokens, max_output, cached_entry_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      insertInput.run(input.id, input.provider, input.namespace, Date.now(), input.local ? 1 : 0);
      for (const l of lines) insertLine.run(input.id, l.customId, l.endpoint, l.model, l.cacheKey, l.inputTokens, l.maxOutput, l.cachedEntryId);
    })();
  }

  input(id: string): { id: string; provider: string; namespace: string; local: boolean } | undefined {
    const r = this.db.prepare('SELECT id, provider, namespace, local FROM batch_inputs WHERE id = ?').get(id) as
      | { id: string; provider: string; namespace: string; local: number }
      | undefined;
    return r && { id: r.id, provider: r.provider, namespace: r.namespace, local: r.local === 1 };
  }

  lines(inputId: string): StoredLine[] {
    const rows = this.db
      .prepare('SELECT custom_id, endpoint, model, cache_key, input_tokens, max_output, cached_entry_id FROM batch_lines WHERE input_id = ? ORDER BY rowid')
      .all(inputId) as Array<{ custom_id: string; endpoint: string; model: string; cache_key: string; input_tokens: number; max_output: number; cached_entry_id: number | null }>;
    return rows.map((r) => ({
      customId: r.custom_id,
      endpoint: r.endpoint,
      model: r.model,
      cacheKey: r.cache_key,
      inputTokens: r.input_tokens,
      maxOutput: r.max_output,
      cachedEntryId: r.cached_entry_id,
    }));
  }

  saveBatch(b: BatchRow): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO batches (id, provider, protocol, key_fingerprint, namespace, team, feature, user, input_id, output_file_id, error_file_id,
           status, request_count, cached_count, worst_case_usd, reservation_id, created_at, settled_at, local)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        b.id, b.provider, b.protocol, b.keyFingerprint, b.namespace, b.tags.team ?? null, b.tags.feature ?? null, b.tags.user ?? null, b.inputId,
        b.outputFileId, b.errorFileId, b.status, b.requestCount, b.cachedCount, b.worstCaseUsd, b.reservationId, b.createdAt, b.settledAt, b.local ? 1 : 0,
      );
  }

  batch(id: string): BatchRow | undefined {
    const r = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as RawBatch | undefined;
    return r && toBatch(r);
  }

  /** The batch whose output or error file this is. */
  batchForFile(fileId: string): { batch: BatchRow; kind: 'output' | 'error' } | undefined {
    const r = this.db.prepare('SELECT * FROM batches WHERE output_file_id = ? OR error_file_id = ?').get(fileId, fileId) as RawBatch | undefined;
    if (!r) return undefined;
    return { batch: toBatch(r), kind: r.output_file_id === fileId ? 'output' : 'error' };
  }

  updateFromUpstream(id: string, fields: { status?: string; outputFileId?: string | null; errorFileId?: string | null }): void {
    this.db
      .prepare('UPDATE batches SET status = COALESCE(?, status), output_file_id = COALESCE(?, output_file_id), error_file_id = COALESCE(?, error_file_id) WHERE id = ?')
      .run(fields.status ?? null, fields.outputFileId ?? null, fields.errorFileId ?? null, id);
  }

  markSettled(id: string): void {
    this.db.prepare('UPDATE batches SET settled_at = ? WHERE id = ? AND settled_at IS NULL').run(Date.now(), id);
  }

  /**
   * The files Tollgate serves itself for one key, newest first, deleted ones left out: inputs the
   * cache answered whole (owned by the key's cache namespace) and output files of its own (by the key).
   */
  localFiles(namespace: string, keyFingerprint: string): LocalFile[] {
    return this.db.prepare(`${OWNED_FILES} ORDER BY createdAt DESC, id`).all(namespace, keyFingerprint) as LocalFile[];
  }

  /** One of the key's files of that list; undefined when there is none, it was deleted, or another key owns it. */
  localFile(fileId: string, namespace: string, keyFingerprint: string): LocalFile | undefined {
    return this.db.prepare(`${OWNED_FILES} AND id = ?`).get(namespace, keyFingerprint, fileId) as LocalFile | undefined;
  }

  deleteFile(fileId: string): void {
    this.db.prepare('INSERT OR IGNORE INTO batch_deleted_files (file_id, deleted_at) VALUES (?, ?)').run(fileId, Date.now());
  }

  /** Results of this batch already in the ledger. */
  recordedIds(batchId: string): Set<string> {
    const rows = this.db.prepare('SELECT custom_id FROM batch_results WHERE batch_id = ?').all(batchId) as Array<{ custom_id: string }>;
    return new Set(rows.map((r) => r.custom_id));
  }

  linkResult(batchId: string, customId: string, callId: number): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO batch_results (batch_id, custom_id, call_id) VALUES (?, ?, ?)').run(batchId, customId, callId).changes > 0;
  }

  /**
   * Ledger totals of a batch's recorded results (failed: results that did not succeed; tokens:
   * input + output of the results the provider ran — cache hits are free, as for real-time calls).
   */
  totals(batchId: string): { results: number; failed: number; costUsd: number; savedUsd: number; tokens: number } {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN c.status = 200 THEN 0 ELSE 1 END), 0) AS failed,
                COALESCE(SUM(c.cost_usd), 0) AS cost, COALESCE(SUM(c.saved_usd), 0) AS saved,
                COALESCE(SUM(CASE WHEN c.cache = 'miss' THEN c.input_tokens + c.output_tokens ELSE 0 END), 0) AS tokens
           FROM batch_results b JOIN calls c ON c.id = b.call_id WHERE b.batch_id = ?`,
      )
      .get(batchId) as { n: number; failed: number; cost: number; saved: number; tokens: number };
    return { results: r.n, failed: r.failed, costUsd: r.cost, savedUsd: r.saved, tokens: r.tokens };
  }

  list(limit = 50): BatchRow[] {
    return (this.db.prepare('SELECT * FROM batches ORDER BY created_at DESC LIMIT ?').all(limit) as RawBatch[]).map(toBatch);
  }
}
