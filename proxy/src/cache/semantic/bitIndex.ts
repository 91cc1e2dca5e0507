/**
 * In-memory mirror of the sign-bit vectors in the vec0 table, for the KNN step of a semantic
 * lookup. sqlite-vec stays the durable copy (inserts and deletes still go through it, so the file
 * format is unchanged); this mirror only answers "the k stored vectors nearest in Hamming distance
 * within one (width, bucket), in one namespace" with the WebAssembly popcount scan of hamming.ts:
 * ~0.4 ms per 100k rows where vec0's scan costs ~5–6 ms of CPU (docs/semantic-cache.md).
 *
 * A bucket is loaded from vec0 on its first search and then kept in step by the store's own
 * insert/delete calls. Changes committed by another connection (another process on the same data
 * directory) are noticed through SQLite's `data_version` and drop the mirror, which reloads
 * lazily. A transaction of this connection that rolls back after an insert can leave an extra row
 * here until the next reload; candidates are always re-read from `semantic_entries`, so such a row
 * is never returned. Ties at equal distance resolve in row order.
 */
import { HammingRows } from './hamming';

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
  private readonly position = new Map<number, number>();
  private readonly histogram: Uint32Array;

  constructor(readonly bytes: number) {
    this.rows = new HammingRows(bytes);
    this.histogram = new Uint32Array(this.rows.rowBytes * 8 + 1);
  }

  has(entryId: number): boolean {
    return this.position.has(entryId);
  }

  add(row: BitRow): void {
    this.remove(row.entryId);
    let code = this.codeOf.get(row.ns);
    if (code === undefined) {
      code = this.codeOf.size;
      this.codeOf.set(row.ns, code);
    }
    const at = this.rows.push(row.bits);
    this.ids[at] = row.entryId;
    this.codes[at] = code;
    this.position.set(row.entryId, at);
  }

  remove(entryId: number): void {
    const at = this.position.get(entryId);
    if (at === undefined) return;
    this.position.delete(entryId);
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
    const distance = this.rows.distances(query);
    const { codes, histogram } = this;
    histogram.fill(0);
    let matching = 0;
    for (let r = 0; r < distance.length; r++) {
      if (codes[r] === code) {
        histogram[distance[r]!]!++;
        matching++;
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
    for (let r = 0; r < distance.length && picked.length < want; r++) {
      if (codes[r] !== code) continue;
      const d = distance[r]!;
      if (d < cutoff || (d === cutoff && atCutoff-- > 0)) picked.push(r);
    }
    picked.sort((a, b) => distance[a]! - distance[b]! || a - b);
    return picked.map((r) => this.ids[r]!);
  }
}

export class BitIndex {
  private readonly buckets = new Map<string, Bucket>();
  /** Entry id → the loaded bucket holding it (for deletes, which know only the id). */
  private readonly home = new Map<number, Bucket>();

  constructor(private readonly load: (dims: number, bucket: bigint) => BitRow[]) {}

  private key(dims: number, bucket: bigint): string {
    return `${dims}:${bucket}`;
  }

  /** Mirrors an insert; a bucket not loaded yet will read it from vec0 when it is. */
  add(dims: number, bucket: bigint, row: BitRow): void {
    const b = this.buckets.get(this.key(dims, bucket));
    if (!b) return;
    this.remove(row.entryId);
    b.add(row);
    this.home.set(row.entryId, b);
  }

  /** Whether an insert into this bucket needs the row's bits (the bucket is loaded). */
  isLoaded(dims: number, bucket: bigint): boolean {
    return this.buckets.has(this.key(dims, bucket));
  }

  remove(entryId: number): void {
    const b = this.home.get(entryId);
    if (!b) return;
    b.remove(entryId);
    this.home.delete(entryId);
  }

  nearest(dims: number, bucket: bigint, ns: bigint, query: Uint8Array, k: number): number[] {
    const key = this.key(dims, bucket);
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(dims / 8);
      for (const row of this.load(dims, bucket)) {
        b.add(row);
        this.home.set(row.entryId, b);
      }
      this.buckets.set(key, b);
    }
    return b.nearest(ns, query, k);
  }

  /** Forget everything (another connection changed the table); buckets reload on demand. */
  clear(): void {
    this.buckets.clear();
    this.home.clear();
  }
}
