/**
 * Measures a data directory against an empty one in the same run (ratios, not absolute times):
 * proxy start → /healthz and → first served call, CPU per miss, the local API the dashboard calls,
 * retention over the year. Not a test; run by hand:
 *
 *   npx tsx test/scale/measure.ts <year-dir>   (generate it first with generate.ts)
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../proxy/src/db/open';
import { applyRetention, retentionSteps } from '../../proxy/src/ledger/retention';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';
import { startFakeUpstream } from '../support/fakeUpstream';

const DAY = 86_400_000;

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

async function measureDir(dir: string, label: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const upstream = await startFakeUpstream();
  const policy = PolicySchema.parse({
    ledger: { maxAgeDays: 3650, maxBytes: 16 * 1024 * 1024 * 1024 },
    budgets: [{ name: 'org-monthly', scope: {}, period: 'month', usd: 1_000_000 }],
    providers: { openai: { baseUrl: upstream.openaiBaseUrl }, anthropic: { baseUrl: upstream.anthropicBaseUrl } },
  });
  const t0 = performance.now();
  const proxyP = startProxy({ port: 0, dataDir: dir, policy, env: {} });
  const proxy = await proxyP;
  await fetch(`${proxy.url}/healthz`).then((r) => r.text());
  out.startToHealthzMs = performance.now() - t0;
  const miss = (i: number) =>
    fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-tollgate-feature': `feature-${i % 200}`, 'x-tollgate-user': `user-${i}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${label} question ${i} ${Math.random()}` }] }),
    }).then(async (r) => {
      if (!r.ok) throw new Error(`miss ${i}: ${r.status} ${await r.text()}`);
      return r.text();
    });
  await miss(0);
  out.startToFirstCallMs = performance.now() - t0;
  for (let i = 1; i < 50; i++) await miss(i);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const N = 600;
  for (let i = 0; i < N; i++) await miss(1000 + i);
  const cpu = process.cpuUsage(c0);
  out.cpuMsPerMiss = (cpu.user + cpu.system) / 1000 / N;
  out.wallMsPerMiss = (performance.now() - w0) / N;

  const now = Date.now();
  const get = async (path: string, reps = 3) => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < reps; i++) {
      const [ms, res] = await time(() => fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${proxy.adminToken}` } }).then(async (r) => [r.status, await r.text()] as const));
      if (res[0] !== 200) throw new Error(`${path}: ${res[0]} ${res[1].slice(0, 200)}`);
      best = Math.min(best, ms);
    }
    return best;
  };
  for (const [p, span] of [['day', DAY], ['week', 7 * DAY], ['month', 30 * DAY], ['year', 365 * DAY]] as const) {
    for (const by of ['model', 'feature', 'user', 'endpoint']) out[`summary_${by}_${p}Ms`] = await get(`/tollgate/summary?by=${by}&from=${now - span}&bucketMs=3600000`, 1);
  }
  out.callsFirstPageMs = await get('/tollgate/calls?limit=100');
  out.callsFeatureMs = await get('/tollgate/calls?limit=100&feature=feature-150');
  out.callsUserMs = await get('/tollgate/calls?limit=100&user=user-4000@example.com');
  out.callsErrorsMs = await get('/tollgate/calls?limit=100&status=error');
  out.callsDeepPageMs = await get('/tollgate/calls?limit=100&before=1000');
  out.budgetsMs = await get('/tollgate/budgets');
  out.metricsMs = await get('/metrics');
  out.healthzMs = await get('/healthz');
  await proxy.close();
  await upstream.close();
  out.dbBytes = statSync(join(dir, 'tollgate.db')).size;
  return out;
}

function measureRetention(src: string): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'tg-scale-ret-'));
  copyFileSync(join(src, 'tollgate.db'), join(dir, 'tollgate.db'));
  const db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
  const out: Record<string, number> = {};
  const [underMs] = [performance.now()];
  applyRetention(db, { maxAgeDays: 3650, maxBytes: 16 * 1024 ** 3 });
  out.retentionNothingToDoMs = performance.now() - underMs;
  // One step per event-loop turn in the proxy: the longest step is how long other calls wait.
  const steps = retentionSteps(db, { maxAgeDays: 90, maxBytes: 16 * 1024 ** 3 });
  let longest = 0;
  let total = 0;
  let n = 0;
  for (;;) {
    const t0 = performance.now();
    const step = steps.next();
    const ms = performance.now() - t0;
    longest = Math.max(longest, ms);
    total += ms;
    n++;
    if (step.done) {
      out.retentionDeleted = step.value.deletedByAge;
      break;
    }
  }
  out.retentionTo90DaysMs = total;
  out.retentionSteps = n;
  out.retentionLongestStepMs = longest;
  out.walBytesAfterPrune = statSync(join(dir, 'tollgate.db-wal')).size;
  out.freePagesAfterPrune = db.pragma('freelist_count', { simple: true }) as number;
  out.pageCount = db.pragma('page_count', { simple: true }) as number;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const year = process.argv[2];
if (!year) throw new Error('usage: measure.ts <year-dir>');
const empty = mkdtempSync(join(tmpdir(), 'tg-scale-empty-'));
const copy = mkdtempSync(join(tmpdir(), 'tg-scale-year-'));
copyFileSync(join(year, 'tollgate.db'), join(copy, 'tollgate.db'));
const e = await measureDir(empty, 'empty');
const y = await measureDir(copy, 'year');
const rows: string[] = ['| measure | empty | year | ratio |', '| --- | ---: | ---: | ---: |'];
for (const k of Object.keys(y)) rows.push(`| ${k} | ${e[k]!.toFixed(2)} | ${y[k]!.toFixed(2)} | ${(y[k]! / Math.max(e[k]!, 1e-9)).toFixed(1)}× |`);
console.log(rows.join('\n'));
if (process.env.SKIP_RETENTION !== '1') console.log(measureRetention(year));
rmSync(empty, { recursive: true, force: true });
rmSync(copy, { recursive: true, force: true });
