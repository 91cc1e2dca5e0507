/**
 * In-memory mirror of the sign-bit vectors in the vec0 table, for the KNN step of a semantic
 * lookup. sqlite-vec stays the durable copy (inserts and deletes still go through it, so the file
 * format is unchanged); this mirror only answers "the k stored vectors nearest in Hamming distance
 * within one (width, bucket), in one namespace" with the WebAssembly popcount scan of hamming.ts:
 * ~0.4 ms per 100k rows where vec0's scan costs ~5–6 ms of CPU (docs/semantic-cache.md).
 *
 * All buckets of one vector width are loaded together, in entry-id order and in bounded chunks
 * (`loadStep`; the store yields to the event loop between chunks and answers from vec0's own KNN
 * until the width is complete), from the float vectors in `semantic_entries`, quantized by vec0's
 * `vec_quantize_binary` in SQL (reading the bits back out of the vec0 table was several times
 * slower per row). From the first chunk on it is kept in step by the store's own insert/delete
 * calls, whose bits `quantizeSign` computes identically. Changes committed by another connection
 * (another process on the same data directory) are noticed through SQLite's `data_version`: the
 * mirror then reads the rows above the highest entry id it has read from the table (`catchUp`;
 * ids are handed out in commit order, so nothing committed later sits below it) — another proxy
 * writing its ledger commits every call, and reloading every vector each time kept two proxies
 * reloading from scratch. A row another connection deleted stays here until the next full load
 * (`clear`, which the store does now and then): it is never returned, as below. A transaction of this connection that rolls back after an insert can leave an extra row
 * here until the next reload; candidates are always re-read from `semantic_entries`, so such a row
 * is never returned. Ties at equal distance resolve in row order.
 */
import { HammingRows } from './hamming';

/** Sign bits, least significant bit first: bit i of byte i/8 is set when x[i] > 0 (vec0's `vec_quantize_binary`). */
export function quantizeSign(vector: Float32Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(vector.length / 8));
  for (let i = 0; i < vector.length; i++) if (vector[i]! > 0) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

export interface BitRow {
  entryId: number;
  /** The (namespace, model) hash the vec0 table filters on. */
  ns: bigint;
  bits: Uint8Array;
}

class Bucket {
  private readonly rows: HammingRows;
  private readonly ids: number[] = [];
  /** Small integer per distinct ns hash (comparing numbers per row, not BigInts). */
  private readonly codes: number[] = [];
  private readonly codeOf = new Map<bigint, number>();
  /**
   * Per code, its ns hash and how many rows hold it. A namespace (an API key) whose last row leaves
   * gives its code back: a proxy up for weeks sees keys come and go, and one connection's mirror is
   * never rebuilt unless another process writes, so codes kept a map entry per key ever cached
   * (and made every bucket "mixed", comparing codes per row) long after its entries were gone.
   */
  private readonly nsOfCode: bigint[] = [];
  private readonly rowsOfCode: number[] = [];
  private readonly freeCodes: number[] = [];
  private readonly position = new Map<number, number>();
  private readonly histogram: Uint32Array;

  constructor(readonly bytes: number) {
    this.rows = new HammingRows(bytes);
    this.histogram = new Uint32Array(this.rows.rowBytes * 8 + 1);
  }

  add(row: BitRow): void {
    this.remove(row.entryId);
    let code = this.codeOf.get(row.ns);
    if (code === undefined) {
      code = this.freeCodes.pop() ?? this.nsOfCode.length;
      this.codeOf.set(row.ns, code);
      this.nsOfCode[code] = row.ns;
      this.rowsOfCode[code] = 0;
    }
    this.rowsOfCode[code]!++;
    const at = this.rows.push(row.bits);
    this.ids[at] = row.entryId;
    this.codes[at] = code;
    this.position.set(row.entryId, at);
  }

  /** Distinct namespaces with rows here (for tests: codes of namespaces that left are released). */
  get namespaces(): number {
    return this.codeOf.size;
  }

  remove(entryId: number): void {
    const at = this.position.get(entryId);
    if (at === undefined) return;
    this.position.delete(entryId);
    const code = this.codes[at]!;
    if (--this.rowsOfCode[code]! === 0) {
      this.codeOf.delete(this.nsOfCode[code]!);
      this.freeCodes.push(code);
    }
    const moved = this.rows.swapRemove(at);
    if (moved >= 0) {
      this.ids[at] = this.ids[moved]!;
      this.codes[at] = this.codes[moved]!;
      this.position.set(this.ids[at]!, at);
    }
    this.ids.length = this.rows.size;
    this.codes.length = this.rows.size;
  }

