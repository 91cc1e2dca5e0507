/**
 * SemanticStore on a real temp SQLite file with real sqlite-vec, using synthetic unit vectors:
 * ranking against exact float search, vector widths, large ids and the partition key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { partitionKey, SemanticStore } from '../../proxy/src/cache/semantic/store';

let dir: string;
let db: Db;

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296 - 0.5;
  };
}

function unit(dims: number, r: () => number): Float32Array {
  const v = Float32Array.from({ length: dims }, r);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-semstore-'));
  db = openDatabase(join(dir, 'store.db'));
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SemanticStore', () => {
  it('returns the exact float cosine, best first, matching brute-force search', () => {
    const store = new SemanticStore(db);
    store.migrate();
    const r = seeded(1);
    const vectors = Array.from({ length: 500 }, () => unit(64, r));
    const far = Date.now() + 60_000;
    db.transaction(() => vectors.forEach((vector, i) => store.insert({ entryId: i + 1, namespace: 'n', modelId: 'm64', vector, text: `t${i}`, expiresAt: far })))();
    for (let q = 0; q < 20; q++) {
      // A query near a stored vector: its nearest neighbour must come back first, with the true cosine.
      const target = vectors[q * 7]!;
      const query = unit(64, () => 0).map((_x, i) => target[i]! + 0.05 * r());
      const norm = Math.hypot(...query);
      const qv = query.map((x) => x / norm);
      const got = store.search({ namespace: 'n', modelId: 'm64', vector: qv, k: 3 });
      const brute = vectors.map((v, i) => ({ id: i + 1, s: dot(qv, v) })).sort((a, b) => b.s - a.s);
      expect(got[0]!.entryId).toBe(brute[0]!.id);
      expect(got[0]!.similarity).toBeCloseTo(brute[0]!.s, 5);
      expect(got[0]!.text).toBe(`t${q * 7}`);
      expect(got.map((c) => c.similarity)).toEqual([...got.map((c) => c.similarity)].sort((a, b) => b - a));
    }
  });

  it('keeps vectors of different widths in separate tables and finds each', () => {
    const store = new SemanticStore(db);
    store.migrate();
    const r = seeded(2);
    const v32 = unit(32, r);
    const v48 = unit(48, r);
    store.insert({ entryId: 10_001, namespace: 'w', modelId: 'm32', vector: v32, text: 'a', expiresAt: Date.now() + 60_000 });
    store.insert({ entryId: 10_002, namespace: 'w', modelId: 'm48', vector: v48, text: 'b', expiresAt: Date.now() + 60_000 });
    expect(store.search({ namespace: 'w', modelId: 'm32', vector: v32 })[0]).toMatchObject({ entryId: 10_001 });
    expect(store.search({ namespace: 'w', modelId: 'm48', vector: v48 })[0]).toMatchObject({ entryId: 10_002 });
    expect(store.search({ namespace: 'w', modelId: 'm48', vector: unit(40, r) })).toEqual([]);
    // A fresh store over the same file finds both tables again.
    const reopened = new SemanticStore(db);
    reopened.migrate();
    expect(reopened.search({ namespace: 'w', modelId: 'm32', vector: v32 })[0]).toMatchObject({ entryId: 10_001 });
  });

  it('accepts ids beyond 2^31 and replaces an entry inserted twice', () => {
    const store = new SemanticStore(db);
    store.migrate();
    const r = seeded(3);
    const big = 2 ** 40 + 3;
    const before = store.count();
    store.insert({ entryId: big, namespace: 'big', modelId: 'm', vector: unit(16, r), text: 'first', expiresAt: Date.now() + 60_000 });
    const v = unit(16, r);
    store.insert({ entryId: big, namespace: 'big', modelId: 'm', vector: v, text: 'second', expiresAt: Date.now() + 60_000 });
    expect(store.count()).toBe(before + 1);
    expect(store.search({ namespace: 'big', modelId: 'm', vector: v })[0]).toMatchObject({ entryId: big, text: 'second' });
  });

  it('partition keys separate namespace and model and do not collide on concatenation', () => {
    expect(partitionKey('a', 'bc').ns).not.toBe(partitionKey('ab', 'c').ns);
    expect(partitionKey('a', 'b')).toEqual(partitionKey('a', 'b'));
  });

  it('namespaces sharing a hash bucket never see each other', () => {
    const store = new SemanticStore(db);
    store.migrate();
    // Find two namespaces that land in the same bucket, so only the metadata filter separates them.
    const first = partitionKey('bucket-0', 'm');
    let other = '';
    for (let i = 1; !other; i++) if (partitionKey(`bucket-${i}`, 'm').bucket === first.bucket) other = `bucket-${i}`;
    const v = unit(24, seeded(9));
    store.insert({ entryId: 777_001, namespace: 'bucket-0', modelId: 'm', vector: v, text: 'mine', expiresAt: Date.now() + 60_000 });
    expect(store.search({ namespace: other, modelId: 'm', vector: v, k: 5 })).toEqual([]);
    expect(store.search({ namespace: 'bucket-0', modelId: 'm', vector: v, k: 5 }).map((c) => c.entryId)).toEqual([777_001]);
  });

  it('rejects a vector width sqlite-vec cannot bit-pack', () => {
    const store = new SemanticStore(db);
    store.migrate();
    expect(() => store.insert({ entryId: 1, namespace: 'x', modelId: 'm', vector: new Float32Array(12), text: 'x', expiresAt: 0 })).toThrow(/multiple of 8/);
  });
});
