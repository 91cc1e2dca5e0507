/**
 * Figures the sidebar and the budget gauges show in chromium must agree with the bar and the table:
 * a budget with both a $ and a token limit whose tokens run out first says so (not "$1.00 of
 * $10.00" under a 95 % bar), and a call to a model without a known price reads "unpriced", as in
 * the panel's table, never "$0" as if it were free. Hostile text in names stays text.
 */
import { describe, expect, it } from 'vitest';
import { budgetFigures } from '../../webview/src/charts/budgetGauges';
import type { BudgetStatus } from '../../webview/src/protocol';
import { lightTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`sidebar browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const hour = 3_600_000;
const both: BudgetStatus = { name: 'both-limits', period: 'day', scope: 'team=a', spentUsd: 1, limitUsd: 10, spentTokens: 95_000, limitTokens: 100_000, ratio: 0.95, forecastUsd: 2, resetsAt: 0 };
const tokensOnly: BudgetStatus = { name: 'tokens-only', period: 'day', scope: 'global', spentUsd: 0.5, spentTokens: 90_000, limitTokens: 100_000, ratio: 0.9, forecastUsd: 3, resetsAt: 0 };
const usdBinds: BudgetStatus = { ...both, name: 'usd-binds', spentUsd: 9.5, spentTokens: 10_000 };

describe('budget figures (pure)', () => {
  it('shows the limit that fills the bar, and the $ forecast marker only on a $ bar', () => {
    expect(budgetFigures(both)).toEqual({ spent: '$1.00 of $10.00, 95k of 100k tokens', forecastRatio: undefined });
    expect(budgetFigures(tokensOnly)).toEqual({ spent: '90k of 100k tokens', forecastRatio: undefined });
    expect(budgetFigures(usdBinds).forecastRatio).toBeCloseTo(0.2);
    expect(budgetFigures({ ...usdBinds, limitTokens: undefined }).spent).toBe('$9.50 of $10.00');
  });
});

describe.skipIf(!chromiumAvailable)('sidebar figures in chromium', () => {
  const ui = useBrowser();

  it('says which limit is running out and never shows an unpriced call as $0', async () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const budgets = [
      { ...tokensOnly, name: `tokens-only ${evil}`, resetsAt: Date.now() + hour },
      { ...both, resetsAt: Date.now() + hour },
    ];
    const host = `(() => {
      const budgets = ${JSON.stringify(budgets)};
      const call = (id, extra) => ({
        id, requestId: 'tg_' + id, ts: Date.now() - (10 - id) * 1000, keyFingerprint: 'tg_0', tags: { feature: ${JSON.stringify(evil)} },
        provider: 'openai', endpoint: 'chat.completions', modelRequested: 'my-private-model', modelUsed: 'my-private-model', stream: false,
        cache: 'miss', inputTokens: 1000, outputTokens: 200, cachedTokens: 0, cacheWriteTokens: 0, tokensEstimated: false,
        costUsd: 0, savedUsd: 0, priced: false, latencyMs: 50, overheadMs: 1, status: 200, attempt: 1, ...extra,
      });
      const calls = [call(2), call(1, { modelRequested: 'gpt-4o-mini', modelUsed: 'gpt-4o-mini', priced: true, costUsd: 0.0002 })];
      window.__tollgateInPageHost = (m, reply) => setTimeout(() => {
        if (m.kind === 'command' && m.type === 'ready') {
          reply({ kind: 'notification', type: 'init', proxyUrl: 'http://127.0.0.1:1', view: 'sidebar', connection: { state: 'connected', proxyUrl: 'http://127.0.0.1:1' } });
          return;
        }
        if (m.kind !== 'request') return;
        const ok = (result) => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result });
        if (m.type === 'calls/page') ok({ calls, total: calls.length });
        else if (m.type === 'summary') ok({ from: m.params.from, to: m.params.to, totals: { key: 'total', calls: 2, costUsd: 0.0002, savedUsd: 0, inputTokens: 2000, outputTokens: 400, hits: 0 }, by: [], series: [] });
        else if (m.type === 'budgets') ok(budgets);
        else reply({ kind: 'response', id: m.id, type: m.type, ok: false, error: 'not in this host' });
      }, 0);
    })();`;
    const d = await ui.open({ theme: lightTheme, inPageHost: host, view: 'sidebar', viewport: { width: 360, height: 900 } });
    try {
      await d.page.locator('.recent li').nth(1).waitFor();
      const gauge = (name: string) => d.page.locator(`.gauge[data-budget="${name}"] .gauge-foot`).textContent();
      expect(await gauge('both-limits')).toContain('95k of 100k tokens');
      expect(await d.page.locator('.gauge[data-budget="both-limits"] .gauge-forecast').count()).toBe(0);
      expect(await d.page.locator('.gauge[data-budget^="tokens-only"] .gauge-foot').textContent()).toContain('90k of 100k tokens');
      const amounts = await d.page.$$eval('.recent li', (lis) => lis.map((li) => li.lastElementChild?.textContent ?? ''));
      expect(amounts).toEqual(['unpriced', '$0.00020']);
      expect(await d.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await d.page.locator('img').count()).toBe(0);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