  /** Entry ids of the `k` rows of namespace `ns` nearest to `query`, nearest first. */
  nearest(ns: bigint, query: Uint8Array, k: number): number[] {
    const code = this.codeOf.get(ns);
    if (code === undefined || this.rows.size === 0) return [];
    const scanned = this.rows.scan(query);
    const distance = scanned.distance;
    const n = distance.length;
    const { codes } = this;
    // Most buckets hold one namespace: then the scan's own histogram counts exactly the rows that
    // may be returned, and no row needs its code compared.
    const mixed = this.codeOf.size > 1;
    let histogram = scanned.histogram;
    let matching = n;
    if (mixed) {
      histogram = this.histogram;
      histogram.fill(0);
      matching = 0;
      for (let r = 0; r < n; r++) {
        if (codes[r] === code) {
          histogram[distance[r]!]!++;
          matching++;
        }
      }
    }
    const want = Math.min(k, matching);
    if (want === 0) return [];
    // Largest distance still inside the top `want`, and how many rows at exactly that distance fit.
    let cutoff = 0;
    let below = 0;
    while (below + histogram[cutoff]! < want) below += histogram[cutoff++]!;
    let atCutoff = want - below;
    const picked: number[] = [];
    // Only rows at or below the cut-off (found in WebAssembly) are looked at here.
    for (const r of this.rows.within(cutoff)) {
      if (mixed && codes[r] !== code) continue;
      if (distance[r]! < cutoff || atCutoff-- > 0) {
        picked.push(r);
        if (picked.length === want) break;
      }
    }
    picked.sort((a, b) => distance[a]! - distance[b]! || a - b);
    return picked.map((r) => this.ids[r]!);
  }
}

/** Rows of one width with `entryId > after`, in entry-id order, at most `limit` of them. */
export type ChunkLoader = (dims: number, after: number, limit: number) => Array<BitRow & { bucket: bigint }>;

export class BitIndex {
  private readonly buckets = new Map<string, Bucket>();
  /** Vector widths whose buckets are all in memory. */
  private readonly loaded = new Set<number>();
  /**
   * Widths being loaded, and the largest entry id read so far. Rows at or below it are in memory;
   * rows above it are read by a later chunk. Inserts and deletes are mirrored as soon as loading
   * starts (an insert above the cursor is simply read again, replacing itself), so nothing written
   * during the load is lost.
   */
  private readonly cursor = new Map<number, number>();
  /** Entry id → the bucket holding it (for deletes, which know only the id). */
  private readonly home = new Map<number, Bucket>();
  /** Per width, the largest entry id read from the table (not from this connection's inserts). */
  private readonly readUpTo = new Map<number, number>();

  constructor(private readonly loadChunk: ChunkLoader) {}

  private bucket(dims: number, bucket: bigint, create: boolean): Bucket | undefined {
    const key = `${dims}:${bucket}`;
    let b = this.buckets.get(key);
    if (!b && create) {
      b = new Bucket(dims / 8);
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Reads the next `limit` rows of a width into memory (starting the load if it has not begun).
   * Returns whether the width is now complete. Each call is one bounded slice of work, so the
   * caller can yield to the event loop between calls.
   */
  loadStep(dims: number, limit: number): boolean {
    if (this.loaded.has(dims)) return true;
    const after = this.cursor.get(dims) ?? Number.MIN_SAFE_INTEGER;
    const rows = this.loadChunk(dims, after, limit);
    let last = after;
    for (const row of rows) {
      this.put(dims, row.bucket, row);
      if (row.entryId > last) last = row.entryId;
    }
    if (rows.length > 0) this.readUpTo.set(dims, Math.max(last, this.readUpTo.get(dims) ?? last));
    if (rows.length < limit) {
      this.cursor.delete(dims);
      this.loaded.add(dims);
      return true;
    }
    this.cursor.set(dims, last);
    return false;
  }

  private put(dims: number, bucket: bigint, row: BitRow): void {
    this.remove(row.entryId);
    const b = this.bucket(dims, bucket, true)!;
    b.add(row);
    this.home.set(row.entryId, b);
  }

  /** Whether the width is complete, so `nearest` answers for it. */
  isLoaded(dims: number): boolean {
    return this.loaded.has(dims);
  }

  /** Mirrors an insert (a no-op until the width starts loading: the load will read it). */
  add(dims: number, bucket: bigint, row: BitRow): void {
    if (this.loaded.has(dims) || this.cursor.has(dims)) this.put(dims, bucket, row);
  }

  remove(entryId: number): void {
    const b = this.home.get(entryId);
    if (!b) return;
    b.remove(entryId);
    this.home.delete(entryId);
  }

  /** The `k` nearest entry ids, nearest first; undefined while the width is not complete. */
  nearest(dims: number, bucket: bigint, ns: bigint, query: Uint8Array, k: number): number[] | undefined {
    if (!this.loaded.has(dims)) return undefined;
    return this.bucket(dims, bucket, false)?.nearest(ns, query, k) ?? [];
  }

  /**
   * Another connection committed: complete widths read on from the highest id read so far (its
   * inserts; what it deleted stays until the next `clear`). A width still loading goes on as it was.
   */
  catchUp(): void {
    for (const dims of this.loaded) {
      this.loaded.delete(dims);
      this.cursor.set(dims, this.readUpTo.get(dims) ?? Number.MIN_SAFE_INTEGER);
    }
  }

  /** Distinct (bucket, namespace) pairs that have rows in memory (for tests and diagnostics). */
  namespaceCount(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.namespaces;
    return n;
  }

  /** Forget everything; widths load again from the start. */
  clear(): void {
    this.buckets.clear();
    this.loaded.clear();
    this.cursor.clear();
    this.home.clear();
    this.readUpTo.clear();
  }
}
