/**
 * The dashboard webview in a real browser (headless Debian chromium via playwright-core), fed by a
 * real proxy in front of the fake upstream after real `openai` SDK calls. The page is the exact
 * HTML shell + CSP the extension serves; a stand-in acquireVsCodeApi() bridges its messages to
 * the same DashboardHost the panel uses, over the real DashboardDataSource (ProxyDashboardSource).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { DashboardDataSource } from '../../extension/src/dashboard/dataSource';
import { startProxy } from '../../proxy/src/server/start';
import { parseColor } from '../../webview/src/charts/contrast';
import { formatUsd } from '../../webview/src/format';
import type { CallRecord } from '../../webview/src/protocol';
import { startHarness } from '../support/harness';
import { graphicsContrast } from './support/graphicsContrast';
import { OwnStreamSource, useProxy } from './support/proxySuite';
import { darkTheme, lightTheme } from './support/themes';
import { canvasPixelsOfColour, CHROMIUM, chromiumAvailable, hexToRgb, screenshotPath, useBrowser } from './support/webviewPage';

/** Polls with room for a busy shared machine (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

if (!chromiumAvailable) console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

describe.skipIf(!chromiumAvailable)('dashboard webview in chromium against a real proxy', () => {
  const proxy = useProxy();
  const ui = useBrowser();

  function sdk(tags: Record<string, string> = {}): OpenAI {
    return new OpenAI({ baseURL: proxy.harness.openaiBaseUrl, apiKey: 'sk-test-dashboard', maxRetries: 0, defaultHeaders: tags });
  }

  async function rowTexts(page: Page): Promise<string[]> {
    return page.$$eval('.vt-body .vt-row:not([hidden])', (rows) =>
      rows
        .map((r) => ({ y: Number((r as HTMLElement).dataset.index), text: Array.from(r.children, (c) => c.textContent ?? '').join(' | ') }))
        .sort((a, b) => a.y - b.y)
        .map((r) => r.text),
    );
  }

  it('shows the getting-started state on a fresh proxy, then the first call live', async () => {
    const d = await ui.open({ source: proxy.source, theme: lightTheme });
    try {
      const empty = d.page.locator('.empty-state');
      await empty.waitFor({ state: 'visible' });
      await poll(() => d.page.textContent('[data-url="openai"] code')).toBe(`${proxy.harness.proxy.url}/v1`);
      expect(await d.page.textContent('[data-url="anthropic"] code')).toBe(proxy.harness.proxy.url);
      expect(await d.page.textContent('[data-snippet="python-openai"] pre')).toContain(`base_url="${proxy.harness.proxy.url}/v1"`);
      await d.page.screenshot({ path: screenshotPath('dashboard-empty.png') });
      await d.page.click('[data-url="openai"] vscode-button');
      await poll(() => d.copied).toEqual([`${proxy.harness.proxy.url}/v1`]);

      // A real SDK call while the page is open arrives over the proxy's SSE stream.
      await sdk({ 'x-tollgate-feature': 'onboarding' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'First call ever' }] });
      await d.page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      expect(await empty.isVisible()).toBe(false);
      const rows = await rowTexts(d.page);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain('gpt-4o-mini');
      expect(rows[0]).toContain('onboarding');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  /** Traffic of a small team: tags, two OpenAI models, streaming, exact-cache repeats, one upstream error. */
  async function sendTraffic(): Promise<void> {
    const search = sdk({ 'x-tollgate-feature': 'search', 'x-tollgate-team': 'web', 'x-tollgate-user': 'ana' });
    const support = sdk({ 'x-tollgate-feature': 'support-bot', 'x-tollgate-team': 'support' });
    for (let i = 0; i < 4; i++) await search.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Find docs about caching, part ${i % 2}` }] });
    for (let i = 0; i < 3; i++) await support.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `Answer ticket ${i} [[fake:words=120]]` }] });
    const stream = await support.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Stream a reply to ticket 7' }] });
    for await (const _chunk of stream) void _chunk;
    await support.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'This one fails [[fake:500]]' }] }).catch(() => undefined);
  }

  async function allCalls(filter: Parameters<DashboardDataSource['listCalls']>[0] = {}): Promise<CallRecord[]> {
    return (await proxy.source.listCalls({ ...filter, limit: 1000 })).calls;
  }

  it('shows every call, the totals and the charts from the proxy', async () => {
    await sendTraffic();
    const calls = await allCalls();
    expect(calls.some((c) => c.cache === 'exact')).toBe(true);
    expect(calls.some((c) => c.status >= 500)).toBe(true);
    const d = await ui.open({ source: proxy.source, theme: lightTheme });
    try {
      await d.page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      await d.page.locator('[data-summary-loaded="true"]').waitFor();
      const rows = await rowTexts(d.page);
      expect(rows).toHaveLength(calls.length);
      // Newest first, one row per ledger row, with the ledger's values.
      calls.forEach((c, i) => {
        expect(rows[i]).toContain(c.modelUsed);
        expect(rows[i]).toContain(c.cache);
        expect(rows[i]).toContain(String(c.status));
      });
      expect(await d.page.textContent('.calls .count')).toBe(`${calls.length} calls`);

      const summary = await proxy.source.summary({ from: Date.now() - 86_400_000, to: Date.now() + 1 });
      expect(await d.page.textContent('[data-kpi="calls"] .kpi-value')).toBe(String(summary.totals.calls));
      expect(await d.page.textContent('[data-kpi="spend"] .kpi-value')).toBe(formatUsd(summary.totals.costUsd));
      expect(await d.page.textContent('[data-kpi="saved"] .kpi-value')).toBe(formatUsd(summary.totals.savedUsd));
      expect(summary.totals.savedUsd).toBeGreaterThan(0);

      // Spend by model: one bar per model that answered, the priciest first.
      const labels = await d.page.$$eval('[data-chart="by-model"] .bar-label', (els) => els.map((e) => e.textContent));
      expect(new Set(labels)).toEqual(new Set(calls.map((c) => c.modelUsed)));
      // The charts drew their series: the top model's line in the same colour as its bar, and the
      // hit rate (charts-purple).
      const topBar = await d.page.$eval('[data-chart="by-model"] li:first-child .bar-fill', (el) => getComputedStyle(el).backgroundColor);
      const topRgb = parseColor(topBar)!;
      expect(await canvasPixelsOfColour(d.page, '[data-chart="spend"] canvas', [topRgb.r, topRgb.g, topRgb.b])).toBeGreaterThan(0);
      const purple = hexToRgb(lightTheme.vars['--vscode-charts-purple']!);
      expect(await canvasPixelsOfColour(d.page, '[data-chart="cache"] canvas', purple)).toBeGreaterThan(0);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('opens a call in detail with its cost breakdown and headers, and evicts its cache entry', async () => {
    const calls = await allCalls();
    const hit = calls.find((c) => c.cache === 'exact' && c.sourceEntryId !== undefined)!;
    expect(hit).toBeDefined();
    const miss = calls.find((c) => c.cache === 'miss' && c.status === 200 && c.costUsd > 0)!;
    const d = await ui.open({ source: proxy.source, theme: lightTheme });
    try {
      await d.page.locator(`.vt-body .vt-row[data-id="${miss.id}"]`).click();
      const pane = d.page.locator('.detail-pane .detail');
      await pane.waitFor();
      expect(await pane.getAttribute('data-call-id')).toBe(String(miss.id));
      const costText = await pane.locator('.detail-cost').textContent();
      expect(costText).toContain(`Charged${formatUsd(miss.costUsd)}`);
      expect(costText).toContain(`Total (cost)${formatUsd(miss.costUsd)}`);
      const headers = await pane.locator('.detail-headers').textContent();
      expect(headers).toContain(`x-tollgate-request-id${miss.requestId}`);
      expect(headers).toContain('x-tollgate-cachemiss');

      await d.page.locator(`.vt-body .vt-row[data-id="${hit.id}"]`).click();
      await d.page.locator(`.detail-pane .detail[data-call-id="${hit.id}"]`).waitFor();
      expect(await d.page.textContent('.detail-cost')).toContain(`Saved${formatUsd(hit.savedUsd)}`);
      expect(await d.page.textContent('.detail-cost')).toContain('would have cost');
      await d.page.click('.detail-cache vscode-button.evict');
      await poll(() => d.page.textContent('.evict-status')).toBe(`Evicted cache entry ${hit.sourceEntryId}.`);
      // The entry is really gone from the proxy: the same request now goes upstream again.
      const prompt = hit.promptPreview!;
      const again = await sdk({ 'x-tollgate-feature': 'search', 'x-tollgate-team': 'web', 'x-tollgate-user': 'ana' })
        .chat.completions.create({ model: hit.modelRequested, messages: [{ role: 'user', content: prompt }] })
        .withResponse();
      expect(again.response.headers.get('x-tollgate-cache')).toBe('miss');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('filters on the proxy, sorts loaded rows, and adds live calls that match', async () => {
    const d = await ui.open({ source: proxy.source, theme: lightTheme });
    try {
      await d.page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      const support = await allCalls({ feature: 'support-bot' });
      await d.page.locator('vscode-textfield[data-filter="feature"]').click();
      await d.page.keyboard.type('support-bot');
      await poll(async () => (await rowTexts(d.page)).length).toBe(support.length);
      for (const r of await rowTexts(d.page)) expect(r).toContain('support-bot');

      await d.page.click('[data-col="cost"] .vt-sort');
      const maxCost = Math.max(...support.map((c) => c.costUsd));
      await poll(async () => (await rowTexts(d.page))[0]).toContain(formatUsd(maxCost));
      expect(await d.page.getAttribute('[data-col="cost"][role="columnheader"]', 'aria-sort')).toBe('descending');

      // A live call for another feature stays out; one for this feature appears.
      await sdk({ 'x-tollgate-feature': 'search' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'live, other feature' }] });
      await sdk({ 'x-tollgate-feature': 'support-bot' }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'live, this feature' }] });
      // Read in one go in the page: when the row shows, the headline (not filtered) already counts
      // both live calls, as the status bar does, rather than one summary refresh later.
      const headlineAtRow = await d.page.waitForFunction(
        (n) => (document.querySelectorAll('.vt-body .vt-row:not([hidden])').length === n ? document.querySelector('[data-kpi="calls"] .kpi-value')?.textContent : undefined),
        support.length + 1,
      );
      expect(await headlineAtRow.jsonValue()).toBe(String((await proxy.source.summary({ from: Date.now() - 86_400_000, to: Date.now() + 1 })).totals.calls));
      expect((await rowTexts(d.page)).join('\n')).not.toContain('search');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('renders a semantic hit with its source prompt', async () => {
    // The proxy has no semantic stage yet, so a real exact hit is presented as a semantic one
    // (as GET /tollgate/calls/:id will describe it: similarity + the source entry's prompt).
    const real = (await allCalls()).find((c) => c.cache === 'exact')!;
    const semantic: DashboardDataSource = Object.create(proxy.source) as DashboardDataSource;
    semantic.getCall = async (id) => ({ ...(await proxy.source.getCall(id)), cache: 'semantic', similarity: 0.9412, sourcePrompt: 'How do I cache answers?' });
    const d = await ui.open({ source: semantic, theme: darkTheme });
    try {
      await d.page.locator(`.vt-body .vt-row[data-id="${real.id}"]`).click();
      const section = d.page.locator('.detail-semantic');
      await section.waitFor();
      expect(await section.locator('h3').textContent()).toContain('similarity 0.941');
      expect(await section.locator('.source-prompt').textContent()).toBe('How do I cache answers?');
      expect(await section.locator('vscode-button.evict').isVisible()).toBe(true);
    } finally {
      await d.close();
    }
  });

  it('sidebar: today at a glance and a button to the full dashboard', async () => {
    const d = await ui.open({ source: proxy.source, view: 'sidebar', theme: darkTheme, viewport: { width: 320, height: 800 } });
    try {
      await d.page.locator('.recent li').first().waitFor();
      const newest = (await proxy.source.listCalls({ limit: 1 })).calls[0]!;
      expect(await d.page.getAttribute('.recent li', 'data-id')).toBe(String(newest.id));
      await d.page.click('.topbar vscode-button');
      await poll(() => d.openDashboardRequests).toBe(1);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('saves light and dark screenshots', async () => {
    const d = await ui.open({ source: proxy.source, theme: lightTheme, viewport: { width: 1400, height: 1100 } });
    try {
      await d.page.locator('[data-summary-loaded="true"]').waitFor();
      const hit = (await allCalls()).find((c) => c.cache === 'exact')!;
      await d.page.locator(`.vt-body .vt-row[data-id="${hit.id}"]`).click();
      await d.page.locator('.detail-pane .detail').waitFor();
      await d.page.screenshot({ path: screenshotPath('dashboard-light.png') });
      await expectGraphicsContrast(d.page, 'light');
      await d.setTheme(darkTheme);
      // Charts repaint in the new theme's colours.
      const purple = hexToRgb(darkTheme.vars['--vscode-charts-purple']!);
      await poll(() => canvasPixelsOfColour(d.page, '[data-chart="cache"] canvas', purple)).toBeGreaterThan(0);
      await d.page.screenshot({ path: screenshotPath('dashboard-dark.png') });
      await expectGraphicsContrast(d.page, 'dark');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('says when the proxy is down and recovers when it starts', async () => {
    // A port that was just free: nothing listens there until the proxy starts below.
    const probe = await startHarness();
    const port = probe.proxy.port;
    await probe.close();
    const adminToken = 'dashboard-recovery-token';
    const down = new OwnStreamSource(`http://127.0.0.1:${port}`, adminToken, 100);
    const d = await ui.open({ source: down, theme: lightTheme });
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-dashboard-'));
    let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
    try {
      await d.page.locator('.conn[data-state="offline"]').waitFor();
      await d.page.locator('.errors [data-error="calls"]').waitFor();
      expect(await d.page.textContent('.loading')).toContain('tollgate start');
      proxy = await startProxy({ port, dataDir, env: {}, adminToken });
      await d.page.locator('.empty-state').waitFor({ timeout: 20_000 });
      expect(await d.page.textContent('.conn')).toContain('Live');
      expect(await d.page.locator('.errors [data-error="calls"]').count()).toBe(0);
    } finally {
      await d.close();
      down.dispose();
      await proxy?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the calls it showed, marked not current, when Refresh finds the proxy offline; reloads when it is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-dashboard-'));
    const first = await startHarness({}, { dataDir });
    const { port, adminToken } = { port: first.proxy.port, adminToken: first.proxy.adminToken };
    let running: { close(): Promise<void> } | undefined = first;
    const source = new OwnStreamSource(first.proxy.url, adminToken, 100);
    const d = await ui.open({ source, theme: lightTheme });
    const side = await ui.open({ source, view: 'sidebar', theme: lightTheme, viewport: { width: 300, height: 800 } });
    try {
      const client = new OpenAI({ baseURL: first.openaiBaseUrl, apiKey: 'sk-test-dashboard', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'offline-check' } });
      for (const n of [1, 2]) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `before the proxy stops ${n}` }] });
      await poll(() => d.page.textContent('.count')).toBe('2 calls');
      const shown = await rowTexts(d.page);
      expect(shown.length).toBe(2);
      await poll(() => side.page.locator('.recent li').count()).toBe(2);
      await poll(() => side.page.textContent('[data-kpi="calls"] .kpi-value')).toBe('2');

      await first.close();
      running = undefined;
      await d.page.locator('.conn[data-state="offline"]').waitFor();
      await d.page.click('vscode-button[title="Reload from the proxy"]');
      await d.page.locator('.errors [data-error="calls"]').waitFor();
      // The rows stay, said to be the last ones loaded, and the page says why.
      expect(await rowTexts(d.page)).toEqual(shown);
      expect(await d.page.getAttribute('.calls', 'data-stale')).toBe('true');
      expect(await d.page.textContent('.count')).toMatch(/2 calls · not current: the proxy is offline/);
      expect(await d.page.textContent('.errors [data-error="calls"]')).toMatch(/proxy is offline/i);
      // Scrolling and the keyboard still work on what is shown.
      await d.page.click('.vt-body .vt-row[data-index="0"]');
      await d.page.locator('.detail-pane').waitFor();
      // The sidebar's next re-read (a budget alert, its minute timer) fails too: today's figures stay, said to be old.
      await side.page.evaluate(() => window.postMessage({ kind: 'notification', type: 'budget/alert', alert: { budget: 'daily', level: 'warn', spentUsd: 1, limitUsd: 1.2, period: 'day' } }, '*'));
      await side.page.locator('.sidebar-notice:not([hidden])').waitFor();
      expect(await side.page.textContent('.sidebar-notice')).toMatch(/not current/);
      expect(await side.page.locator('.recent li').count()).toBe(2);
      expect(await side.page.textContent('[data-kpi="calls"] .kpi-value')).toBe('2');

      const again = await startProxy({ port, dataDir, env: {}, adminToken });
      running = again;
      await poll(() => d.page.getAttribute('.calls', 'data-stale')).toBe(null);
      expect(await rowTexts(d.page)).toEqual(shown);
      expect(await d.page.textContent('.count')).toBe('2 calls');
      expect(await d.page.locator('.errors [data-error="calls"]').count()).toBe(0);
      await side.page.locator('.sidebar-notice').waitFor({ state: 'hidden' });
      expect(d.problems).toEqual([]);
      expect(side.problems).toEqual([]);
    } finally {
      await d.close();
      await side.close();
      source.dispose();
      await running?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Every bar, gauge and chart series at 3:1 against its card (WCAG 1.4.11). */
async function expectGraphicsContrast(page: Parameters<typeof graphicsContrast>[0], theme: string): Promise<void> {
  const samples = await graphicsContrast(page);
  expect(samples.filter((s) => s.what.includes('bar')).length, `${theme}: bars measured`).toBeGreaterThan(0);
  expect(samples.filter((s) => s.what.includes('series')).length, `${theme}: chart series measured`).toBeGreaterThan(0);
  for (const s of samples) expect(s.ratio, `${theme}: ${s.what} ${s.fg} on ${s.bg}`).toBeGreaterThanOrEqual(3);
}
