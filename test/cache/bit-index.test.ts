/**
 * The KNN mirror (WebAssembly Hamming scan over an in-memory copy of vec0's bit vectors) against
 * sqlite-vec's own KNN on a real SQLite file: the same distances for the candidates, the same
 * search results, and staying in step through inserts, replacements, deletes, evictions and
 * writes from another connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BitIndex, type BitRow, quantizeSign } from '../../proxy/src/cache/semantic/bitIndex';
import { HammingRows } from '../../proxy/src/cache/semantic/hamming';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase, type Db } from '../../proxy/src/db/open';

let dir: string;
let db: Db;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** Clustered vectors, like a cache of paraphrases (ties in Hamming distance do occur). */
function clustered(count: number, dims: number, r: () => number): Float32Array[] {
  const centres = Array.from({ length: 20 }, () => unit(Float32Array.from({ length: dims }, () => gaussian(r))));
  return Array.from({ length: count }, () => {
    const c = centres[Math.floor(r() * centres.length)]!;
    return unit(Float32Array.from(c, (x) => x + 0.04 * gaussian(r)));
  });
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c++;
  return c;
}

function hamming(db: Db, a: Float32Array, entryId: number): number {
  const q = db.prepare('SELECT vec_quantize_binary(vec_f32(?)) AS b').get(Buffer.from(a.buffer)) as { b: Buffer };
  const row = db.prepare(`SELECT embedding FROM semantic_vec_${a.length} WHERE rowid = ?`).get(BigInt(entryId)) as { embedding: Buffer };
  let d = 0;
  for (let i = 0; i < q.b.length; i++) d += popcount(q.b[i]! ^ row.embedding[i]!);
  return d;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-bitindex-'));
  db = openDatabase(join(dir, 'bits.db'));
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HammingRows (generated WebAssembly)', () => {
  it('matches a popcount reference for several widths, after removals too', () => {
    const r = seeded(3);
    for (const bytes of [8, 48, 64, 100, 192]) {
      const rows = new HammingRows(bytes);
      const data: Uint8Array[] = [];
      for (let i = 0; i < 300; i++) {
        const b = Uint8Array.from({ length: bytes }, () => Math.floor(r() * 256));
        data.push(b);
        rows.push(b);
      }
      for (const at of [0, 17, 150]) {
        const moved = rows.swapRemove(at);
        const last = data.pop()!;
        if (moved >= 0) data[at] = last;
      }
      const query = Uint8Array.from({ length: bytes }, () => Math.floor(r() * 256));
      const scanned = rows.scan(query);
      const want = data.map((b) => b.reduce((s, x, i) => s + popcount(x ^ query[i]!), 0));
      expect(Array.from(scanned.distance)).toEqual(want);
      // The scan's histogram: how many rows at each distance 0 … the width in bits.
      const counts = new Array<number>(Math.ceil(bytes / 8) * 64 + 1).fill(0);
      for (const d of want) counts[d]!++;
      expect(Array.from(scanned.histogram)).toEqual(counts);
      // A second scan starts from an empty histogram.
      expect(Array.from(rows.scan(query).histogram)).toEqual(counts);
      // The rows at or below a cut-off, in row order.
      for (const cutoff of [0, [...want].sort((a, b) => a - b)[want.length >> 1]!, bytes * 8]) {
        expect(Array.from(rows.within(cutoff))).toEqual(want.flatMap((d, r) => (d <= cutoff ? [r] : [])));
      }
    }
  });
});

describe('BitIndex.nearest', () => {
  /** Brute force: the k rows of `ns` nearest to `query`, ties in insertion order. */
  function reference(rows: BitRow[], ns: bigint, query: Uint8Array, k: number): number[] {
    return rows
      .map((row, at) => ({ row, at, d: row.bits.reduce((s, x, i) => s + popcount(x ^ query[i]!), 0) }))
      .filter((x) => x.row.ns === ns)
      .sort((a, b) => a.d - b.d || a.at - b.at)
      .slice(0, k)
      .map((x) => x.row.entryId);
  }

  // One namespace per bucket (the scan's own histogram is used) and two sharing one (counted per namespace).
  for (const namespaces of [[7n], [7n, 9n]]) {
    it(`returns the brute-force top k with ${namespaces.length} namespace(s) in the bucket`, () => {
      const r = seeded(21 + namespaces.length);
      // Few distinct bit patterns, so many rows tie at the cut-off distance.
      const patterns = Array.from({ length: 40 }, () => Uint8Array.from({ length: 64 }, () => Math.floor(r() * 256)));
      const rows: BitRow[] = Array.from({ length: 2000 }, (_, i) => ({
        entryId: i + 1,
        ns: namespaces[i % namespaces.length]!,
        bits: patterns[Math.floor(r() * patterns.length)]!,
      }));
      const index = new BitIndex((_dims, after, limit) => rows.filter((row) => row.entryId > after).slice(0, limit).map((row) => ({ ...row, bucket: 1n })));
      while (!index.loadStep(512, 300)) {}
      for (let q = 0; q < 30; q++) {
        const query = q % 2 === 0 ? patterns[q]! : Uint8Array.from({ length: 64 }, () => Math.floor(r() * 256));
        for (const ns of namespaces) {
          for (const k of [1, 5, 16]) expect(index.nearest(512, 1n, ns, query, k)).toEqual(reference(rows, ns, query, k));
        }
      }
      expect(index.nearest(512, 1n, 8n, patterns[0]!, 5)).toEqual([]);
    });
  }
});

