/**
 * Vector store for the semantic cache: sqlite-vec (vec0) in the same database as the exact cache.
 *
 * Layout, chosen by measurement (docs/semantic-cache.md, bench/sections/semantic.bench.ts):
 * - One vec0 table per vector width (`semantic_vec_<dims>`): a vec0 column has a fixed width, and
 *   vectors of different models never mix anyway.
 * - The indexed vector is the 1-bit (sign) quantization: a Hamming scan of 100k entries costs a
 *   few ms where float (or int8) costs 30+ ms. Bits alone rank poorly, so the top `candidates` by
 *   Hamming distance are rescored with the exact float cosine, kept in `semantic_entries` beside
 *   the text and expiry.
 * - Namespaces: a 64-bit hash of (namespace, model id) is a vec0 metadata column that the KNN scan
 *   filters on, inside a partition key of 64 hash buckets. A partition per namespace would be
 *   faster to scan but vec0 allocates a whole chunk per partition, and most namespaces (one per
 *   conversation prefix) hold one or two entries: 100k single-entry namespaces would cost ~100 KB
 *   each. With 64 buckets the fixed cost is bounded (64 chunks) and a lookup scans its bucket only;
 *   the worst case — every entry in one namespace — scans everything, as it must.
 * - The KNN itself runs on an in-memory mirror of a bucket's bit vectors (bitIndex.ts: a
 *   WebAssembly popcount scan, ~0.4 ms per 100k rows where vec0's own scan costs ~5–6 ms); vec0
 *   stays the durable copy that inserts and deletes go through and that the mirror loads from.
 *   The mirror loads in chunks between other work (`warm`); until it is complete a lookup runs
 *   vec0's KNN instead, which ranks the same bits by the same distance.
 * Row ids are the exact cache's entry ids (BigInt for vec0, which takes only integer rowids).
 */
import { createHash } from 'node:crypto';
import type { Db, Statement } from '../../db/open';
import { StatementCache } from '../../db/statementCache';
import { BitIndex, type BitRow, quantizeSign } from './bitIndex';
import { vectorBlob } from './quality/confusions';
import { dot } from '../../embedding/vector';

export interface SemanticInsert {
  /** Id of the exact-cache entry holding the response (its rowid). */
  entryId: number;
  namespace: string;
  modelId: string;
  /** L2-normalised embedding of the prompt text. */
  vector: Float32Array;
  text: string;
  /** Epoch ms after which the entry is never returned. */
  expiresAt: number;
}

export interface SemanticSearch {
  namespace: string;
  modelId: string;
  vector: Float32Array;
  /** How many results (best first). Default 1. */
  k?: number;
  /** Epoch ms used for expiry; default Date.now(). */
  now?: number;
}

export interface SemanticCandidate {
  entryId: number;
  /** Exact cosine similarity (dot product of normalised float vectors). */
  similarity: number;
  text: string;
}

export interface SemanticStoreOptions {
  /** Hamming-ranked candidates rescored with float cosine per search. Default 16 (see the bench). */
  candidates?: number;
  /** vec0 chunk_size. Default 1024. */
  chunkSize?: number;
  /**
   * Where the Hamming KNN runs: `mirror` (default), the in-memory WebAssembly scan of bitIndex.ts;
   * `vec0`, sqlite-vec's own KNN query (the previous path; kept as the reference for tests and
   * the bench). Both rank the same bit vectors by the same distance.
   */
  knn?: 'mirror' | 'vec0';
  /**
   * Rows the mirror reads per event-loop turn while it loads. Default 128: a few ms per chunk on
   * the reference host, where loading 100k rows in one go blocked the event loop for seconds.
   */
  warmChunkRows?: number;
  /** Encrypts the stored prompt text at rest (TOLLGATE_CACHE_KEY), like the exact cache's bodies. */
  textCodec?: { encode(plain: string): string; decode(stored: string): string };
}

interface EntryRow {
  entry_id: number;
  text: string;
  vector: Buffer;
  expires_at: number;
}

const BUCKETS = 64;

/** Signed 64-bit hash of a (namespace, model) pair, and the partition bucket derived from it. */
export function partitionKey(namespace: string, modelId: string): { bucket: bigint; ns: bigint } {
  const h = createHash('sha256').update(namespace).update('\u0000').update(modelId).digest();
  return { bucket: BigInt(h.readUInt16BE(8) % BUCKETS), ns: h.readBigInt64BE(0) };
}

