/**
 * Proxy memory: RSS of a real `tollgate start` process after the semantic-cache model has loaded
 * (bundled USE-lite), against the same proxy with semantic caching off, measured in the same run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../lib';
import { startTollgate } from '../proc';

function rssMiB(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function proxyRss(dir: string, semantic: boolean): Promise<{ rss: number; readyMs: number }> {
  const policy = join(dir, `policy-${semantic}.yaml`);
  writeFileSync(policy, `cache:\n  semantic: { enabled: ${semantic}, backend: use-lite }\n`);
  const t0 = performance.now();
  const p = await startTollgate(join(dir, `data-${semantic}`), policy);
  const url = p.url;
  try {
    for (let i = 0; i < 1200; i++) {
      const h = (await (await fetch(`${url}/healthz`)).json()) as { embedder?: { state: string } };
      if (!semantic || h.embedder?.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500)); // let start-up garbage settle
    return { rss: rssMiB(p.proc.pid!), readyMs };
  } finally {
    await p.stop();
  }
}

export default async function proxyMemoryBench(): Promise<BenchSection> {
  if (process.platform !== 'linux') return { title: 'Proxy memory', rows: [], notes: ['RSS is read from /proc: Linux only.'] };
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-mem-'));
  try {
    const off = await proxyRss(dir, false);
    const on = await proxyRss(dir, true);
    return {
      title: 'Proxy memory (RSS of the tollgate process)',
      rows: [
        { name: 'semantic cache off (baseline)', 'RSS MiB': off.rss, 'ratio': 1, 'ready ms': off.readyMs },
        { name: 'semantic cache on, USE-lite loaded', 'RSS MiB': on.rss, 'ratio': on.rss / off.rss, 'ready ms': on.readyMs },
      ],
      notes: ['Target: ≤ 300 MB with the model loaded. "ready" = listening (off) or embedder ready (on), from spawn.'],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
