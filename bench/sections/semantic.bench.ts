/**
 * Semantic cache: lookup latency (embedding + KNN) at 10k and 100k entries in ONE namespace (the
 * worst case: a partition holds everything) beside the exact-hit path (SQLite primary-key lookup)
 * and an in-memory Map; the embedding cost alone; what a miss pays; recall of the bit-quantized,
 * float-rescored search against exact float search; the float-vec0 layout it replaced; RSS.
 *
 * Bulk vectors: USE-lite embeddings of ~300 generated sentences (templates below, not any data
 * set), each stored vector = normalise(0.8·e_i + 0.2·e_j + gaussian noise, σ = 0.03/dim), so the
 * store holds clusters of near-paraphrases like a real cache, not uniformly random points.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { openUseLiteEmbedder, USE_LITE_MODEL_ID } from '../../proxy/src/embedding/backends/use-lite';
import { EmbeddingService } from '../../proxy/src/embedding/service';
import { decideSemantic } from '../../proxy/src/cache/semantic/decide';
import { shippedJudgeFor } from '../../proxy/src/cache/semantic/judge/shipped';
import { SemanticMatcher } from '../../proxy/src/cache/semantic/matcher';
import { SemanticQuality } from '../../proxy/src/cache/semantic/quality/qualityStore';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import type { Embedder } from '../../proxy/src/embedding/types';
import { openUseLiteGraphEmbedder } from '../../test/support/useLiteGraph';
import { percentile, timeSerial, type BenchRow, type BenchSection } from '../lib';
import { seededRandom } from '../../scripts/lib/judge/trainingData';

const SIZES = [10_000, 100_000];
const QUERIES = 200;
const NS = 'tg_bench:context';
const MODEL = 'bench-model';

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

function sentences(count: number, r: () => number): string[] {
  const asks = ['How do I', 'What is the best way to', 'Can you explain how to', 'Show me how to', 'Why does it fail when I', 'Is it safe to'];
  const verbs = ['reset', 'configure', 'deploy', 'debug', 'optimise', 'back up', 'migrate', 'test', 'secure', 'monitor', 'translate', 'summarise'];
  const objects = ['my password', 'a Postgres database', 'a React component', 'the billing report', 'a Kubernetes cluster', 'an email campaign', 'a sourdough starter', 'my garden irrigation', 'a wedding speech', 'the quarterly budget', 'a Python script', 'my home Wi-Fi'];
  const tails = ['', ' quickly', ' for a small team', ' on Windows', ' without losing data', ' step by step', ' in production'];
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const out = new Set<string>();
  while (out.size < count) out.add(`${pick(asks)} ${pick(verbs)} ${pick(objects)}${pick(tails)}?`);
  return [...out];
}

async function embedBatched(e: Embedder, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += 32) out.push(...(await e.embed(texts.slice(i, i + 32))));
  return out;
}

function makeVector(base: Float32Array[], r: () => number): Float32Array {
  const a = base[Math.floor(r() * base.length)]!;
  const b = base[Math.floor(r() * base.length)]!;
  const v = new Float32Array(a.length);
  for (let i = 0; i < v.length; i++) v[i] = 0.8 * a[i]! + 0.2 * b[i]! + 0.03 * gaussian(r);
  return normalise(v);
}

function perturb(v: Float32Array, r: () => number, sigma: number): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! + sigma * gaussian(r);
  return normalise(out);
}

function exactTopK(all: Float32Array[], q: Float32Array, k: number): number[] {
  const scored = all.map((v, i) => {
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j]! * q[j]!;
    return [i, s] as const;
  });
  scored.sort((x, y) => y[1] - x[1]);
  return scored.slice(0, k).map(([i]) => i + 1);
}

/**
 * Like timeSerial, but also the process CPU time per call: on a shared, oversubscribed machine the
 * wall clock mostly measures waiting for a core, while CPU time is what the call itself costs.
 */
