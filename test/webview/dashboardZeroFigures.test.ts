/**
 * Figures with nothing under them, in chromium against a real proxy: a ledger whose only calls are
 * from days ago (the sidebar's "Today" and the panel's range hold no call to rate a cache by), and
 * limits of 0, valid in the policy (a $0 budget with `allow` flags every dollar spent; a token
 * limit of 0 freezes the scope), after a real SDK call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import type { BudgetStatus } from '../../webview/src/protocol';
import { ledgerRow } from '../support/ledgerRow';
import { sendChat, useProxy } from './support/proxySuite';
import { streamingHostScript } from './support/streamingHost';
import { syntheticHostScript } from './support/syntheticHost';
import { lightTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`zero-figures browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

describe.skipIf(!chromiumAvailable)('dashboard figures with nothing to divide by', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-zero-figures-'));
  // Before the proxy opens the file: three calls, all three days old.
  beforeAll(() => {
    const db = openDatabase(join(dataDir, 'tollgate.db'));
    try {
      const ledger = new Ledger(db);
      for (let i = 0; i < 3; i++) ledger.record(ledgerRow({ requestId: `old${i}`, ts: Date.now() - 3 * 86_400_000 - i * 60_000, cache: i === 0 ? 'exact' : 'miss' }));
    } finally {
      db.close();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const proxy = useProxy(
    {
      budgets: [
        { name: 'frozen-usd', period: 'month', usd: 0, action: 'allow' },
        { name: 'frozen-tokens', period: 'month', usd: 1000, tokens: 0, action: 'allow' },
      ],
    },
    { dataDir },
  );
  const ui = useBrowser();

  it.each(['sidebar', 'panel'] as const)('the %s rates no cache when the range has no calls', { timeout: 120_000 }, async (view) => {
    const d = await ui.open({ source: proxy.source, view, theme: lightTheme });
    try {
      await poll(() => d.page.textContent('[data-kpi="calls"] .kpi-value')).toBe('0');
      // "0 %, 0 of 0" read as a cache that never hits.
      expect(await d.page.textContent('[data-kpi="hit"] .kpi-value')).toBe('–');
      expect(await d.page.locator('[data-kpi="hit"] .kpi-sub').count()).toBe(0);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('shows a $0 budget and a 0-token limit as they stand after a real call', { timeout: 120_000 }, async () => {
    await sendChat(proxy.harness, 'zero-budgets');
    const budgets = await proxy.source.budgets();
    const usd = budgets.find((b) => b.name === 'frozen-usd')!;
    expect(usd.limitUsd).toBe(0);
    expect(usd.forecastUsd).toBeGreaterThan(0);
    const d = await ui.open({ source: proxy.source, view: 'sidebar', theme: lightTheme });
    try {
      const gauge = (name: string) => d.page.locator(`.gauge[data-budget="${name}"]`);
      await gauge('frozen-tokens').waitFor();
      // Spending against $0 is over the limit, in words and with the forecast marker at the bar's end.
      expect(await gauge('frozen-usd').locator('.gauge-foot').textContent()).toMatch(/forecast \$[\d.]+ — over limit/);
      const mark = gauge('frozen-usd').locator('.gauge-forecast');
      expect(await mark.count()).toBe(1);
      expect(await mark.evaluate((el) => [el.style.left, el.classList.contains('over')])).toEqual(['100%', true]);
      // The bar is full from the 0-token limit: a marker on the $ scale would point at the wrong figure.
      expect(await gauge('frozen-tokens').locator('.gauge-pct').textContent()).toBe('100%');
      expect(await gauge('frozen-tokens').locator('.gauge-forecast').count()).toBe(0);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('reads a budget just short of its warn point or its limit as short of it, not rounded up', { timeout: 120_000 }, async () => {
    // As the proxy sends them: the gauge's colour comes from `ratio` against `warnAt` and 1.
    const budget = (name: string, spentUsd: number): BudgetStatus => ({ name, period: 'day', scope: 'global', spentUsd, limitUsd: 10, spentTokens: 0, ratio: spentUsd / 10, warnAt: 0.8, forecastUsd: spentUsd, resetsAt: Date.now() + 3_600_000 });
    const budgets = [budget('short-of-warn', 7.996), budget('at-warn', 8), budget('short-of-limit', 9.996), budget('at-limit', 10)];
    const d = await ui.open({ theme: lightTheme, view: 'sidebar', inPageHost: syntheticHostScript(20) + streamingHostScript({ budgets }) });
    try {
      await d.page.locator('.gauge[data-budget="at-limit"]').waitFor();
      const read = await d.page.$$eval('.gauge', (gs) => gs.map((g) => [(g as HTMLElement).dataset.budget, g.querySelector('.gauge-pct')!.textContent, g.classList.contains('warn') ? 'warn' : g.classList.contains('exceeded') ? 'exceeded' : 'ok', g.querySelector('[role="meter"]')!.getAttribute('aria-valuenow')]));
      expect(read).toEqual([
        ['short-of-warn', '79%', 'ok', '79'],
        ['at-warn', '80%', 'warn', '80'],
        ['short-of-limit', '99%', 'warn', '99'],
        ['at-limit', '100%', 'exceeded', '100'],
      ]);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('draws a spend line for a feature or model whose name ends in "others"', { timeout: 120_000 }, async () => {
    // A valid tag (letters and spaces), not the bars' folded row.
    const bucket = (key: string, costUsd: number) => ({ key, calls: 2, costUsd, savedUsd: 0, inputTokens: 1, outputTokens: 1, hits: 0 });
    const summaryBy = [bucket('help others', 3), bucket('gpt-4o', 2), bucket('gpt-4o-mini', 1)];
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript({ summaryBy }) });
    try {
      await poll(() => d.page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
      const labels = await d.page.$$eval('[data-chart="spend"] .u-legend .u-series .u-label', (els) => els.map((e) => e.textContent));
      expect(labels).toEqual(expect.arrayContaining(['help others', 'gpt-4o', 'gpt-4o-mini']));
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
