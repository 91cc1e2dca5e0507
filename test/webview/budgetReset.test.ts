/**
 * A budget period that ends while the dashboard is open: the gauges are read again as it resets,
 * not at the next periodic read (30 s in the panel, 60 s in the sidebar), which left the ended
 * period's spend under the gauge until then; and the panel's banner for that period goes with it. The page's clock is Playwright's, jumped past the reset.
 */
import { describe, expect, it } from 'vitest';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`budget reset browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const day = 86_400_000;
/** 00:00 UTC, when a daily budget resets. */
const end = Date.UTC(2026, 11, 5);

/** Answers the budgets as the proxy does at the page's time: $9 of $10 until the reset, a new day at $0 after it. */
const budgetsByClock = `(() => {
  const inner = window.__tollgateInPageHost;
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind !== 'request' || m.type !== 'budgets') return inner(m, reply);
    const [spentUsd, resetsAt] = Date.now() < ${end} ? [9, ${end}] : [0, ${end + day}];
    const budget = { name: 'daily', period: 'day', scope: 'global', spentUsd, limitUsd: 10, spentTokens: 0, ratio: spentUsd / 10, forecastUsd: spentUsd, resetsAt };
    setTimeout(() => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result: [budget] }), 0);
  };
})();`;

/** The sidebar's "Today" from a ledger of one $4.20 call a minute before local midnight, answered at the page's time. */
const midnight = new Date(2026, 11, 5).getTime();
const summaryByClock = `(() => {
  const inner = window.__tollgateInPageHost;
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind !== 'request' || m.type !== 'summary') return inner(m, reply);
    const today = ${midnight} - 60000 >= m.params.from;
    const totals = { key: 'total', calls: today ? 1 : 0, costUsd: today ? 4.2 : 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 };
    setTimeout(() => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result: { from: m.params.from, to: Date.now(), totals, by: [], series: [] } }), 0);
  };
})();`;

describe.skipIf(!chromiumAvailable)('budget gauges across a reset', () => {
  const ui = useBrowser();

  it.each(['panel', 'sidebar'] as const)('the %s reads the budgets again when their period ends', { timeout: 120_000 }, async (view) => {
    const d = await ui.open({ theme: darkTheme, view, clockAt: end - 10_000, inPageHost: syntheticHostScript(20) + budgetsByClock });
    try {
      const foot = d.page.locator('.gauge[data-budget="daily"] .gauge-foot');
      await foot.filter({ hasText: '$9.00 of $10.00' }).waitFor();
      // Two seconds past the reset: well before either periodic read.
      await d.page.clock.fastForward(12_000);
      await foot.filter({ hasText: '$0 of $10.00' }).waitFor({ timeout: 10_000 });
      expect(await foot.textContent()).toContain('resets in 24 h');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('the panel’s "exceeded" banner goes when the period ends', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, clockAt: end - 10_000, inPageHost: syntheticHostScript(20) + budgetsByClock });
    try {
      await d.page.locator('.gauge[data-budget="daily"]').waitFor();
      const alert = { budget: 'daily', level: 'exceeded', spentUsd: 10, limitUsd: 10, spentTokens: 0, period: 'day', resetsAt: end };
      await d.page.evaluate((a) => window.postMessage({ kind: 'notification', type: 'budget/alert', alert: a }, '*'), alert);
      const banner = d.page.locator('.alerts .banner', { hasText: 'Budget "daily" exceeded' });
      await banner.waitFor();
      await d.page.clock.fastForward(12_000);
      await banner.waitFor({ state: 'detached', timeout: 10_000 });
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('the sidebar’s "Today" starts again at local midnight', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, view: 'sidebar', clockAt: midnight - 10_000, inPageHost: syntheticHostScript(20) + summaryByClock });
    try {
      const spend = d.page.locator('[data-kpi="spend"] .kpi-value');
      await spend.filter({ hasText: '$4.20' }).waitFor();
      // Two seconds into the new day: well before the minute's periodic read.
      await d.page.clock.fastForward(12_000);
      await spend.filter({ hasText: '$0' }).waitFor({ timeout: 10_000 });
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