async function timeWithCpu(n: number, fn: () => unknown, warmup: number): Promise<{ wall: number[]; cpu: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

function stats(ms: number[]): { p50: number; p99: number } {
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

function fill(db: Db, store: SemanticStore, vectors: Float32Array[], texts: string[], from: number, to: number): void {
  const expiresAt = Date.now() + 86_400_000;
  db.transaction(() => {
    for (let i = from; i < to; i++) store.insert({ entryId: i + 1, namespace: NS, modelId: MODEL, vector: vectors[i]!, text: texts[i % texts.length]!, expiresAt });
  })();
}

/**
 * The KNN mirror's load on a new connection to `file`: time until complete, and the longest the
 * event loop went without running a 1 ms timer meanwhile (what a request arriving then would wait).
 */
export async function measureWarmUp(file: string, warmChunkRows?: number): Promise<{ totalMs: number; maxBlockMs: number }> {
  const conn = openDatabase(file);
  try {
    const store = new SemanticStore(conn, warmChunkRows === undefined ? {} : { warmChunkRows });
    store.migrate();
    let last = performance.now();
    let maxBlockMs = 0;
    const probe = setInterval(() => {
      const t = performance.now();
      maxBlockMs = Math.max(maxBlockMs, t - last);
      last = t;
    }, 1);
    const t0 = performance.now();
    last = t0;
    await store.warm();
    const totalMs = performance.now() - t0;
    clearInterval(probe);
    maxBlockMs = Math.max(maxBlockMs, performance.now() - last);
    return { totalMs, maxBlockMs };
  } finally {
    conn.close();
  }
}

/**
 * `BENCH_SEMANTIC=lookup`: only the proxy's lookup at 100k entries, embedding in the worker, with its
 * parts (worker embedding, KNN + rescore, judge) timed in the same calls, interleaved with the
 * embedding alone so both see the same load (minutes, not seconds, for repeated runs).
 */
async function lookupOnlyBench(): Promise<BenchSection[]> {
  const r = seededRandom(42);
  const service = new EmbeddingService({ backend: 'use-lite', log: () => undefined });
  service.start();
  const info = await service.ready();
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-semantic-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const baseTexts = sentences(320, r);
    const base: Float32Array[] = [];
    for (const t of baseTexts) base.push(await service.embed(t));
    const queryTexts = sentences(QUERIES + 60, seededRandom(7)).slice(0, QUERIES);
    const n = SIZES[SIZES.length - 1]!;
    const store = new SemanticStore(db);
    store.migrate();
    fill(db, store, Array.from({ length: n }, () => makeVector(base, r)), baseTexts, 0, n);
    await store.warm();
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const quality = new SemanticQuality(db);
    const rule = { baseMinProbability: judge.minProbability, wrongAnswerCostUsd: 0.0005 };
    const parts = { embedAlone: [] as number[], lookup: [] as number[], embed: [] as number[], search: [] as number[], decide: [] as number[], cpuAlone: [] as number[], cpuLookup: [] as number[] };
    const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
    const rounds = Number(process.env.BENCH_SEMANTIC_ROUNDS ?? 2) * QUERIES;
    for (let i = -10; i < rounds; i++) {
      const text = queryTexts[(i + rounds) % QUERIES]!;
      const other = queryTexts[(i + rounds + 1) % QUERIES]!;
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      await service.embed(`${other} `); // a text not memoised
      const alone = performance.now() - t0;
      const cpuAlone = cpuMs(process.cpuUsage(c0));
      c0 = process.cpuUsage();
      t0 = performance.now();
      const vector = await service.embed(text);
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      store.search({ namespace: NS, modelId: MODEL, vector, k: 5 });
      const searchCpu = cpuMs(process.cpuUsage(c1));
      const t2 = performance.now();
      decideSemantic({ store, judge, quality, savedUsd: () => 0.0002 }, { namespace: NS, modelId: MODEL, vector, text, feature: 'bench' }, rule);
      const t3 = performance.now();
      // The process's CPU (the worker thread's included), less the separately timed search.
      const cpuLookup = cpuMs(process.cpuUsage(c0)) - searchCpu;
      if (i < 0) continue;
      parts.cpuAlone.push(cpuAlone);
      parts.cpuLookup.push(cpuLookup);
      parts.embedAlone.push(alone);
      parts.embed.push(t1 - t0);
      parts.search.push(t2 - t1);
      parts.decide.push(t3 - t2);
      parts.lookup.push(t1 - t0 + (t3 - t2));
    }
    const row = (name: string, ms: number[], cpu?: number[]) => ({
      name,
      entries: n,
      p50_ms: percentile(ms, 50),
      p99_ms: percentile(ms, 99),
      p99_vs_embed: percentile(ms, 99) / percentile(parts.embedAlone, 99),
      ...(cpu ? { cpu_p50_ms: percentile(cpu, 50), cpu_p99_ms: percentile(cpu, 99), cpu_p99_vs_embed: percentile(cpu, 99) / percentile(parts.cpuAlone, 99) } : {}),
    });
    return [
      {
        title: `Semantic lookup only (BENCH_SEMANTIC=lookup; worker on ${info.runtime ?? 'unknown'})`,
        rows: [
          row('embedding alone via the worker (interleaved with the lookups)', parts.embedAlone, parts.cpuAlone),
          row('proxy lookup: worker embedding + KNN + judge + expected value', parts.lookup, parts.cpuLookup),
          row('  of which: worker embedding', parts.embed),
          row('  of which: KNN + rescore (store.search, timed separately)', parts.search),
          row('  of which: decideSemantic (its own KNN + judge)', parts.decide),
        ],
        notes: [`${rounds} lookups; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`],
      },
    ];
  } finally {
    await service.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function semanticBench(): Promise<BenchSection[]> {
  if (process.env.BENCH_SEMANTIC === 'lookup') return lookupOnlyBench();
  const r = seededRandom(42);
  const rssBefore = process.memoryUsage().rss;
  const embedder = await openUseLiteEmbedder();
  await embedder.embed(['warm up']);
  const rssModel = process.memoryUsage().rss;
  // The previous path, measured beside the current one in the same run: the library's graph
  // executor for the embedding, sqlite-vec's own KNN query for the search.
  const graphEmbedder = await openUseLiteGraphEmbedder();
  // What the proxy runs: the embedding in the worker thread, through the micro-batching service.
  // There USE-lite runs on onnxruntime when its native library loads (this thread stays on
  // TensorFlow.js: onnxruntime-node must only run in one thread of a process), so the in-thread
  // rows are the TensorFlow.js path and the worker rows the onnxruntime one, in the same run.
  const service = new EmbeddingService({ backend: 'use-lite', log: () => undefined });
  service.start();
  const serviceInfo = await service.ready();
  const workerRuntime = serviceInfo.runtime ?? 'unknown';

  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-semantic-'));
  const db = openDatabase(join(dir, 'bench.db'));
  try {
    const baseTexts = sentences(320, r);
    const base = await embedBatched(embedder, baseTexts);
    const queryTexts = sentences(QUERIES + 60, seededRandom(7)).slice(0, QUERIES);
    const maxN = SIZES[SIZES.length - 1]!;
    const vectors = Array.from({ length: maxN }, () => makeVector(base, r));

    // Exact-cache baseline: a table shaped like cache_entries (~1 KB JSON response), PK lookups.
    db.exec('CREATE TABLE exact_bench (id INTEGER PRIMARY KEY, key TEXT UNIQUE, namespace TEXT, response TEXT)');
    const payload = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'x'.repeat(900) } }] });
    db.transaction(() => {
      const ins = db.prepare('INSERT INTO exact_bench (id, key, namespace, response) VALUES (?, ?, ?, ?)');
      for (let i = 1; i <= maxN; i++) ins.run(i, `k${i}`, NS, payload);
    })();
    const exactGet = db.prepare('SELECT response FROM exact_bench WHERE key = ?');
    const map = new Map<string, string>();
    for (let i = 1; i <= maxN; i++) map.set(`k${i}`, payload);

    const store = new SemanticStore(db);
    store.migrate();
    const vec0Store = new SemanticStore(db, { knn: 'vec0' });
    const matcher = new SemanticMatcher(store);
    // The proxy's default path: KNN → the learned judge on up to 5 candidates (real prompt texts, so
    // feature extraction does its real work) → expected value and the feature's operating point.
    const judge = shippedJudgeFor(USE_LITE_MODEL_ID)!;
    const quality = new SemanticQuality(db);
    const rule = { baseMinProbability: judge.minProbability, wrongAnswerCostUsd: 0.0005 };
    const decideWith = (s: SemanticStore, vector: Float32Array, text: string) =>
      decideSemantic({ store: s, judge, quality, savedUsd: () => 0.0002 }, { namespace: NS, modelId: MODEL, vector, text, feature: 'bench' }, rule);
    const decide = (vector: Float32Array, text: string) => decideWith(store, vector, text);

    // A long prompt (~2,000 characters): the library's tokenizer is quadratic in the text length.
    const longTexts = queryTexts.map((t) => `${t} ${baseTexts.join(' ')}`.slice(0, 2000));
    // Embedding alone (distinct texts, so nothing is memoised).
    let qi = 0;
    const embedT = await timeWithCpu(QUERIES, () => embedder.embed([queryTexts[qi++ % queryTexts.length]!]), 10);
    const embedMs = embedT.wall;
    // The ratio to the embedding alone, in CPU time too: on a loaded machine wall time is mostly waiting.
    const embedCpuP99 = percentile(embedT.cpu, 99);
    qi = 0;
    const graphT = await timeWithCpu(QUERIES, () => graphEmbedder.embed([queryTexts[qi++ % queryTexts.length]!]), 10);
    qi = 0;
    const serviceT = await timeWithCpu(QUERIES, () => service.embed(queryTexts[qi++ % queryTexts.length]!), 10);
    const serviceP99 = percentile(serviceT.wall, 99);
    const serviceCpuP99 = percentile(serviceT.cpu, 99);
    qi = 0;
    const longServiceT = await timeWithCpu(40, () => service.embed(longTexts[qi++ % longTexts.length]!), 3);
    qi = 0;
    const longT = await timeWithCpu(40, () => embedder.embed([longTexts[qi++ % longTexts.length]!]), 3);
    qi = 0;
    const longGraphT = await timeWithCpu(40, () => graphEmbedder.embed([longTexts[qi++ % longTexts.length]!]), 3);
    const graphCpuP99 = percentile(graphT.cpu, 99);
    const graphP99 = percentile(graphT.wall, 99);
    const mapMs = await timeSerial(5000, () => map.get(`k${1 + Math.floor(r() * maxN)}`));

    const latency: BenchRow[] = [];
    const recall: BenchRow[] = [];
    let filled = 0;
    for (const n of SIZES) {
      fill(db, store, vectors, baseTexts, filled, n);
      filled = n;
      await store.warm(); // lookups run vec0's KNN until the mirror is complete
      vec0Store.migrate(); // sees the vec0 table the fill created
      const exactT = await timeWithCpu(2000, () => exactGet.get(`k${1 + Math.floor(r() * n)}`), 50);
      const exactMs = exactT.wall;
      const exact = stats(exactMs);
      const hitQueries = Array.from({ length: QUERIES }, () => perturb(vectors[Math.floor(r() * n)]!, r, 0.01));
      let h = 0;
      const knnT = await timeWithCpu(QUERIES, () => matcher.lookup({ namespace: NS, modelId: MODEL, vector: hitQueries[h++ % QUERIES]!, text: 'q', threshold: 0.96 }), 20);
      const knnMs = knnT.wall;
      let m = 0;
      const fullT = await timeWithCpu(
        QUERIES,
        async () => {
          const [v] = await embedder.embed([queryTexts[m++ % queryTexts.length]!]);
          return matcher.lookup({ namespace: NS, modelId: MODEL, vector: v!, text: 'q', threshold: 0.96 });
        },
        5,
      );
      const fullMs = fullT.wall;
      h = 0;
      const judgedT = await timeWithCpu(
        QUERIES,
        () => {
          const i = h++ % QUERIES;
          return decide(hitQueries[i]!, queryTexts[i % queryTexts.length]!);
        },
        20,
      );
      m = 0;
      const proxyT = await timeWithCpu(
        QUERIES,
        async () => {
          const text = queryTexts[m++ % queryTexts.length]!;
          const [v] = await embedder.embed([text]);
          return decide(v!, text);
        },
        5,
      );
      h = 0;
      const judgedVec0T = await timeWithCpu(
        QUERIES,
        () => {
          const i = h++ % QUERIES;
          return decideWith(vec0Store, hitQueries[i]!, queryTexts[i % queryTexts.length]!);
        },
        20,
      );
      m = 0;
      const beforeT = await timeWithCpu(
        QUERIES,
        async () => {
          const text = queryTexts[m++ % queryTexts.length]!;
          const [v] = await graphEmbedder.embed([text]);
          return decideWith(vec0Store, v!, text);
        },
        5,
      );
      // The worker's embedding alone right beside its lookups (the run-level row above is measured
      // minutes earlier, under different load): the denominator of the worker rows' ratios.
      m = 0;
      const workerEmbedT = await timeWithCpu(QUERIES, () => service.embed(queryTexts[m++ % queryTexts.length]!), 5);
      const workerEmbedP99 = percentile(workerEmbedT.wall, 99);
      const workerEmbedCpuP99 = percentile(workerEmbedT.cpu, 99);
      m = 0;
      const workerT = await timeWithCpu(
        QUERIES,
        async () => {
          const text = queryTexts[m++ % queryTexts.length]!;
          return decide(await service.embed(text), text);
        },
        5,
      );
      const knn = stats(knnMs);
      const full = stats(fullMs);
      const judged = stats(judgedT.wall);
      const proxyLookup = stats(proxyT.wall);
      const embedP99 = percentile(embedMs, 99);
      latency.push(
        { name: `Map.get (baseline)`, entries: n, p50_ms: percentile(mapMs, 50), p99_ms: percentile(mapMs, 99), p99_vs_exact: percentile(mapMs, 99) / exact.p99 },
        { name: `exact hit: SQLite PK lookup (baseline)`, entries: n, p50_ms: exact.p50, p99_ms: exact.p99, p99_vs_exact: 1, cpu_p50_ms: percentile(exactT.cpu, 50), cpu_p99_ms: percentile(exactT.cpu, 99) },
        { name: `semantic KNN + rescore + guard`, entries: n, p50_ms: knn.p50, p99_ms: knn.p99, p99_vs_exact: knn.p99 / exact.p99, cpu_p50_ms: percentile(knnT.cpu, 50), cpu_p99_ms: percentile(knnT.cpu, 99) },
        { name: `semantic lookup: embed + KNN (= a miss's extra cost)`, entries: n, p50_ms: full.p50, p99_ms: full.p99, p99_vs_exact: full.p99 / exact.p99, cpu_p50_ms: percentile(fullT.cpu, 50), cpu_p99_ms: percentile(fullT.cpu, 99), p99_vs_embed: full.p99 / embedP99, cpu_p99_vs_embed: percentile(fullT.cpu, 99) / embedCpuP99 },
        { name: `judged: KNN + judge (≤ 5 candidates) + expected value`, entries: n, p50_ms: judged.p50, p99_ms: judged.p99, p99_vs_exact: judged.p99 / exact.p99, cpu_p50_ms: percentile(judgedT.cpu, 50), cpu_p99_ms: percentile(judgedT.cpu, 99) },
        { name: `proxy lookup: embed + KNN + judge (default path)`, entries: n, p50_ms: proxyLookup.p50, p99_ms: proxyLookup.p99, p99_vs_exact: proxyLookup.p99 / exact.p99, cpu_p50_ms: percentile(proxyT.cpu, 50), cpu_p99_ms: percentile(proxyT.cpu, 99), p99_vs_embed: proxyLookup.p99 / embedP99, cpu_p99_vs_embed: percentile(proxyT.cpu, 99) / embedCpuP99 },
        // Ratios to the worker's own embedding alone (same runtime, same thread hop, same minute).
        { name: `embedding alone via the worker thread (${workerRuntime}), beside the next row`, entries: n, p50_ms: percentile(workerEmbedT.wall, 50), p99_ms: workerEmbedP99, p99_vs_exact: workerEmbedP99 / exact.p99, cpu_p50_ms: percentile(workerEmbedT.cpu, 50), cpu_p99_ms: workerEmbedCpuP99, p99_vs_embed: 1, cpu_p99_vs_embed: 1 },
        { name: `proxy lookup, embedding in the worker thread (as the proxy runs it; ${workerRuntime})`, entries: n, p50_ms: percentile(workerT.wall, 50), p99_ms: percentile(workerT.wall, 99), p99_vs_exact: percentile(workerT.wall, 99) / exact.p99, cpu_p50_ms: percentile(workerT.cpu, 50), cpu_p99_ms: percentile(workerT.cpu, 99), p99_vs_embed: percentile(workerT.wall, 99) / workerEmbedP99, cpu_p99_vs_embed: percentile(workerT.cpu, 99) / workerEmbedCpuP99 },
        { name: `before: KNN (sqlite-vec query) + judge`, entries: n, p50_ms: percentile(judgedVec0T.wall, 50), p99_ms: percentile(judgedVec0T.wall, 99), p99_vs_exact: percentile(judgedVec0T.wall, 99) / exact.p99, cpu_p50_ms: percentile(judgedVec0T.cpu, 50), cpu_p99_ms: percentile(judgedVec0T.cpu, 99) },
        { name: `before: proxy lookup, graph-executor embed + sqlite-vec KNN + judge`, entries: n, p50_ms: percentile(beforeT.wall, 50), p99_ms: percentile(beforeT.wall, 99), p99_vs_exact: percentile(beforeT.wall, 99) / exact.p99, cpu_p50_ms: percentile(beforeT.cpu, 50), cpu_p99_ms: percentile(beforeT.cpu, 99), p99_vs_embed: percentile(beforeT.wall, 99) / graphP99, cpu_p99_vs_embed: percentile(beforeT.cpu, 99) / graphCpuP99 },
      );

      // Recall of the bit-quantized, rescored search vs exact float search, on queries near stored entries
      // (σ 0.02 per dim ≈ cosine 0.9 to the entry) — where the cache has to find the right one.
      const recallQueries = Array.from({ length: 100 }, () => perturb(vectors[Math.floor(r() * n)]!, r, 0.02));
      const all = vectors.slice(0, n);
      // Ground truth first, so its allocations (and GC) stay out of the timed searches.
      const truths = recallQueries.map((q) => exactTopK(all, q, 5));
      for (const [candidates, knn] of [[16, 'vec0'], [16, 'mirror'], [32, 'mirror'], [64, 'mirror']] as const) {
        const s = new SemanticStore(db, { candidates, knn });
        s.migrate();
        let top1 = 0;
        let top5 = 0;
        const ms: number[] = [];
        for (const [qi, q] of recallQueries.entries()) {
          const truth = truths[qi]!;
          const t0 = performance.now();
          const got = s.search({ namespace: NS, modelId: MODEL, vector: q, k: 5 }).map((c) => c.entryId);
          ms.push(performance.now() - t0);
          if (got[0] === truth[0]) top1++;
          top5 += got.filter((id) => truth.includes(id)).length;
        }
        recall.push({ name: `bit[512] (${knn === 'vec0' ? 'sqlite-vec KNN, before' : 'mirror KNN'}) + float rescoring of ${candidates} candidates`, entries: n, recall_at_1: top1 / recallQueries.length, recall_at_5: top5 / (5 * recallQueries.length), p99_ms: percentile(ms, 99) });
      }
    }

    // The layout it replaced: float[512] vec0 (same partitioning), exact float KNN, at the largest size.
    db.exec(`CREATE VIRTUAL TABLE float_bench USING vec0(partition TEXT PARTITION KEY, embedding float[512], chunk_size=128)`);
    db.transaction(() => {
      const ins = db.prepare('INSERT INTO float_bench (rowid, partition, embedding) VALUES (?, ?, ?)');
      for (let i = 0; i < maxN; i++) ins.run(BigInt(i + 1), 'p', Buffer.from(vectors[i]!.buffer));
    })();
    const floatKnn = db.prepare('SELECT rowid, distance FROM float_bench WHERE embedding MATCH ? AND k = 5 AND partition = ?');
    const floatMs = await timeSerial(50, () => floatKnn.all(Buffer.from(perturb(vectors[Math.floor(r() * maxN)]!, r, 0.02).buffer), 'p'), 5);
    const bitRow = latency.filter((x) => x.name.startsWith('semantic KNN')).at(-1)!;
    const float = stats(floatMs);
    latency.push({ name: 'float[512] vec0 KNN, no quantization (rejected layout)', entries: maxN, p50_ms: float.p50, p99_ms: float.p99, p99_vs_exact: float.p99 / Number(latency.find((x) => x.entries === maxN && x.name.startsWith('exact'))!.p99_ms) });
    // Start-up: the mirror's load on a fresh connection, in one block (before) and in chunks.
    const warmBefore = await measureWarmUp(join(dir, 'bench.db'), Number.MAX_SAFE_INTEGER);
    const warmChunked = await measureWarmUp(join(dir, 'bench.db'));
    const embed = stats(embedMs);
    const mapStats = stats(mapMs);
    const rssAfter = process.memoryUsage().rss;

    return [
      {
        title: 'Semantic cache lookup latency (one namespace holding every entry; USE-lite 512-d)',
        rows: [
          { name: 'embedding alone (USE-lite, 1 text, this thread, TensorFlow.js direct)', entries: '-', p50_ms: embed.p50, p99_ms: embed.p99, p99_vs_exact: '-', cpu_p50_ms: percentile(embedT.cpu, 50), cpu_p99_ms: embedCpuP99, p99_vs_embed: 1, cpu_p99_vs_embed: 1 },
          { name: `embedding alone via the worker-thread service (${workerRuntime})`, entries: '-', p50_ms: percentile(serviceT.wall, 50), p99_ms: serviceP99, p99_vs_exact: '-', cpu_p50_ms: percentile(serviceT.cpu, 50), cpu_p99_ms: serviceCpuP99, p99_vs_embed: serviceP99 / embed.p99, cpu_p99_vs_embed: serviceCpuP99 / embedCpuP99 },
          { name: `embedding alone, 2,000-character prompt, worker-thread service (${workerRuntime})`, entries: '-', p50_ms: percentile(longServiceT.wall, 50), p99_ms: percentile(longServiceT.wall, 99), p99_vs_exact: '-', cpu_p50_ms: percentile(longServiceT.cpu, 50), cpu_p99_ms: percentile(longServiceT.cpu, 99), p99_vs_embed: percentile(longServiceT.wall, 99) / embed.p99, cpu_p99_vs_embed: percentile(longServiceT.cpu, 99) / embedCpuP99 },
          { name: 'before: embedding alone, library graph executor', entries: '-', p50_ms: percentile(graphT.wall, 50), p99_ms: graphP99, p99_vs_exact: '-', cpu_p50_ms: percentile(graphT.cpu, 50), cpu_p99_ms: graphCpuP99, p99_vs_embed: graphP99 / embed.p99, cpu_p99_vs_embed: graphCpuP99 / embedCpuP99 },
          { name: 'embedding alone, 2,000-character prompt', entries: '-', p50_ms: percentile(longT.wall, 50), p99_ms: percentile(longT.wall, 99), p99_vs_exact: '-', cpu_p50_ms: percentile(longT.cpu, 50), cpu_p99_ms: percentile(longT.cpu, 99), p99_vs_embed: percentile(longT.wall, 99) / embed.p99, cpu_p99_vs_embed: percentile(longT.cpu, 99) / embedCpuP99 },
          { name: 'before: 2,000-character prompt, library tokenizer + graph', entries: '-', p50_ms: percentile(longGraphT.wall, 50), p99_ms: percentile(longGraphT.wall, 99), p99_vs_exact: '-', cpu_p50_ms: percentile(longGraphT.cpu, 50), cpu_p99_ms: percentile(longGraphT.cpu, 99), p99_vs_embed: percentile(longGraphT.wall, 99) / embed.p99, cpu_p99_vs_embed: percentile(longGraphT.cpu, 99) / embedCpuP99 },
          ...latency,
        ],
        notes: [
          `p99_vs_exact: p99 ÷ the exact-hit p99 at the same size, same run. Map.get p50 ${mapStats.p50.toFixed(4)} ms.`,
          `cpu_*: process CPU time per call (user+system; the tfjs WASM backend is single-threaded here); wall time includes waiting for a core. Load average during the run: ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores.`,
          "Rows marked 'before' run the previous path in this same run: the library's tokenizer and graph executor for the embedding (test/support/useLiteGraph.ts), sqlite-vec's KNN query for the search (knn 'vec0'). Unmarked rows are the current path (direct forward pass; in-memory WebAssembly Hamming scan). Ratios compare within this run only.",
          `Target p99 ≤ 15 ms at 100k: KNN ${Number(bitRow.p99_ms).toFixed(2)} ms; float-vec0 KNN ${float.p99.toFixed(2)} ms (${(float.p99 / Number(bitRow.p99_ms)).toFixed(1)}× the chosen layout).`,
          'Bulk vectors: USE-lite embeddings of 320 generated sentences mixed 0.8/0.2 plus gaussian noise (σ 0.03/dim), normalised; stored texts are those sentences, so the judge extracts real features.',
          `p99_vs_embed / cpu_p99_vs_embed: p99 ÷ the embedding-alone p99 of this run (wall ${embed.p99.toFixed(1)} ms, CPU ${embedCpuP99.toFixed(1)} ms). Target: the proxy lookup incl. embedding ≤ 15 ms p99 at 100k; this thread's TensorFlow.js embedding alone is ${embedCpuP99 <= 15 ? 'within' : 'already over'} it here in CPU time.`,
          `Worker rows: USE-lite in the embedding worker runs on ${workerRuntime}${serviceInfo.runtimeFallbackReason ? ` (${serviceInfo.runtimeFallbackReason})` : ''}; this thread's embedder on TensorFlow.js (same vectors). The worker lookup rows' p99_vs_embed divides by the worker's embedding alone measured just before them at the same size (the row above each); the worker's run-level embedding-alone rows divide by this thread's. Worker lookup p99 at 100k: ${Number(latency.filter((x) => x.name.startsWith('proxy lookup, embedding in the worker')).at(-1)?.p99_ms ?? Number.NaN).toFixed(1)} ms.`,
        ],
      },
      {
        title: 'Semantic search recall vs exact float search (100 queries near stored entries)',
        rows: recall,
        notes: [
          "The mirror ranks the same bit vectors by the same Hamming distance as sqlite-vec (ties at the cut may resolve differently); compare its 16-candidate recall with the sqlite-vec row. Its scan cost hardly depends on the candidate count, so 32 or 64 now cost only the extra rescoring reads.",
          'Default: 16 candidates (SemanticStore option `candidates`), as before the mirror, so results stay those of the previous path: the true nearest entry is still first; the matcher needs the top 1–5. Exact truth: brute-force float dot product over every stored vector.',
          'Queries: a stored vector plus gaussian noise σ 0.02/dim (cosine ≈ 0.9 to it), i.e. the region around the hit threshold.',
        ],
      },
      {
        title: `KNN mirror warm-up at start (${maxN} entries, fresh connection)`,
        rows: [
          { name: 'before: one block (whole width in one read)', total_ms: warmBefore.totalMs, max_loop_block_ms: warmBefore.maxBlockMs, block_vs_total: warmBefore.maxBlockMs / warmBefore.totalMs, total_vs_before: 1 },
          { name: 'chunked (128 rows per event-loop turn; lookups use vec0 meanwhile)', total_ms: warmChunked.totalMs, max_loop_block_ms: warmChunked.maxBlockMs, block_vs_total: warmChunked.maxBlockMs / warmChunked.totalMs, total_vs_before: warmChunked.totalMs / warmBefore.totalMs },
        ],
        notes: [
          'max_loop_block_ms: the largest gap between ticks of a 1 ms timer while warm() runs (the longest the event loop could not serve a request); total_ms: warm() until the mirror is complete.',
        ],
      },
      {
        title: 'Memory (bench process; the proxy loads the same model)',
        rows: [
          { name: 'RSS before the model (baseline)', MiB: rssBefore / 2 ** 20, vs_baseline: 1 },
          { name: 'RSS after USE-lite loads', MiB: rssModel / 2 ** 20, vs_baseline: rssModel / rssBefore },
          { name: `RSS at the end (also holds the bench's own ${maxN} vectors and Map)`, MiB: rssAfter / 2 ** 20, vs_baseline: rssAfter / rssBefore },
        ],
        notes: ['Target: proxy RSS ≤ 300 MB with the model loaded.'],
      },
    ];
  } finally {
    await embedder.close();
    await graphEmbedder.close();
    await service.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
