/**
 * Small helpers for driving the packaged extension in code-server + Chromium (see
 * test/e2e/install.e2e.mjs): free ports, bounded polling, an isolated code-server with the .vsix
 * installed, and the few workbench gestures the tests need.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until it returns a truthy value; throws after `timeoutMs` with `log()` appended. */
export async function waitFor(fn, what, timeoutMs = 60_000, log = () => '', everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}\n${log().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'editor.codeLens': true,
  'files.autoSave': 'off',
};

/**
 * Installs `vsix` into a code-server isolated in `run` (HOME, XDG, TMPDIR, config, user data,
 * extensions) and starts it on a free port with `env`. Returns its process (own process group:
 * code-server, the extension host and the proxy it starts), a stop function, the environment it
 * runs with (for the browser) and its user-data folder (User/settings.json is watched).
 */
export async function startCodeServer({ node, entry, run, vsix, workspace, settings, machineSettings = {}, env }) {
  const home = join(run, 'home');
  const fullEnv = { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'), XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: join(run, 'tmp') };
  const userData = join(run, 'user-data');
  const extDir = join(run, 'extensions');
  for (const d of [home, fullEnv.TMPDIR, join(userData, 'User'), extDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  // Machine-scoped settings (e.g. tollgate.nodePath) are read from the server machine's own file.
  mkdirSync(join(userData, 'Machine'), { recursive: true });
  writeFileSync(join(userData, 'Machine/settings.json'), JSON.stringify(machineSettings, null, 2));
  const common = ['--config', join(run, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extDir];
  execFileSync(node, [entry, ...common, '--install-extension', vsix], { env: fullEnv, stdio: 'pipe', timeout: 120_000 });
  const port = await freePort();
  const log = [];
  const cs = spawn(
    node,
    [entry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  cs.stdout.on('data', (b) => log.push(b.toString()));
  cs.stderr.on('data', (b) => log.push(b.toString()));
  const logText = () => log.join('');
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 'code-server /healthz', 60_000, logText);
  async function stop() {
    if (cs.exitCode !== null) return;
    try {
      process.kill(-cs.pid, 'SIGTERM');
    } catch {}
    await new Promise((r) => {
      const t = setTimeout(r, 5_000);
      cs.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    try {
      process.kill(-cs.pid, 'SIGKILL');
    } catch {}
  }
  return { cs, port, log: logText, stop, env: fullEnv, userData };
}

export async function openFile(page, relPath) {
  const name = relPath.split('/').pop();
  const tab = page.locator(`.tab.active[data-resource-name="${name}"]`);
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(relPath);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    try {
      // A window just opened on a new folder may not have listed its files yet (Quick Open finds
      // nothing on the first try on a loaded machine): ask again, as a user would.
      await row.waitFor({ timeout: 15_000 });
      await row.click();
      await tab.waitFor({ timeout: 15_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** The dashboard webview's document: code-server nests it in iframes, so search every frame. */
export async function dashboardFrame(page) {
  for (const frame of page.frames()) {
    try {
      if (await frame.locator('.vt-body, .empty-state').first().count()) return frame;
    } catch {
      // a frame that navigated away while being asked
    }
  }
  return undefined;
}
