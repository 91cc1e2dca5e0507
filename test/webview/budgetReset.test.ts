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
});