/** The KNN mirror of one connection, and SQLite's data_version when it was last known current. */
interface Mirror {
  bits: BitIndex;
  dataVersion?: number;
  /** When the mirror last started loading whole (wall clock, ms). */
  fullLoadAt?: number;
  /** Widths to load (every width a lookup or `warm` asked for). */
  wanted: Set<number>;
  /** The background load in progress (one per connection), settled when every wanted width is complete. */
  loading?: Promise<void>;
}

const mirrors = new WeakMap<Db, Mirror>();

/** How often, at most, another connection's commits make the mirror load whole again (else it reads only their new rows). */
const FULL_RELOAD_MS = 15 * 60_000;

/**
 * One chunk of one width as the mirror needs it: the sign bits of the stored float vector
 * (quantized by vec0 in SQL, as on insert; only 64 bytes per row cross into JS) and the partition
 * key, hashed once per (namespace, model) within the chunk. Entry-id order, so the next chunk
 * starts after the last id read (the primary key makes that a range scan, not a skip).
 */
function loadChunk(db: Db, dims: number, after: number, limit: number): Array<BitRow & { bucket: bigint }> {
  const keys = new Map<string, { bucket: bigint; ns: bigint }>();
  const rows = db
    .prepare(
      'SELECT entry_id, namespace, model_id, vec_quantize_binary(vec_f32(vector)) AS bits FROM semantic_entries WHERE dims = ? AND entry_id > ? ORDER BY entry_id LIMIT ?',
    )
    .all(dims, after, limit) as Array<{ entry_id: number; namespace: string; model_id: string; bits: Buffer }>;
  return rows.map((r) => {
    const id = `${r.model_id}\u0000${r.namespace}`;
    let key = keys.get(id);
    if (!key) {
      key = partitionKey(r.namespace, r.model_id);
      keys.set(id, key);
    }
    return { entryId: r.entry_id, ns: key.ns, bucket: key.bucket, bits: r.bits }; // copied into the scanner's memory, never kept
  });
}

