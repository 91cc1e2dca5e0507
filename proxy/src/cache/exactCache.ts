/**
 * The exact cache: final response bodies keyed by the hash of the canonical request, stored in
 * SQLite. Only complete, successful responses are written (the caller guarantees it), in a single
 * statement, so a half-written entry can never be read; of those, answers no cache may keep
 * (storable.ts: empty, filtered, refused, a cut tool call) are refused here, whoever writes, and
 * an entry stores the rules' edition it passed (`checked_under`), so a hit walks the answer again
 * only for an entry an earlier version stored (nullable: an earlier version still writes it).
 */
import { ensureAutoincrementTable } from '../db/autoincrement';
import type { Db } from '../db/open';
import type { NormalizedUsage } from '../providers/types';
import { STORABLE_RULES, unstorableReason } from './storable';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/**
 * When server-side state an answer names stops existing (ms), if it names any: an OpenAI audio
 * answer's `audio.expires_at` (Unix seconds), after which the audio id a follow-up turn sends back
 * to refer to it is unknown to the provider. A replay after that would hand out a dead id, so the
 * entry expires with it.
 */
function stateExpiresAt(body: Obj): number | undefined {
  let at: number | undefined;
  for (const c of Array.isArray(body.choices) ? body.choices : []) {
    const expires = asObj(asObj(asObj(c)?.message)?.audio)?.expires_at;
    if (typeof expires === 'number' && Number.isFinite(expires)) at = Math.min(at ?? Number.POSITIVE_INFINITY, expires * 1000);
  }
  return at;
}

/**
 * Thrown by `put` for an answer no cache may keep (storable.ts), before anything is written: a
 * caller writing the entry in a transaction with its ledger row rolls back and writes the row alone.
 */
export class UnstorableAnswer extends Error {
  constructor(readonly reason: string) {
    super(`${reason}; a retry may be answered differently`);
    this.name = 'UnstorableAnswer';
  }
}

/** What `put` wrote: the new entry, and the entry it replaced under the same key (a refresh). */
export interface StoredEntry {
  id: number;
  replacedId: number | undefined;
}

export interface CacheEntry {
  id: number;
  key: string;
  namespace: string;
  endpoint: string;
  provider: string;
  model: string;
  createdAt: number;
  expiresAt: number;
  hits: number;
  body: Record<string, unknown>;
  /** `body` as stored (the upstream's JSON as relayed): a JSON hit is sent as is, not serialised again. */
  bodyText: string;
  usage: NormalizedUsage;
  costUsd: number;
  prompt: string | null;
}

interface Row {
  id: number;
  key: string;
  namespace: string;
  endpoint: string;
  provider: string;
  model: string;
  created_at: number;
  expires_at: number;
  hits: number;
  body: string;
  usage: string;
  cost_usd: number;
  prompt: string | null;
  checked_under: number | null;
}