describe('BitIndex.catchUp (another connection committed)', () => {
  it('reads only the rows above the highest id it read, its own inserts included again, none missed', () => {
    // Distinct patterns per id (a multiplicative hash per byte).
    const bits = (i: number) => Uint8Array.from({ length: 8 }, (_, j) => (Math.imul(i * 8 + j + 1, 2654435761) >>> 24) & 255);
    const table: BitRow[] = Array.from({ length: 1000 }, (_, i) => ({ entryId: i + 1, ns: 7n, bits: bits(i + 1) }));
    const reads: Array<{ after: number; rows: number }> = [];
    const index = new BitIndex((_dims, after, limit) => {
      const rows = table.filter((row) => row.entryId > after).slice(0, limit).map((row) => ({ ...row, bucket: 1n }));
      reads.push({ after, rows: rows.length });
      return rows;
    });
    while (!index.loadStep(64, 300)) {}
    // Another connection commits 1001–1002; this one then inserts 1003 (mirrored at once).
    table.push({ entryId: 1001, ns: 7n, bits: bits(5000) }, { entryId: 1002, ns: 7n, bits: bits(5001) });
    const own: BitRow = { entryId: 1003, ns: 7n, bits: bits(5002) };
    table.push(own);
    index.add(64, 1n, own);
    reads.length = 0;
    index.catchUp();
    expect(index.nearest(64, 1n, 7n, bits(5000), 1)).toBeUndefined(); // not complete while it reads on
    while (!index.loadStep(64, 300)) {}
    expect(reads).toEqual([{ after: 1000, rows: 3 }]);
    expect(index.nearest(64, 1n, 7n, bits(5000), 1)).toEqual([1001]);
    expect(index.nearest(64, 1n, 7n, bits(5002), 1)).toEqual([1003]);
    // Every row once: the 1,003 nearest of 2,000 asked are all of them.
    expect(new Set(index.nearest(64, 1n, 7n, bits(1), 2000)).size).toBe(1003);
  });
});

describe('quantizeSign', () => {
  it("sets exactly the bits of vec0's vec_quantize_binary", () => {
    const r = seeded(8);
    const cases = [
      Float32Array.from([1, -1, 0, -0, 1e-30, -1e-30, 2, 3, -5, 0, 0, 0, 1, 1, 1, -1]),
      ...Array.from({ length: 20 }, () => Float32Array.from({ length: 512 }, () => (r() < 0.1 ? 0 : gaussian(r)))),
      Float32Array.from({ length: 384 }, () => gaussian(r)),
    ];
    for (const v of cases) {
      const sql = db.prepare('SELECT vec_quantize_binary(vec_f32(?)) AS b').get(Buffer.from(v.buffer)) as { b: Buffer };
      expect(Array.from(quantizeSign(v))).toEqual(Array.from(sql.b));
    }
  });
});

