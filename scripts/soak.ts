/**
 * Soak test (`npm run soak -- --seconds 60 [--semantic] [--variety] [--concurrency 16]`), outside the normal
 * test run. Loopback only: a child-process fake upstream and a child-process proxy (from source),
 * then a mixed workload — misses, exact hits, streams, aborts, Anthropic calls and (with
 * --semantic) paraphrases — at the highest rate the clients sustain for the given time.
 * Reports throughput (beside a direct-to-upstream baseline from the same run), p50/p99, errors
 * (must be zero), the proxy's RSS series with the slope of its last half, and its open fds.
 * With --variety every call names a caller the proxy has not seen (API key, user, team, feature),
 * some a model no one priced and some a path Tollgate does not serve, as a team's week of traffic
 * does: the report then adds the /metrics series count, which must not grow with who calls.
 * Exit code 1 when any request failed or fds leaked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { percentile } from '../bench/lib';

interface Args {
  seconds: number;
  semantic: boolean;
  variety: boolean;
  concurrency: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 180, semantic: false, variety: false, concurrency: 16 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') a.seconds = Number(argv[++i]);
    else if (argv[i] === '--concurrency') a.concurrency = Number(argv[++i]);
    else if (argv[i] === '--semantic') a.semantic = true;
    else if (argv[i] === '--variety') a.variety = true;
  }
  if (!Number.isFinite(a.seconds) || a.seconds <= 0 || a.seconds > 3600) throw new Error('--seconds must be 1..3600');
  if (!Number.isInteger(a.concurrency) || a.concurrency < 1 || a.concurrency > 256) throw new Error('--concurrency must be 1..256');
  return a;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSX = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

/** Starts a child and resolves with the first stdout match of `re` (group 1). */
function startChild(args: string[], re: RegExp, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; match: string }> {
  const child = spawn(process.execPath, ['--import', TSX, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve({ child, match: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready:\n${out}\n${err}`)));
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
const fdCount = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** Sample lines of the proxy's /metrics (one per series). */
async function metricSeries(base: string): Promise<number> {
  const r = await request(`${base}/metrics`);
  const text = await r.body.text();
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const POOL = Array.from({ length: 40 }, (_, i) => `How do I configure feature number ${i} of the billing dashboard?`);
const PARAPHRASE = (s: string) => s.replace('How do I', 'How can I');

type Kind = 'miss' | 'exact' | 'stream' | 'abort' | 'anthropic' | 'semantic' | 'notfound';

function pickKind(r: number, semantic: boolean): Kind {
  if (r < 0.25) return 'miss';
  if (r < 0.55) return 'exact';
  if (r < 0.7) return 'stream';
  if (r < 0.8) return 'abort';
  if (r < 0.9 || !semantic) return r < 0.9 ? 'anthropic' : 'exact';
  return 'semantic';
}

interface Stats {
  /** What the proxy said it did (x-tollgate-cache), to show hits really happened. */
  cacheHeaders: Record<string, number>;
  latencies: number[];
  /** The proxy's own x-tollgate-overhead-ms per answered call: time not spent waiting on the upstream. */
  overheadMs: number[];
  byKind: Record<string, number>;
  errors: string[];
  done: number;
}

/** --variety: who calls, under which tags, naming which model — new for every call. */
function callerHeaders(n: number, variety: boolean): Record<string, string> {
  if (!variety) return {};
  return { 'x-tollgate-user': `user-${n}`, 'x-tollgate-team': `team-${n % 997}`, 'x-tollgate-feature': `feature-${n}` };
}

async function oneRequest(base: string, kind: Kind, n: number, dispatcher: Agent, stats: Stats, variety = false): Promise<void> {
  const openaiHeaders = { 'content-type': 'application/json', authorization: `Bearer sk-soak-key${variety ? `-${n}` : ''}`, ...callerHeaders(n, variety) };
  // One call in four names a model no price table knows (a typo, a local model's name).
  const gptModel = variety && n % 4 === 0 ? `gpt-4o-mini-typo-${n}` : 'gpt-4o-mini';
  const t0 = performance.now();
  try {
    if (kind === 'notfound') {
      const r = await request(`${base}/v1/unknown-${n}/path?q=${n}`, { method: 'GET', dispatcher, headers: openaiHeaders });
      await r.body.dump();
      if (r.statusCode !== 404) throw new Error(`notfound: status ${r.statusCode}`);
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      stats.done++;
      return;
    }
    if (kind === 'abort') {
      const ac = new AbortController();
      const r = await request(`${base}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        signal: ac.signal,
        headers: openaiHeaders,
        body: JSON.stringify({ model: gptModel, stream: true, messages: [{ role: 'user', content: `abort me ${n} [[fake:words=400]] ${'w '.repeat(400)}` }] }),
      });
      if (r.statusCode !== 200) throw new Error(`abort: status ${r.statusCode}`);
      for await (const _ of r.body) {
        ac.abort();
        break;
      }
      await r.body.dump().catch(() => undefined);
      stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
      stats.done++;
      return;
    }
    const anthropic = kind === 'anthropic';
    const stream = kind === 'stream';
    const content = kind === 'miss' || stream ? `soak miss ${n} ${Math.random()}` : kind === 'semantic' ? PARAPHRASE(POOL[n % POOL.length]!) : POOL[n % POOL.length]!;
    const body = anthropic
      ? { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: n % 2 ? content : `soak claude ${n}` }] }
      : { model: gptModel, ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content }] };
    const r = await request(`${base}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
      method: 'POST',
      dispatcher,
      headers: anthropic ? { 'content-type': 'application/json', 'x-api-key': `sk-ant-soak-key${variety ? `-${n}` : ''}`, ...callerHeaders(n, variety) } : openaiHeaders,
      body: JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`${kind}: status ${r.statusCode}: ${text.slice(0, 200)}`);
    if (stream && !text.includes('data: [DONE]')) throw new Error('stream: incomplete');
    if (!stream) JSON.parse(text);
    const overhead = Number(r.headers['x-tollgate-overhead-ms']);
    if (Number.isFinite(overhead)) stats.overheadMs.push(overhead);
    const served = String(r.headers['x-tollgate-cache'] ?? 'none');
    stats.cacheHeaders[served] = (stats.cacheHeaders[served] ?? 0) + 1;
    stats.latencies.push(performance.now() - t0);
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    stats.done++;
  } catch (e) {
    stats.errors.push(`${kind}: ${(e as Error).message}`);
  }
}

async function drive(base: string, seconds: number, concurrency: number, kinds: () => Kind, onTick?: () => void, variety = false): Promise<Stats & { elapsed: number }> {
  const dispatcher = new Agent({ connections: concurrency * 2, keepAliveTimeout: 10_000 });
  const stats: Stats = { cacheHeaders: {}, overheadMs: [], latencies: [], byKind: {}, errors: [], done: 0 };
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  const ticker = onTick ? setInterval(onTick, 2000) : undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) await oneRequest(base, kinds(), n++, dispatcher, stats, variety);
    }),
  );
  if (ticker) clearInterval(ticker);
  await dispatcher.close();
  return { ...stats, elapsed: (performance.now() - t0) / 1000 };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-soak-'));
  const children: ChildProcess[] = [];
  try {
    const fake = await startChild(['test/support/fakeUpstreamMain.ts', '0'], /FAKE_UPSTREAM (http:\/\/127\.0\.0\.1:\d+)/);
    children.push(fake.child);
    const upstream = fake.match;
    writeFileSync(
      join(dir, 'policy.yaml'),
      [
        'providers:',
        `  openai: { baseUrl: "${upstream}/v1" }`,
        `  anthropic: { baseUrl: "${upstream}" }`,
        'retries: { attempts: 0 }',
        `cache: { semantic: { enabled: ${args.semantic}, backend: use-lite } }`,
        '',
      ].join('\n'),
    );
    const px = await startChild(['proxy/src/cli/main.ts', 'start', '--port', '0', '--data-dir', join(dir, 'data'), '--policy', join(dir, 'policy.yaml')], /tollgate listening on (http:\/\/127\.0\.0\.1:\d+)/, {
      TOLLGATE_ADMIN_TOKEN: 'soak-admin',
    });
    children.push(px.child);
    const base = px.match;
    const pid = px.child.pid!;
    if (args.semantic) {
      for (let i = 0; ; i++) {
        const h = (await (await fetch(`${base}/healthz`)).json()) as { embedder: { state: string; error?: string } };
        if (h.embedder.state === 'ready') break;
        if (h.embedder.state === 'failed' || i > 900) throw new Error(`embedder not ready: ${h.embedder.error ?? h.embedder.state}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const baselineSeconds = Math.min(10, Math.max(3, Math.round(args.seconds / 12)));
    console.error(`[soak] baseline: ${baselineSeconds}s straight to the fake upstream…`);
    const baseline = await drive(`${upstream}`, baselineSeconds, args.concurrency, () => 'miss');

    const seriesStart = await metricSeries(base);
    const fdStart = fdCount(pid);
    const samples: Array<[number, number]> = [[0, rssMb(pid)]];
    const fds: number[] = [fdStart];
    const t0 = performance.now();
    console.error(`[soak] ${args.seconds}s mixed workload at concurrency ${args.concurrency} against ${base} (pid ${pid})…`);
    // --variety: one call in twenty asks for a path Tollgate does not serve.
    const kinds = (): Kind => (args.variety && Math.random() < 0.05 ? 'notfound' : pickKind(Math.random(), args.semantic));
    const run = await drive(
      base,
      args.seconds,
      args.concurrency,
      kinds,
      () => {
        samples.push([(performance.now() - t0) / 1000, rssMb(pid)]);
        fds.push(fdCount(pid));
      },
      args.variety,
    );
    await new Promise((r) => setTimeout(r, 1000)); // let aborted upstream sockets close
    const fdEnd = fdCount(pid);
    const seriesEnd = await metricSeries(base);
    samples.push([(performance.now() - t0) / 1000, rssMb(pid)]);

    const half = samples.slice(Math.floor(samples.length / 2));
    const slopeLast = slope(half) * 60; // MB per minute
    const slopeFirst = slope(samples.slice(0, Math.floor(samples.length / 2) + 1)) * 60;
    const rps = run.done / run.elapsed;
    const baseRps = baseline.done / baseline.elapsed;
    const health = await request(`${base}/healthz`);
    const healthOk = health.statusCode === 200;
    await health.body.dump();

    const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
    console.log(`\n## Soak: ${args.seconds}s, concurrency ${args.concurrency}${args.semantic ? ', semantic on' : ''}${args.variety ? ', a new caller per call' : ''}\n`);
    console.log('| figure | proxy | baseline (direct to fake upstream) | ratio |');
    console.log('|---|---|---|---|');
    console.log(`| throughput (req/s) | ${fmt(rps)} | ${fmt(baseRps)} | ${fmt(rps / baseRps, 2)} |`);
    console.log(`| p50 latency (ms) | ${fmt(percentile(run.latencies, 50), 2)} | ${fmt(percentile(baseline.latencies, 50), 2)} | ${fmt(percentile(run.latencies, 50) / percentile(baseline.latencies, 50), 2)} |`);
    console.log(`| p99 latency (ms) | ${fmt(percentile(run.latencies, 99), 2)} | ${fmt(percentile(baseline.latencies, 99), 2)} | ${fmt(percentile(run.latencies, 99) / percentile(baseline.latencies, 99), 2)} |`);
    console.log(`| proxy overhead p50 / p99 (ms, x-tollgate-overhead-ms) | ${fmt(percentile(run.overheadMs, 50), 2)} / ${fmt(percentile(run.overheadMs, 99), 2)} | | |`);
    console.log(`| requests completed | ${run.done} | ${baseline.done} | |`);
    console.log(`| errors | ${run.errors.length} | ${baseline.errors.length} | |`);
    console.log(`| RSS start → end (MB) | ${fmt(samples[0]![1])} → ${fmt(samples.at(-1)![1])} | | ${fmt(samples.at(-1)![1] / samples[0]![1], 2)} |`);
    console.log(`| RSS slope first half / last half (MB/min) | ${fmt(slopeFirst, 2)} / ${fmt(slopeLast, 2)} | | |`);
    console.log(`| open fds start / max / end | ${fdStart} / ${Math.max(...fds)} / ${fdEnd} | | |`);
    console.log(`| /metrics series start → end | ${seriesStart} → ${seriesEnd} | | |`);
    console.log(`| /healthz after | ${healthOk ? 'ok' : 'FAILED'} | | |`);
    console.log(`\nMix: ${Object.entries(run.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`Served (x-tollgate-cache): ${Object.entries(run.cacheHeaders).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`\nRSS series (s: MB): ${samples.map(([t, m]) => `${t.toFixed(0)}:${m.toFixed(0)}`).join(' ')}`);
    if (run.errors.length) console.log(`\nFirst errors:\n${run.errors.slice(0, 10).map((e) => `- ${e}`).join('\n')}`);
    // fds: the proxy holds a fixed set (db, wal, shm, listeners) plus keep-alive sockets; more than
    // one per client connection (both sides) plus headroom at the end means a leak.
    const fdLeak = fdEnd > fdStart + args.concurrency * 4 + 16;
    if (fdLeak) console.log(`\nFD LEAK: ${fdStart} → ${fdEnd}`);
    // Series come from providers, endpoints, cache and status classes and at most MAX_MODEL_LABELS
    // models each: a few hundred whatever the traffic. Thousands means a label takes caller input.
    const seriesLeak = seriesEnd > Math.max(1_000, seriesStart * 4);
    if (seriesLeak) console.log(`\nMETRIC SERIES GROW WITH TRAFFIC: ${seriesStart} → ${seriesEnd}`);
    process.exitCode = run.errors.length || fdLeak || seriesLeak || !healthOk ? 1 : 0;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
