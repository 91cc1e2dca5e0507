/**
 * The KNN mirror's warm-up (SemanticStore.warm, BitIndex.loadStep) runs in chunks with turns of the
 * event loop between them. While it runs, lookups answer from sqlite-vec's own KNN (so results are
 * exactly vec0's), and writes made meanwhile — by this connection or another — are in the mirror
 * once it is complete. Real SQLite files, real sqlite-vec; a fresh connection gives a fresh mirror.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SemanticSearch, SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase, type Db } from '../../proxy/src/db/open';

const DIMS = 256;
const ENTRIES = 200; // even entry ids 2..400, so odd ids can be inserted below and above the load's cursor
const CHUNK = 10;
const expiresAt = Date.now() + 86_400_000;

let dir: string;
let file: string;
let seedDb: Db;
const opened: Db[] = [];
const vectors = new Map<number, Float32Array>();

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function unit(r: () => number): Float32Array {
  const v = Float32Array.from({ length: DIMS }, r);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

function near(v: Float32Array, r: () => number): Float32Array {
  const w = v.map((x) => x + 0.01 * r());
  const n = Math.hypot(...w);
  return w.map((x) => x / n);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A new connection to the shared file: its own, still empty, mirror. */
function connect(): { db: Db; store: SemanticStore; vec0: SemanticStore } {
  const db = openDatabase(file);
  opened.push(db);
  const store = new SemanticStore(db, { warmChunkRows: CHUNK });
  store.migrate();
  const vec0 = new SemanticStore(db, { knn: 'vec0' });
  vec0.migrate();
  return { db, store, vec0 };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-mirror-warm-'));
  file = join(dir, 'warm.db');
  seedDb = openDatabase(file);
  const store = new SemanticStore(seedDb);
  store.migrate();
  const r = seeded(4);
  seedDb.transaction(() => {
    for (let i = 1; i <= ENTRIES; i++) {
      const v = unit(r);
      vectors.set(2 * i, v);
      store.insert({ entryId: 2 * i, namespace: i % 4 === 0 ? 'a' : 'b', modelId: 'm', vector: v, text: `t${i}`, expiresAt });
    }
  })();
});

afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

afterAll(() => {
  seedDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('KNN mirror warm-up', () => {
  it('yields to the event loop between chunks and then completes', async () => {
    const { store } = connect();
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const warming = store.warm();
    expect(store.mirrorComplete()).toBe(false);
    await warming;
    done = true;
    expect(store.mirrorComplete()).toBe(true);
    // One chunk per turn: other callbacks ran between every pair of chunks.
    expect(turns).toBeGreaterThanOrEqual(ENTRIES / CHUNK);
  });

  it('answers exactly like sqlite-vec KNN while loading, and keeps the writes made meanwhile', async () => {
    const { store, vec0 } = connect();
    const r = seeded(17);
    const queries: SemanticSearch[] = Array.from({ length: 30 }, (_, i) => ({
      namespace: i % 2 === 0 ? 'a' : 'b',
      modelId: 'm',
      vector: near(vectors.get(2 * (1 + Math.floor((r() + 0.5) * ENTRIES)))!, r),
      k: 5,
    }));
    const warming = store.warm();
    for (let i = 0; i < 5; i++) await nextTurn(); // a few chunks in: the mirror holds ids up to ~100 of 400
    expect(store.mirrorComplete()).toBe(false);
    for (const q of queries) expect(store.search(q)).toEqual(vec0.search(q));

    // Writes mid-warm: new ids below and above the load's cursor, a replacement and a delete.
    const below = unit(r);
    const above = unit(r);
    const moved = unit(r);
    store.insert({ entryId: 7, namespace: 'a', modelId: 'm', vector: below, text: 'below', expiresAt });
    store.insert({ entryId: 399, namespace: 'a', modelId: 'm', vector: above, text: 'above', expiresAt });
    store.insert({ entryId: 4, namespace: 'c', modelId: 'm', vector: moved, text: 'moved', expiresAt });
    store.delete(300);
    expect(store.mirrorComplete()).toBe(false);

    await warming;
    expect(store.mirrorComplete()).toBe(true);
    expect(store.search({ namespace: 'a', modelId: 'm', vector: below })[0]?.entryId).toBe(7);
    expect(store.search({ namespace: 'a', modelId: 'm', vector: above })[0]?.entryId).toBe(399);
    expect(store.search({ namespace: 'c', modelId: 'm', vector: moved })[0]?.entryId).toBe(4);
    expect(store.search({ namespace: 'b', modelId: 'm', vector: vectors.get(4)!, k: 5 }).map((c) => c.entryId)).not.toContain(4);
    expect(store.search({ namespace: 'b', modelId: 'm', vector: vectors.get(300)!, k: 5 }).map((c) => c.entryId)).not.toContain(300);
    // Complete: the mirror's answers are vec0's (the best match always; ties at the cut may differ).
    for (const q of queries) expect(store.search(q)[0]?.entryId).toBe(vec0.search(q)[0]?.entryId);
    store.delete(7);
    store.delete(399);
    store.insert({ entryId: 4, namespace: 'b', modelId: 'm', vector: vectors.get(4)!, text: 't2', expiresAt });
    store.insert({ entryId: 300, namespace: 'b', modelId: 'm', vector: vectors.get(300)!, text: 't150', expiresAt });
  });

  it('reads on when another connection commits mid-warm, and finds that entry', async () => {
    const { store } = connect();
    const writer = new SemanticStore(seedDb);
    writer.migrate();
    const probe = unit(seeded(23));
    const warming = store.warm();
    for (let i = 0; i < 5; i++) await nextTurn();
    // Entry ids come from the exact cache's AUTOINCREMENT: a new one is above every id read so far.
    writer.insert({ entryId: 90_009, namespace: 'a', modelId: 'm', vector: probe, text: 'elsewhere', expiresAt });
    expect(store.search({ namespace: 'a', modelId: 'm', vector: probe })[0]?.entryId).toBe(90_009);
    await warming;
    expect(store.mirrorComplete()).toBe(true);
    expect(store.search({ namespace: 'a', modelId: 'm', vector: probe })[0]?.entryId).toBe(90_009);
    writer.delete(90_009);
  });

  it('a lookup on a cold mirror starts the load in the background and answers from vec0 meanwhile', async () => {
    const { store, vec0 } = connect();
    const q: SemanticSearch = { namespace: 'b', modelId: 'm', vector: vectors.get(2)!, k: 3 };
    expect(store.search(q)).toEqual(vec0.search(q));
    expect(store.mirrorComplete()).toBe(false);
    await store.warm(); // joins the load the lookup started
    expect(store.mirrorComplete()).toBe(true);
    expect(store.search(q)[0]?.entryId).toBe(2);
  });

  it('ends quietly when the database closes mid-warm', async () => {
    const { db, store } = connect();
    const warming = store.warm();
    await nextTurn();
    db.close();
    await expect(warming).resolves.toBeUndefined();
  });
});
