/**
 * CPU per miss and per exact hit of two builds, alternated on one fake upstream so a noisy host
 * moves both alike: `npx tsx bench/cpuPairs.ts <old cli.js> <new cli.js> [pairs]`. Each start warms
 * up with 1,000 misses, then measures 1,500 misses and 1,500 exact hits at 10 connections, twice.
 * `BENCH_CPU_PROF=<dir>` runs every start under `node --cpu-prof` (one profile per start).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { loadTest } from './lib';
import { fakeUpstream, startTollgate } from './proc';

const [oldCli, newCli, pairsArg] = process.argv.slice(2);
if (!oldCli || !newCli) throw new Error('usage: tsx bench/cpuPairs.ts <old cli.js> <new cli.js> [pairs]');
const N = 1500;
let counter = 0;
const body = (unique: boolean) =>
  JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: unique ? `pair ${counter++} ${Math.random()}` : 'pair repeated' }], max_tokens: 32 });

function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function measure(cli: string, policy: string, dir: string): Promise<string> {
  const prof = process.env.BENCH_CPU_PROF;
  const tg = await startTollgate(join(dir, `data-${counter}`), policy, { cli, nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : [] });
  const pool = new Pool(tg.url, { connections: 10 });
  const call = async (unique: boolean) => {
    const r = await pool.request({ method: 'POST', path: '/v1/chat/completions', body: body(unique), headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' } });
    if (r.statusCode !== 200) throw new Error(`status ${r.statusCode}`);
    await r.body.dump();
  };
  const cpuPer = async (unique: boolean) => {
    const c0 = cpuMs(tg.proc.pid);
    await loadTest(10, N, () => call(unique));
    return (cpuMs(tg.proc.pid) - c0) / N;
  };
  try {
    await loadTest(10, 1000, () => call(true));
    await call(false);
    const out: number[][] = [];
    for (let i = 0; i < 2; i++) out.push([await cpuPer(true), await cpuPer(false)]);
    return out.map(([m, h]) => `${m!.toFixed(2)} / ${h!.toFixed(2)}`).join(', ');
  } finally {
    await pool.close();
    await tg.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-pairs-'));
const { child: upstream, policy } = await fakeUpstream(dir);
try {
  for (let i = 0; i < Number(pairsArg ?? 3); i++) {
    const o = await measure(oldCli, policy, dir);
    const n = await measure(newCli, policy, dir);
    console.log(`pair ${i + 1}: old miss/hit ms ${o} | new ${n}`);
  }
} finally {
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
}