describe('SemanticStore KNN: mirror vs vec0', () => {
  const dims = 512;
  const expiresAt = Date.now() + 86_400_000;
  let vectors: Float32Array[];
  let mirror: SemanticStore;
  let vec0: SemanticStore;

  beforeAll(async () => {
    mirror = new SemanticStore(db);
    mirror.migrate();
    vec0 = new SemanticStore(db, { knn: 'vec0' });
    vectors = clustered(3000, dims, seeded(11));
    db.transaction(() => {
      for (const [i, vector] of vectors.entries()) {
        mirror.insert({ entryId: i + 1, namespace: i % 10 === 0 ? 'small' : 'big', modelId: 'm', vector, text: `t${i}`, expiresAt });
      }
    })();
    vec0.migrate();
    // Lookups answer from vec0 until the mirror is complete: load it, so these tests compare the mirror.
    await mirror.warm();
    expect(mirror.mirrorComplete()).toBe(true);
  });

  /** Same best match; whether the whole top 5 agrees (it may not when candidates tie at the cut). */
  function expectSameSearch(namespace: string, query: Float32Array): boolean {
    const a = mirror.search({ namespace, modelId: 'm', vector: query, k: 5 });
    const b = vec0.search({ namespace, modelId: 'm', vector: query, k: 5 });
    expect(a[0]?.entryId).toBe(b[0]?.entryId);
    return JSON.stringify(a) === JSON.stringify(b);
  }

  it('ranks the same candidates by the same distances as sqlite-vec', () => {
    const r = seeded(5);
    const knnMirror = new SemanticStore(db, { candidates: 16 });
    knnMirror.migrate();
    let identical = 0;
    for (let i = 0; i < 60; i++) {
      const namespace = i % 3 === 0 ? 'small' : 'big';
      const base = vectors[Math.floor(r() * vectors.length)]!;
      const query = unit(Float32Array.from(base, (x) => x + 0.02 * gaussian(r)));
      if (expectSameSearch(namespace, query)) identical++;
      // The 16 rescored candidates: equal multisets of Hamming distance (only ties may differ).
      const fromMirror = knnMirror.search({ namespace, modelId: 'm', vector: query, k: 16 }).map((c) => hamming(db, query, c.entryId));
      const fromVec0 = vec0.search({ namespace, modelId: 'm', vector: query, k: 16 }).map((c) => hamming(db, query, c.entryId));
      expect(fromMirror.sort((x, y) => x - y)).toEqual(fromVec0.sort((x, y) => x - y));
    }
    expect(identical).toBeGreaterThanOrEqual(54);
  });

  it('stays in step with inserts, replacements, deletes and evictions', () => {
    const r = seeded(9);
    const probe = unit(Float32Array.from({ length: dims }, () => gaussian(r)));
    // A new entry right at the probe is found at once (the bucket is already loaded).
    mirror.insert({ entryId: 50_001, namespace: 'big', modelId: 'm', vector: probe, text: 'new', expiresAt });
    expect(mirror.search({ namespace: 'big', modelId: 'm', vector: probe })[0]?.entryId).toBe(50_001);
    // Re-inserted under another namespace: gone from the first, present in the second.
    mirror.insert({ entryId: 50_001, namespace: 'other', modelId: 'm', vector: probe, text: 'moved', expiresAt });
    expect(mirror.search({ namespace: 'big', modelId: 'm', vector: probe })[0]?.entryId).not.toBe(50_001);
    expect(mirror.search({ namespace: 'other', modelId: 'm', vector: probe })[0]?.entryId).toBe(50_001);
    // Another store on the same connection sees writes made through this one.
    const sibling = new SemanticStore(db);
    sibling.migrate();
    expect(sibling.search({ namespace: 'other', modelId: 'm', vector: probe })[0]?.entryId).toBe(50_001);
    mirror.delete(50_001);
    expect(mirror.search({ namespace: 'other', modelId: 'm', vector: probe })).toEqual([]);
    expect(mirror.clearNamespace('small')).toBe(300);
    expect(mirror.search({ namespace: 'small', modelId: 'm', vector: vectors[0]! })).toEqual([]);
    expectSameSearch('big', vectors[1]!);
    mirror.evictToMax(1000);
    for (const i of [1, 2, 3, 500, 2999]) expectSameSearch('big', vectors[i]!);
    expect(mirror.mirrorComplete()).toBe(true); // this connection's own writes never drop the mirror
  });

  it('reloads after another connection commits (data_version)', async () => {
    const r = seeded(21);
    const probe = unit(Float32Array.from({ length: dims }, () => gaussian(r)));
    expect(mirror.search({ namespace: 'big', modelId: 'm', vector: probe })[0]?.entryId).not.toBe(60_001);
    const other = openDatabase(join(dir, 'bits.db'));
    try {
      const writer = new SemanticStore(other);
      writer.migrate();
      writer.insert({ entryId: 60_001, namespace: 'big', modelId: 'm', vector: probe, text: 'from elsewhere', expiresAt });
    } finally {
      other.close();
    }
    // Behind, so this lookup is vec0's while the mirror reads the new rows; then the mirror's.
    expect(mirror.search({ namespace: 'big', modelId: 'm', vector: probe })[0]?.entryId).toBe(60_001);
    expect(mirror.mirrorComplete()).toBe(false);
    await mirror.warm();
    expect(mirror.mirrorComplete()).toBe(true);
    expect(mirror.search({ namespace: 'big', modelId: 'm', vector: probe })[0]?.entryId).toBe(60_001);
  });
});
