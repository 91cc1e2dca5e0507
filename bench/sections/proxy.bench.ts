/**
 * Proxy overhead: direct-to-fake-upstream vs a bare node:http+undici relay vs Tollgate,
 * serial latency and throughput at 10 connections, on the miss path (JSON and SSE) and the
 * exact-hit path; plus the exact-cache lookup against an in-memory Map. Every process runs on
 * loopback and is stopped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { openDatabase } from '../../proxy/src/db/open';
import { loadTest, percentile, timeSerial, type BenchRow, type BenchSection } from '../lib';
import { fakeUpstream, spawnUntil, startTollgate, type Child } from '../proc';

const SERIAL = Number(process.env.BENCH_SERIAL ?? 400);
const LOAD_TOTAL = Number(process.env.BENCH_LOAD ?? 2000);
const CONNECTIONS = 10;

let counter = 0;
function chatBody(stream: boolean, unique: boolean): string {
  const content = unique ? `bench question ${counter++} ${Math.random()}` : 'bench repeated question';
  return JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content }], max_tokens: 32 });
}

async function call(pool: Pool, path: string, body: string): Promise<void> {
  const r = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' } });
  if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}: ${await r.body.text()}`);
  await r.body.dump();
}

const load = (pool: Pool, path: string, makeBody: () => string) => loadTest(CONNECTIONS, LOAD_TOTAL, () => call(pool, path, makeBody()));

export default async function proxyBench(): Promise<BenchSection[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
  const children: Child[] = [];
  try {
    const { child: upstream, url: upstreamUrl, policy } = await fakeUpstream(dir);
    children.push(upstream);
    const tollgate = await startTollgate(join(dir, 'data'), policy);
    children.push(tollgate);
    const tollgateUrl = tollgate.url;
    const bare = await spawnUntil(process.execPath, ['--import', 'tsx', 'bench/bareRelay.ts', upstreamUrl], /^BARE_RELAY /);
    children.push(bare);
    const bareUrl = bare.line.split(' ')[1]!;

    const targets = [
      { name: 'direct to fake upstream', pool: new Pool(upstreamUrl, { connections: CONNECTIONS }), path: '/v1/chat/completions' },
      { name: 'node:http + undici relay (baseline)', pool: new Pool(bareUrl, { connections: CONNECTIONS }), path: '/v1/chat/completions' },
      { name: 'Tollgate, miss', pool: new Pool(tollgateUrl, { connections: CONNECTIONS }), path: '/v1/chat/completions' },
    ];

    const rows: BenchRow[] = [];
    for (const stream of [false, true]) {
      const base: { p50: number; p99: number } = { p50: 0, p99: 0 };
      for (const t of targets) {
        const serial = await timeSerial(SERIAL, () => call(t.pool, t.path, chatBody(stream, true)));
        const p50 = percentile(serial, 50);
        const p99 = percentile(serial, 99);
        if (t === targets[0]) Object.assign(base, { p50, p99 });
        const l = await load(t.pool, t.path, () => chatBody(stream, true));
        rows.push({
          name: `${t.name} — ${stream ? 'SSE' : 'JSON'}`,
          'serial p50 ms': p50,
          'serial p99 ms': p99,
          'added p50 ms': p50 - base.p50,
          'added p99 ms': p99 - base.p99,
          'req/s @10': l.rps,
          'load p50 ms': l.p50,
          'load p99 ms': l.p99,
        });
      }
    }

    // Exact hits over HTTP: the same request repeated.
    const tg = targets[2]!;
    await call(tg.pool, tg.path, chatBody(false, false));
    const hitSerial = await timeSerial(SERIAL, () => call(tg.pool, tg.path, chatBody(false, false)));
    const hitLoad = await load(tg.pool, tg.path, () => chatBody(false, false));
    const direct = rows[0]!;
    rows.push({
      name: 'Tollgate exact hit — JSON',
      'serial p50 ms': percentile(hitSerial, 50),
      'serial p99 ms': percentile(hitSerial, 99),
      'added p50 ms': percentile(hitSerial, 50) - Number(direct['serial p50 ms']),
      'added p99 ms': percentile(hitSerial, 99) - Number(direct['serial p99 ms']),
      'req/s @10': hitLoad.rps,
      'load p50 ms': hitLoad.p50,
      'load p99 ms': hitLoad.p99,
    });
    for (const t of targets) await t.pool.close();

    // In-process: the exact-cache lookup itself against a plain Map, 100k entries.
    const db = openDatabase(join(dir, 'lookup.db'), { vector: false });
    const cache = new ExactCache(db);
    const map = new Map<string, unknown>();
    const N = 100_000;
    const body = { id: 'x', choices: [{ message: { content: 'y'.repeat(800) } }] };
    db.transaction(() => {
      for (let i = 0; i < N; i++) {
        const key = `k${i}`;
        cache.put({ key, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'm', body, usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 }, costUsd: 0, prompt: null, ttlSeconds: 3600 }, N * 2);
        map.set(key, JSON.stringify(body));
      }
    })();
    const keys = Array.from({ length: 20_000 }, () => `k${Math.floor(Math.random() * N)}`);
    let i = 0;
    const mapT = await timeSerial(keys.length, () => JSON.parse(map.get(keys[i++ % keys.length]!) as string));
    i = 0;
    const sqlT = await timeSerial(keys.length, () => cache.get(keys[i++ % keys.length]!));
    db.close();
    const lookupRows: BenchRow[] = [
      { name: 'Map.get + JSON.parse (baseline)', 'p50 µs': percentile(mapT, 50) * 1000, 'p99 µs': percentile(mapT, 99) * 1000, 'ratio p50': 1 },
      { name: 'ExactCache.get (SQLite, 100k rows)', 'p50 µs': percentile(sqlT, 50) * 1000, 'p99 µs': percentile(sqlT, 99) * 1000, 'ratio p50': percentile(sqlT, 50) / percentile(mapT, 50) },
    ];

    return [
      {
        title: `Proxy overhead (fake upstream, ${SERIAL} serial requests, ${LOAD_TOTAL} at ${CONNECTIONS} connections)`,
        rows,
        notes: [
          '"added" = the row\'s latency minus direct-to-upstream latency in the same run (targets: ≤ 1 ms p50 and ≤ 3 ms p99 on a miss).',
          'Every miss writes a ledger row and a cache entry; the bare relay does neither — it shows what HTTP relaying alone costs.',
        ],
      },
      { title: 'Exact-cache lookup vs in-memory Map (in process)', rows: lookupRows },
    ];
  } finally {
    for (const c of children.reverse()) await c.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
