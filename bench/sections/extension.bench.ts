/**
 * The VS Code extension's start-up costs, each beside a baseline from the same run:
 *  - activation: require dist/extension/extension.cjs (with a minimal `vscode` stub) + activate(),
 *    in a fresh `node` process each time, vs requiring an empty module in that same process;
 *  - time to first CodeLens on a prompt file after activation (loads the deferred analysis bundle),
 *    vs the CodeLens of the next edit (warm);
 *  - proxy start → healthy: spawn `dist/proxy/cli.js start` and poll GET /healthz, vs spawning `node -e 0`.
 * Targets (issue 6): activation ≤ 50 ms, proxy healthy ≤ 1.5 s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, type BenchSection } from '../lib';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '../..');
const bundle = join(root, 'dist/extension/extension.cjs');
const cli = join(root, 'dist/proxy/cli.js');
const stub = join(root, 'test/extension/support/vscodeStub.cjs');
const RUNS = 7;

/** Runs in a plain node child (no TypeScript loader), prints one JSON line of timings in ms. */
const probe = (emptyModule: string) => `
const { performance } = require('node:perf_hooks');
// The extension host has already loaded these built-ins before any extension activates.
for (const m of ['node:crypto', 'node:child_process', 'node:net', 'node:fs', 'node:path', 'node:os', 'node:url']) require(m);
let t = performance.now();
require(${JSON.stringify(emptyModule)});
const emptyMs = performance.now() - t;
const s = require(${JSON.stringify(stub)});
const { vscode, record } = s.createVscodeStub({ 'tollgate.autoStart': false });
s.installVscodeStub(vscode);
t = performance.now();
const ext = require(${JSON.stringify(bundle)});
const requireMs = performance.now() - t;
t = performance.now();
ext.activate(s.fakeContext(${JSON.stringify(root)}, require('node:os').tmpdir() + '/tollgate-bench-storage'));
const activateMs = performance.now() - t;
const text = '---\\nmodel: gpt-4o-mini\\n---\\nYou are a support assistant. Summarize the ticket below in three bullet points.\\n\\n{{ticket}}\\n';
(async () => {
  const provider = record.codeLensProviders[0];
  t = performance.now();
  const first = await provider.provideCodeLenses(s.fakeDocument('/bench/a.prompt.md', text, 'prompt', 1));
  const firstLensMs = performance.now() - t;
  t = performance.now();
  const warm = await provider.provideCodeLenses(s.fakeDocument('/bench/a.prompt.md', text + 'Be brief.\\n', 'prompt', 2));
  const warmLensMs = performance.now() - t;
  if (!first.length || !warm.length || !/\\$\\d/.test(first[0].command.title)) throw new Error('no CodeLens with a $ figure');
  console.log(JSON.stringify({ emptyMs, requireMs, activateMs, firstLensMs, warmLensMs }));
  process.exit(0);
})();
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function proxyHealthyMs(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port), '--data-dir', dataDir], { stdio: 'ignore' });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`proxy exited with ${child.exitCode}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      if (performance.now() - t0 > 30_000) throw new Error('proxy not healthy after 30 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

function nodeNoopMs(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', () => resolve(performance.now() - t0)));
}

const median = (xs: number[]) => percentile(xs, 50);

export default async function (): Promise<BenchSection> {
  if (!existsSync(bundle) || !existsSync(cli)) {
    return { title: 'VS Code extension start-up', rows: [], notes: ['skipped: run `npm run build` (dist/extension/extension.cjs, dist/proxy/cli.js) first'] };
  }
  if (!existsSync(join(root, 'dist/extension/deferred.cjs'))) spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  const tmp = mkdtempSync(join(tmpdir(), 'tollgate-bench-ext-'));
  try {
    const empty = join(tmp, 'empty.cjs');
    writeFileSync(empty, '');
    const script = probe(empty);
    const samples: Array<{ emptyMs: number; requireMs: number; activateMs: number; firstLensMs: number; warmLensMs: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
      samples.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    }
    const proxy: number[] = [];
    const noop: number[] = [];
    for (let i = 0; i < 5; i++) {
      noop.push(await nodeNoopMs());
      proxy.push(await proxyHealthyMs(join(tmp, `data-${i}`)));
    }
    const m = (k: keyof (typeof samples)[number]) => median(samples.map((s) => s[k]));
    const load = m('requireMs') + m('activateMs');
    return {
      title: 'VS Code extension start-up',
      rows: [
        { name: 'activation: require extension.cjs + activate()', 'median ms': load, 'baseline ms': m('emptyMs'), baseline: 'require an empty module', ratio: load / m('emptyMs'), target: '≤ 50 ms' },
        { name: '  of which activate()', 'median ms': m('activateMs'), 'baseline ms': m('emptyMs'), baseline: 'require an empty module', ratio: m('activateMs') / m('emptyMs'), target: '' },
        { name: 'first CodeLens on a prompt file (cold engine)', 'median ms': m('firstLensMs'), 'baseline ms': m('warmLensMs'), baseline: 'CodeLens after the next edit (warm)', ratio: m('firstLensMs') / m('warmLensMs'), target: '' },
        { name: 'proxy start → /healthz ok', 'median ms': median(proxy), 'baseline ms': median(noop), baseline: 'spawn `node -e 0` to exit', ratio: median(proxy) / median(noop), target: '≤ 1500 ms' },
      ],
      notes: [
        `${RUNS} fresh node processes for activation and CodeLens, 5 proxy starts; medians. Node ${process.version}.`,
        'Built-ins the extension host has already loaded (crypto, child_process, net, fs…) are loaded before timing, as in VS Code.',
        'The machine is shared (2 cores, load varies): compare ratios, not absolute times, across runs.',
      ],
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
