/**
 * One side of bench/sections/sqlite-binding.bench.ts, in its own process: better-sqlite3 and the
 * N-API binding each bundle their own SQLite, and sqlite-vec (a loadable extension keeps one
 * global pointer to the SQLite that loaded it) cannot serve both in one process. The parent sends
 * "round <n>" on stdin; this process runs that round and prints one JSON line of per-op times.
 *
 * argv: <binding: better-sqlite3 | db> <dir> <vecFile>
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { getLoadablePath } from 'sqlite-vec';
import { ExactCache } from '../proxy/src/cache/exactCache';
import { SemanticStore } from '../proxy/src/cache/semantic/store';
import { openDatabase, type Db } from '../proxy/src/db/open';
import { Ledger, type NewCallRecord } from '../proxy/src/ledger/ledger';
import { queryVectors } from './sqlite-binding-data';

const OPS = Number(process.env.BENCH_SQLITE_OPS ?? 400);
const KNN_PER_ROUND = 10;
const [binding, dir, vecFile] = process.argv.slice(2) as [string, string, string];

/** better-sqlite3 opened like openDatabase opens Tollgate's file, presented as the same `Db` shape. */
function openBaseline(file: string, vector: boolean): Db {
  const db = new BetterSqlite3(file);
  for (const p of ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON', 'cache_size = -65536', 'mmap_size = 268435456', 'temp_store = MEMORY'])
    db.pragma(p);
  if (vector) db.loadExtension(getLoadablePath());
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  // The product code uses only the better-sqlite3-shaped subset that Db offers.
  return db as unknown as Db;
}
const open = (file: string, vector: boolean): Db => (binding === 'better-sqlite3' ? openBaseline(file, vector) : openDatabase(file, { vector }));

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

const db = open(join(dir, `calls-${binding}.db`), false);
const vdb = open(vecFile, true);
// vec0's own KNN (the binding runs it), not the in-memory mirror the proxy searches once it is warm:
// the mirror scans in WebAssembly whichever binding read the rows.
const store = new SemanticStore(vdb, { knn: 'vec0' });
store.migrate();
const ledger = new Ledger(db);
const cache = new ExactCache(db);
let seq = 0;

/** Wall time and this process's CPU time (user + system) of one timed block, in µs. */
function timed(f: () => void): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  f();
  const wall = (performance.now() - t) * 1000;
  const d = process.cpuUsage(c);
  return { wall, cpu: d.user + d.system };
}

function round(r: number): Record<string, number> {
  const base = r * OPS;
  const insert = timed(() => {
    for (let i = 0; i < OPS; i++) ledger.record(call(seq++));
  });
  const put = timed(() => {
    for (let i = 0; i < OPS; i++)
      cache.put({ key: `k${base + i}`, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body, usage, costUsd: 0.0002, prompt: null, ttlSeconds: 3600 }, 1e9);
  });
  const get = timed(() => {
    for (let i = 0; i < OPS; i++) if (!cache.get(`k${base + ((i * 7) % OPS)}`)) throw new Error('cache get missed');
  });
  const queries = queryVectors(r, KNN_PER_ROUND);
  const knn = timed(() => {
    for (const vector of queries) if (store.search({ namespace: 'ns', modelId: 'use-lite', vector, k: 4 }).length === 0) throw new Error('KNN found nothing');
  });
  // µs per op for the key-value work, ms per query for the KNN; `*Cpu` is CPU time, which other
  // processes on a busy machine disturb far less than wall time.
  return {
    insert: insert.wall / OPS,
    put: put.wall / OPS,
    get: get.wall / OPS,
    knn: knn.wall / 1000 / KNN_PER_ROUND,
    insertCpu: insert.cpu / OPS,
    putCpu: put.cpu / OPS,
    getCpu: get.cpu / OPS,
    knnCpu: knn.cpu / 1000 / KNN_PER_ROUND,
  };
}

const rl = createInterface({ input: process.stdin });
console.log('ready');
rl.on('line', (line) => {
  if (line === 'quit') {
    db.close();
    vdb.close();
    rl.close();
    return;
  }
  console.log(JSON.stringify(round(Number(line.split(' ')[1]))));
});