/** Lets the event loop run (I/O, timers, other requests) before the next chunk. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SemanticStore {
  private readonly candidates: number;
  private readonly chunkSize: number;
  private readonly textCodec: NonNullable<SemanticStoreOptions['textCodec']> | undefined;
  private readonly vecTables = new Set<number>();
  private readonly knn: 'mirror' | 'vec0';
  private readonly warmChunkRows: number;
  /** Shared by every store on this connection, so a write through one is seen by all. */
  private readonly mirror: Mirror;

  /** Prepared statements by SQL text (compiling one costs more than running it). */
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Db,
    opts: SemanticStoreOptions = {},
  ) {
    this.statements = new StatementCache(db);
    this.candidates = Math.max(1, opts.candidates ?? 16);
    this.chunkSize = Math.max(8, opts.chunkSize ?? 1024);
    this.textCodec = opts.textCodec;
    this.knn = opts.knn ?? 'mirror';
    this.warmChunkRows = Math.max(1, Math.floor(opts.warmChunkRows ?? 128));
    let mirror = mirrors.get(db);
    if (!mirror) {
      mirror = { bits: new BitIndex((dims, after, limit) => loadChunk(db, dims, after, limit)), wanted: new Set() };
      mirrors.set(db, mirror);
    }
    this.mirror = mirror;
  }

  private get bits(): BitIndex {
    return this.mirror.bits;
  }

  /**
   * Starts filling the KNN mirror (every vector width present) instead of on the first lookup: a
   * read of every entry, ~2–4 s of CPU per 100k entries on the reference host, done in chunks of
   * `warmChunkRows` with a turn of the event loop between them. Lookups use vec0's KNN (same bits,
   * same distance) until a width is complete. Resolves when the mirror is complete, or when the
   * load stopped because the database closed; never rejects.
   */
  warm(): Promise<void> {
    for (const dims of this.vecTables) this.mirror.wanted.add(dims);
    return this.loadInBackground();
  }

  /** Whether every width asked for so far is in the mirror (lookups answer from it). */
  mirrorComplete(): boolean {
    if (this.db.open) this.syncMirror();
    for (const dims of this.mirror.wanted) if (!this.bits.isLoaded(dims)) return false;
    return true;
  }

  /**
   * The connection's one background load: a chunk per event-loop turn until every wanted width is
   * complete. A commit by another connection sends the mirror back to reading its new rows (or,
   * now and then, everything: syncMirror), so what it holds is current; this connection's own
   * writes are mirrored as they happen.
   */
  private loadInBackground(): Promise<void> {
    const m = this.mirror;
    if (m.loading) return m.loading;
    const run = async (): Promise<void> => {
      try {
        for (;;) {
          await nextTurn();
          if (!this.db.open) return;
          this.syncMirror();
          const dims = [...m.wanted].find((d) => !m.bits.isLoaded(d));
          if (dims === undefined) return;
          m.bits.loadStep(dims, this.warmChunkRows);
        }
      } catch {
        // Closed mid-chunk or a table dropped: lookups keep using vec0, and the next one starts a new load.
      } finally {
        m.loading = undefined;
      }
    };
    m.loading = run();
    return m.loading;
  }

  /**
   * When another connection has committed since we last looked, reads its new rows into the mirror;
   * at most every FULL_RELOAD_MS, the mirror is read again whole instead, so the rows it deleted
   * (evictions, expiry of another proxy) do not pile up as candidates that are never returned.
   */
  private syncMirror(): void {
    const version = Number(this.stmt('PRAGMA data_version').pluck().get());
    if (this.mirror.dataVersion !== undefined && version !== this.mirror.dataVersion) {
      const now = Date.now();
      if (now - (this.mirror.fullLoadAt ?? now) >= FULL_RELOAD_MS || now < (this.mirror.fullLoadAt ?? now)) {
        this.bits.clear();
        this.mirror.fullLoadAt = now;
      } else {
        this.bits.catchUp();
      }
    }
    this.mirror.fullLoadAt ??= Date.now();
    this.mirror.dataVersion = version;
  }

  private stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  migrate(): void {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS semantic_entries (
        entry_id INTEGER PRIMARY KEY,
        namespace TEXT NOT NULL,
        model_id TEXT NOT NULL,
        dims INTEGER NOT NULL,
        text TEXT NOT NULL,
        vector BLOB NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS semantic_entries_namespace ON semantic_entries(namespace);
      CREATE INDEX IF NOT EXISTS semantic_entries_expires ON semantic_entries(expires_at);
      CREATE INDEX IF NOT EXISTS semantic_entries_lru ON semantic_entries(last_used_at);
    `);
    const rows = this.stmt('SELECT DISTINCT dims FROM semantic_entries').all() as Array<{ dims: number }>;
    for (const r of rows) this.ensureVecTable(r.dims);
  }

  private vecTable(dims: number): string {
    if (!Number.isInteger(dims) || dims <= 0 || dims % 8 !== 0) throw new Error(`unsupported vector width ${dims} (must be a positive multiple of 8)`);
    return `semantic_vec_${dims}`;
  }

  private ensureVecTable(dims: number): string {
    const name = this.vecTable(dims);
    if (!this.vecTables.has(dims)) {
      this.db.exec(
        `CREATE VIRTUAL TABLE IF NOT EXISTS ${name} USING vec0(bucket INTEGER PARTITION KEY, ns INTEGER, embedding bit[${dims}], chunk_size=${this.chunkSize})`,
      );
      this.vecTables.add(dims);
    }
    return name;
  }

  /** Add (or replace) the vector for an exact-cache entry. */
  insert(e: SemanticInsert): void {
    const dims = e.vector.length;
    const table = this.ensureVecTable(dims);
    const { bucket, ns } = partitionKey(e.namespace, e.modelId);
    const now = Date.now();
    this.db.transaction(() => {
      this.deleteOne(e.entryId);
      this.stmt(
        `INSERT INTO semantic_entries (entry_id, namespace, model_id, dims, text, vector, expires_at, created_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(e.entryId, e.namespace, e.modelId, dims, this.textCodec ? this.textCodec.encode(e.text) : e.text, vectorBlob(e.vector), Math.floor(e.expiresAt), now, now);
      this.stmt(`INSERT INTO ${table} (rowid, bucket, ns, embedding) VALUES (?, ?, ?, vec_quantize_binary(vec_f32(?)))`).run(
        BigInt(e.entryId),
        bucket,
        ns,
        vectorBlob(e.vector),
      );
      this.bits.add(dims, bucket, { entryId: e.entryId, ns, bits: quantizeSign(e.vector) });
    })();
  }

  /** Nearest unexpired entries in the same namespace and model, best first, by exact cosine. */
  search(q: SemanticSearch): SemanticCandidate[] {
    const dims = q.vector.length;
    if (!this.vecTables.has(dims)) return [];
    const k = Math.max(1, q.k ?? 1);
    const now = q.now ?? Date.now();
    const { bucket, ns } = partitionKey(q.namespace, q.modelId);
    const n = Math.max(this.candidates, k);
    const ids = this.knn === 'vec0' ? this.vec0Nearest(dims, bucket, ns, q.vector, n) : this.mirrorNearest(dims, bucket, ns, q.vector, n);
    if (ids.length === 0) return [];
    // The 64-bit hash already separates namespaces and models; comparing the stored strings too
    // makes a hash collision harmless.
    const rows = this.stmt(
      `SELECT entry_id, text, vector, expires_at FROM semantic_entries
       WHERE entry_id IN (SELECT value FROM json_each(?)) AND namespace = ? AND model_id = ? AND expires_at > ?`,
    ).all(JSON.stringify(ids), q.namespace, q.modelId, now) as EntryRow[];
    return rows
      .map((r) => ({ entryId: r.entry_id, similarity: dot(q.vector, new Float32Array(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength / 4)), text: this.plainText(r.text) }))
      .filter((c): c is SemanticCandidate => c.text !== undefined)
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }

  private mirrorNearest(dims: number, bucket: bigint, ns: bigint, vector: Float32Array, n: number): number[] {
    this.syncMirror();
    const ids = this.bits.nearest(dims, bucket, ns, quantizeSign(vector), n);
    if (ids) return ids;
    // Not complete yet: load it in the background and answer as before the mirror existed.
    this.mirror.wanted.add(dims);
    void this.loadInBackground();
    return this.vec0Nearest(dims, bucket, ns, vector, n);
  }

  private vec0Nearest(dims: number, bucket: bigint, ns: bigint, vector: Float32Array, n: number): number[] {
    const ids = this.stmt(`SELECT rowid FROM ${this.vecTable(dims)} WHERE embedding MATCH vec_quantize_binary(vec_f32(?)) AND k = ? AND bucket = ? AND ns = ?`)
      .pluck()
      .all(vectorBlob(vector), n, bucket, ns) as Array<number | bigint>;
    return ids.map(Number);
  }

  /** Stored text → plain text; undefined when it was written with another key (never a hit then). */
  private plainText(stored: string): string | undefined {
    if (!this.textCodec) return stored;
    try {
      return this.textCodec.decode(stored);
    } catch {
      return undefined;
    }
  }

  /** Record a hit, so eviction keeps entries that are still being used. */
  touch(entryId: number, now = Date.now()): void {
    this.stmt('UPDATE semantic_entries SET last_used_at = ? WHERE entry_id = ?').run(now, entryId);
  }

  private deleteOne(entryId: number): boolean {
    const row = this.stmt('SELECT dims FROM semantic_entries WHERE entry_id = ?').get(entryId) as { dims: number } | undefined;
    if (!row) return false;
    this.stmt(`DELETE FROM ${this.ensureVecTable(row.dims)} WHERE rowid = ?`).run(BigInt(entryId));
    this.bits.remove(entryId);
    this.stmt('DELETE FROM semantic_entries WHERE entry_id = ?').run(entryId);
    return true;
  }

  delete(entryId: number): boolean {
    return this.db.transaction(() => this.deleteOne(entryId))();
  }

  /** Delete the entries a `SELECT entry_id, dims … WHERE <where>` finds, from both tables. */
  private deleteWhere(where: string, ...params: unknown[]): number {
    return this.db.transaction(() => {
      const rows = this.stmt(`SELECT entry_id, dims FROM semantic_entries WHERE ${where}`).all(...params) as Array<{ entry_id: number; dims: number }>;
      const delEntry = this.stmt('DELETE FROM semantic_entries WHERE entry_id = ?');
      for (const r of rows) {
        this.stmt(`DELETE FROM ${this.ensureVecTable(r.dims)} WHERE rowid = ?`).run(BigInt(r.entry_id));
        this.bits.remove(r.entry_id);
        delEntry.run(r.entry_id);
      }
      return rows.length;
    })();
  }

  /** Remove every entry of a namespace (all models). Returns how many were removed. */
  clearNamespace(namespace: string): number {
    return this.deleteWhere('namespace = ?', namespace);
  }

  /** Remove expired entries. */
  purgeExpired(now = Date.now()): number {
    return this.deleteWhere('expires_at <= ?', now);
  }

  count(): number {
    return (this.stmt('SELECT count(*) FROM semantic_entries').pluck().get() as number) ?? 0;
  }

  /** Drop expired entries, then the least recently used ones, until at most `maxEntries` remain. */
  evictToMax(maxEntries: number, now = Date.now()): number {
    let removed = this.purgeExpired(now);
    const excess = this.count() - Math.max(0, maxEntries);
    if (excess > 0) {
      removed += this.deleteWhere(
        'entry_id IN (SELECT entry_id FROM semantic_entries ORDER BY last_used_at ASC, entry_id ASC LIMIT ?)',
        excess,
      );
    }
    return removed;
  }
}
