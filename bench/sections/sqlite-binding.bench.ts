/**
 * The SQLite binding: Tollgate's `Db` (the N-API `@photostructure/sqlite` behind proxy/src/db's
 * adapter) against better-sqlite3 (compiled for one Node ABI; a dev dependency kept only for this
 * comparison), running the product's own code — Ledger.record, ExactCache.put/get and
 * SemanticStore.search over a vec0 table of 100k rows — on files opened with the same pragmas and
 * sqlite-vec. Rounds alternate between the bindings so machine load hits both alike; each figure
 * is the median per-operation time over rounds, and the ratio is new / better-sqlite3 in this run.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getLoadablePath } from 'sqlite-vec';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { Ledger, type NewCallRecord } from '../../proxy/src/ledger/ledger';
import { percentile, type BenchRow, type BenchSection } from '../lib';

const ROUNDS = Number(process.env.BENCH_SQLITE_ROUNDS ?? 15);
const OPS = Number(process.env.BENCH_SQLITE_OPS ?? 400);
const VEC_ROWS = Number(process.env.BENCH_VEC_ROWS ?? 100_000);
const KNN_PER_ROUND = 10;
const DIMS = 512;

/** better-sqlite3 opened like openDatabase opens Tollgate's file, presented as the same `Db` shape. */
function openBaseline(file: string, vector = true): Db {
  const db = new BetterSqlite3(file);
  for (const p of ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON', 'cache_size = -65536', 'mmap_size = 268435456', 'temp_store = MEMORY'])
    db.pragma(p);
  if (vector) db.loadExtension(getLoadablePath());
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  // The product code uses only the better-sqlite3-shaped subset that Db offers.
  return db as unknown as Db;
}

function call(i: number): NewCallRecord {
  return {
    requestId: `req-${i}`,
    ts: 1_700_000_000_000 + i,
    keyFingerprint: 'tg_0123456789abcdef',
    tags: { team: 'search', feature: 'answers' },
    provider: 'openai',
    endpoint: 'chat.completions',
    modelRequested: 'gpt-4o-mini',
    modelUsed: 'gpt-4o-mini',
    stream: i % 2 === 0,
    cache: 'miss',
    inputTokens: 420 + (i % 50),
    outputTokens: 120,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    tokensEstimated: false,
    costUsd: 0.00021,
    savedUsd: 0,
    priced: true,
    latencyMs: 310,
    overheadMs: 0.4,
    status: 200,
    attempt: 1,
    promptPreview: 'What is the refund policy for annual plans?',
  } as NewCallRecord;
}

const usage = { inputTokens: 420, outputTokens: 120, cachedTokens: 0, cacheWriteTokens: 0 };
const body = { id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(700) } }] };

/** Deterministic unit vectors (xorshift), so both bindings search the same data. */
function vectors(n: number, seed: number): Float32Array[] {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s ^= s << 13), (s ^= s >>> 17), (s ^= s << 5), (s >>> 0) / 4294967296 - 0.5);
  return Array.from({ length: n }, () => {
    const v = new Float32Array(DIMS);
    let norm = 0;
    for (let j = 0; j < DIMS; j++) norm += (v[j] = rnd()) ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < DIMS; j++) v[j]! /= norm;
    return v;
  });
}

interface Side {
  name: string;
  ledger: Ledger;
  cache: ExactCache;
  store: SemanticStore;
  close(): void;
  times: Record<'insert' | 'put' | 'get' | 'knn', number[]>;
}

export default async function sqliteBindingBench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-sqlite-'));
  try {
    // One vec0 file of VEC_ROWS entries, written once (by Tollgate's Db) and searched by both.
    const vecFile = join(dir, 'vectors.db');
    const t0 = performance.now();
    {
      const db = openDatabase(vecFile);
      const store = new SemanticStore(db);
      store.migrate();
      const batch = 2000;
      for (let start = 0; start < VEC_ROWS; start += batch) {
        const vs = vectors(Math.min(batch, VEC_ROWS - start), start + 7);
        db.transaction(() => {
          vs.forEach((vector, k) => store.insert({ entryId: start + k + 1, namespace: 'ns', modelId: 'use-lite', vector, text: `t${start + k}`, expiresAt: 4e12 }));
        })();
      }
      db.close();
    }
    const populateS = (performance.now() - t0) / 1000;
    const queries = vectors(KNN_PER_ROUND * ROUNDS, 99);

    const sides: Side[] = [
      { name: 'better-sqlite3 (baseline)', open: openBaseline },
      { name: '@photostructure/sqlite via Db', open: (f: string, v?: boolean) => openDatabase(f, { vector: v ?? true }) },
    ].map(({ name, open }, i) => {
      const db = open(join(dir, `calls-${i}.db`), false);
      const vdb = open(vecFile, true);
      const store = new SemanticStore(vdb);
      store.migrate();
      return {
        name,
        ledger: new Ledger(db),
        cache: new ExactCache(db),
        store,
        close: () => (db.close(), vdb.close()),
        times: { insert: [], put: [], get: [], knn: [] },
      };
    });

    let seq = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const base = round * OPS;
        let t = performance.now();
        for (let i = 0; i < OPS; i++) side.ledger.record(call(seq++));
        side.times.insert.push(((performance.now() - t) * 1000) / OPS);
        t = performance.now();
        for (let i = 0; i < OPS; i++)
          side.cache.put({ key: `k${base + i}`, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body, usage, costUsd: 0.0002, prompt: null, ttlSeconds: 3600 }, 1e9);
        side.times.put.push(((performance.now() - t) * 1000) / OPS);
        t = performance.now();
        for (let i = 0; i < OPS; i++) if (!side.cache.get(`k${base + ((i * 7) % OPS)}`)) throw new Error('cache get missed');
        side.times.get.push(((performance.now() - t) * 1000) / OPS);
        t = performance.now();
        for (let q = 0; q < KNN_PER_ROUND; q++) {
          const found = side.store.search({ namespace: 'ns', modelId: 'use-lite', vector: queries[round * KNN_PER_ROUND + q]!, k: 4 });
          if (found.length === 0) throw new Error('KNN found nothing');
        }
        side.times.knn.push((performance.now() - t) / KNN_PER_ROUND);
      }
    }
    for (const s of sides) s.close();

    const [base, next] = sides as [Side, Side];
    const med = (xs: number[]) => percentile(xs, 50);
    const ops: Array<[keyof Side['times'], string, string]> = [
      ['insert', 'ledger insert (Ledger.record)', 'µs'],
      ['put', 'exact-cache put (800 B body)', 'µs'],
      ['get', 'exact-cache get by key', 'µs'],
      ['knn', `vec0 KNN, ${VEC_ROWS.toLocaleString('en')} rows (SemanticStore.search)`, 'ms'],
    ];
    const rows: BenchRow[] = ops.map(([k, name, unit]) => ({
      name,
      [`better-sqlite3 ${unit}/op`]: med(base.times[k]),
      [`new binding ${unit}/op`]: med(next.times[k]),
      ratio: med(next.times[k]) / med(base.times[k]),
    }));
    return {
      title: 'SQLite binding: @photostructure/sqlite (N-API) vs better-sqlite3, same code and files',
      rows,
      notes: [
        `${ROUNDS} alternating rounds of ${OPS} inserts/puts/gets and ${KNN_PER_ROUND} KNN queries (k=4 of 16 candidates, ${DIMS}-d → bit[${DIMS}]) per binding; median per op; ratio = new / better-sqlite3 in this run.`,
        `vec0 file populated once by the new binding in ${populateS.toFixed(1)} s (both bindings search the same file); node ${process.version}.`,
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