/** The table's columns; `id` is AUTOINCREMENT so an id is never handed out twice (see `migrateExactCache`). */
function cacheEntriesDdl(table: string, ifNotExists = false): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${table} (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      key TEXT NOT NULL UNIQUE,
      namespace TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      last_hit_at INTEGER,
      hits INTEGER NOT NULL DEFAULT 0,
      body TEXT NOT NULL,
      usage TEXT NOT NULL,
      cost_usd REAL NOT NULL,
      prompt TEXT,
      checked_under INTEGER
    )`;
}

const CACHE_ENTRY_COLUMNS = 'id, key, namespace, endpoint, provider, model, created_at, expires_at, last_hit_at, hits, body, usage, cost_usd, prompt';

// cache_entries_lru: eviction's order (without it a full cache sorted every stored answer every 256
// writes). No namespace index (older files drop it): a page in every stored miss's commit, for a rare clear.
const CACHE_ENTRY_INDEXES = `
    DROP INDEX IF EXISTS cache_entries_namespace;
    CREATE INDEX IF NOT EXISTS cache_entries_expires ON cache_entries(expires_at);
    CREATE INDEX IF NOT EXISTS cache_entries_lru ON cache_entries(COALESCE(last_hit_at, created_at));`;

/**
 * Where an entry id is kept after its entry may be gone: the semantic index (row ids of
 * semantic_entries and its vec0 tables), the semantic hit log (feedback: `featureOfEntry`,
 * `onEvict`, POST /tollgate/cache/feedback) and the ledger (a hit's `sourceEntryId`).
 */
const ENTRY_ID_REFERENCES: ReadonlyArray<[table: string, column: string]> = [
  ['semantic_entries', 'entry_id'],
  ['semantic_hits', 'entry_id'],
  ['calls', 'source_entry_id'],
];

/**
 * Entry ids are never reused (db/autoincrement.ts): feedback, the semantic index and the ledger
 * keep an entry's id after the entry is cleared, expired or evicted, and take it to mean that entry;
 * a reused id made a report on an old hit evict a new, unrelated answer and "answered from" show the
 * wrong prompt. Older databases are rebuilt once with their ids, so semantic_entries, the vec0
 * tables, semantic_hits and the ledger still point at the same entries.
 */
export function migrateExactCache(db: Db): void {
  ensureAutoincrementTable(db, { name: 'cache_entries', ddl: cacheEntriesDdl, columns: CACHE_ENTRY_COLUMNS, indexes: CACHE_ENTRY_INDEXES, idReferences: ENTRY_ID_REFERENCES });
  if (!db.prepare("SELECT 1 FROM pragma_table_info('cache_entries') WHERE name = 'checked_under'").get()) db.exec('ALTER TABLE cache_entries ADD COLUMN checked_under INTEGER');
}

export interface CacheBodyCodec {
  encode(plain: string): string;
  decode(stored: string): string;
}

/** How long a hit's count may wait in memory before it is written. */
export const HIT_FLUSH_MS = 1000;

const identity: CacheBodyCodec = { encode: (s) => s, decode: (s) => s };

export class ExactCache {
  private readonly getStmt;
  private readonly getByIdStmt;
  private readonly hitStmt;
  private readonly putStmt;
  private readonly idByKeyStmt;
  private readonly countStmt;
  private readonly evictStmt;
  private readonly expireStmt;
  private readonly deleteStmt;
  private readonly checkedStmt;
  private readonly clearNsStmt;
  private readonly clearAllStmt;
  private writesSinceEvict = 0;
  /** Hits not yet written: entry id → count and last hit time (see `markHit`). */
  private readonly pendingHits = new Map<number, { n: number; at: number }>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly codec: CacheBodyCodec = identity,
    private readonly now: () => number = Date.now,
  ) {
    migrateExactCache(db);
    this.getStmt = db.prepare(`SELECT ${CACHE_ENTRY_COLUMNS.replace('prompt', 'NULL AS prompt')}, checked_under FROM cache_entries WHERE key = ? AND expires_at > ?`);
    this.getByIdStmt = db.prepare('SELECT * FROM cache_entries WHERE id = ?');
    this.hitStmt = db.prepare('UPDATE cache_entries SET hits = hits + ?, last_hit_at = MAX(COALESCE(last_hit_at, 0), ?) WHERE id = ?');
    // A new answer under a key already stored (a `no-cache` refresh, two identical misses) replaces
    // the old row with a new one and so a new id: feedback on a hit of the old answer, its vector
    // and the ledger's "answered from" must never reach the new answer, nor its hit count carry over.
    this.putStmt = db.prepare(`
      INSERT OR REPLACE INTO cache_entries (key, namespace, endpoint, provider, model, created_at, expires_at, body, usage, cost_usd, prompt, checked_under)
      VALUES (@key, @namespace, @endpoint, @provider, @model, @createdAt, @expiresAt, @body, @usage, @costUsd, @prompt, @checkedUnder)
      RETURNING id`);
    this.idByKeyStmt = db.prepare('SELECT id FROM cache_entries WHERE key = ?');
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM cache_entries');
    this.evictStmt = db.prepare('DELETE FROM cache_entries WHERE id IN (SELECT id FROM cache_entries ORDER BY COALESCE(last_hit_at, created_at) ASC LIMIT ?)');
    this.expireStmt = db.prepare('DELETE FROM cache_entries WHERE expires_at <= ?');
    this.deleteStmt = db.prepare('DELETE FROM cache_entries WHERE id = ?');
    this.checkedStmt = db.prepare('UPDATE cache_entries SET checked_under = ? WHERE id = ?');
    this.clearNsStmt = db.prepare('DELETE FROM cache_entries WHERE namespace = ?');
    this.clearAllStmt = db.prepare('DELETE FROM cache_entries');
  }

  /** The entry a hit replays, without its stored prompt (`prompt` null): a hit never shows it, and a long one is read and decoded for nothing. */
  get(key: string): CacheEntry | undefined {
    return this.readable(this.getStmt.get(key, this.now()) as Row | undefined);
  }

  getById(id: number): CacheEntry | undefined {
    return this.readable(this.getByIdStmt.get(id) as Row | undefined);
  }

  /**
   * A row that cannot be decoded (written with another cache key, or without encryption) is a
   * miss, and is deleted so it is answered afresh and rewritten; so is an answer no cache may keep
   * (storable.ts) that an earlier version stored. One that passes is marked, not walked again.
   */
  private readable(row: Row | undefined): CacheEntry | undefined {
    if (!row) return undefined;
    let entry: CacheEntry | undefined;
    try {
      entry = this.toEntry(row);
    } catch {
      // Undecodable (another cache key, or none): dropped below like an answer no cache may keep.
    }
    if (entry && (row.checked_under ?? 0) >= STORABLE_RULES) return entry;
    if (entry && unstorableReason(entry.endpoint, entry.body) !== undefined) entry = undefined;
    try {
      if (entry) this.checkedStmt.run(STORABLE_RULES, row.id);
      else this.deleteStmt.run(row.id);
    } catch {
      // A file that has become read-only (a newer format seen, the file replaced) serves or misses alike; the row is checked again next time.
    }
    return entry;
  }

  /**
   * Counts a hit. The UPDATE (hit count, last use for LRU eviction) is statistics, not the call's
   * record — the ledger row is — so it is batched off the hit path: written within
   * `HIT_FLUSH_MS`, before any eviction, and at shutdown (`flushHits`). A `kill -9` loses at most
   * that window's counts, never a ledger row.
   */
  markHit(id: number): void {
    const at = this.now();
    const p = this.pendingHits.get(id);
    if (p) {
      p.n++;
      p.at = at;
    } else {
      this.pendingHits.set(id, { n: 1, at });
    }
    this.flushTimer ??= setTimeout(() => this.flushHits(), HIT_FLUSH_MS).unref();
  }

  /** Writes the batched hit counts in one transaction. */
  flushHits(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingHits.size === 0 || !this.db.open) return;
    const batch = [...this.pendingHits];
    this.pendingHits.clear();
    try {
      this.db.transaction(() => {
        for (const [id, p] of batch) this.hitStmt.run(p.n, p.at, id);
      })();
    } catch {
      // A busy, full or read-only file drops this batch of counts (statistics), never the process nor the stop (start.ts) that closes the ledger after it.
    }
  }

  /**
   * Stores an entry. `bodyText`, when given, is `body` already serialised (the upstream's JSON as
   * relayed): it is stored as is instead of serialising the parsed body again. Throws
   * `UnstorableAnswer` for an answer no cache may keep (see `unstorableReason` to check first).
   * Returns the new entry's id and the id of the entry it replaced under the same key, if any (its
   * semantic vector must go with it).
   */
  put(e: Omit<CacheEntry, 'id' | 'hits' | 'createdAt' | 'expiresAt' | 'bodyText'> & { ttlSeconds: number; bodyText?: string }, maxEntries: number): StoredEntry {
    const unstorable = unstorableReason(e.endpoint, e.body);
    if (unstorable !== undefined) throw new UnstorableAnswer(unstorable);
    const replaced = this.idByKeyStmt.get(e.key) as { id: number } | undefined;
    const createdAt = this.now();
    const row = this.putStmt.get({
      key: e.key,
      namespace: e.namespace,
      endpoint: e.endpoint,
      provider: e.provider,
      model: e.model,
      createdAt,
      expiresAt: Math.min(createdAt + e.ttlSeconds * 1000, stateExpiresAt(e.body) ?? Number.POSITIVE_INFINITY),
      body: this.codec.encode(e.bodyText ?? JSON.stringify(e.body)),
      usage: JSON.stringify(e.usage),
      costUsd: e.costUsd,
      prompt: e.prompt === null ? null : this.codec.encode(e.prompt),
      checkedUnder: STORABLE_RULES,
    }) as { id: number };
    // Amortise housekeeping: expire and trim every 256 writes, not on every call.
    if (++this.writesSinceEvict >= 256) {
      this.writesSinceEvict = 0;
      this.housekeep(maxEntries);
    }
    return { id: row.id, replacedId: replaced?.id };
  }

  /** Drop expired entries and the least recently used ones beyond `maxEntries`; returns the removed count. */
  housekeep(maxEntries: number): number {
    this.flushHits(); // eviction orders by last use
    let removed = this.expireStmt.run(this.now()).changes;
    const n = (this.countStmt.get() as { n: number }).n;
    if (n > maxEntries) removed += this.evictStmt.run(n - maxEntries).changes;
    return removed;
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  /** Ids of the entries there now: of one namespace, only the expired ones, or all (what `clear` would remove). */
  idsOf(selection: { namespace?: string; expired?: boolean } = {}): number[] {
    if (selection.expired) return this.db.prepare('SELECT id FROM cache_entries WHERE expires_at <= ?').pluck().all(this.now()) as number[];
    if (selection.namespace !== undefined) return this.db.prepare('SELECT id FROM cache_entries WHERE namespace = ?').pluck().all(selection.namespace) as number[];
    return this.db.prepare('SELECT id FROM cache_entries').pluck().all() as number[];
  }

  clear(namespace?: string): number {
    return namespace ? this.clearNsStmt.run(namespace).changes : this.clearAllStmt.run().changes;
  }

  count(): number {
    return (this.countStmt.get() as { n: number }).n;
  }

  private toEntry(row: Row): CacheEntry {
    const bodyText = this.codec.decode(row.body);
    return {
      id: row.id,
      key: row.key,
      namespace: row.namespace,
      endpoint: row.endpoint,
      provider: row.provider,
      model: row.model,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      hits: row.hits,
      body: JSON.parse(bodyText) as Record<string, unknown>,
      bodyText,
      usage: JSON.parse(row.usage) as NormalizedUsage,
      costUsd: row.cost_usd,
      prompt: row.prompt === null ? null : this.codec.decode(row.prompt),
    };
  }
}
