/**
 * The dashboard under a steady live stream (a batch of calls every 50 ms, as the host batches a busy
 * proxy): the summary behind the charts, bars, budgets and ledger totals keeps refreshing, screen
 * readers are not read every batch, and rows a user has scrolled to stay where they are. Outcomes
 * only (requests made, mutations seen, rows in place), no timing thresholds.
 */
import { describe, expect, it } from 'vitest';
import { streamingHostScript } from './support/streamingHost';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`live stream browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });
const requests = (type: string) => `(window.__requests[${JSON.stringify(type)}] || 0)`;
/** Streams for `ms`: one batch of `per` calls every 50 ms. */
const stream = (ms: number, per = 5) => `window.__stream(${ms}, 50, ${per})`;

describe.skipIf(!chromiumAvailable)('dashboard under a steady live stream', () => {
  const ui = useBrowser();

  it('panel: the summary refreshes during the stream, not only after it stops', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(1000) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      await poll(() => page.evaluate(requests('budgets')));
      const before = (await page.evaluate(requests('budgets'))) as number;
      // 4 s of batches 50 ms apart: a refresh at most a second after the first live call, then again.
      const batches = (await page.evaluate(stream(4000))) as number;
      expect(batches).toBeGreaterThan(20);
      const during = ((await page.evaluate(requests('budgets'))) as number) - before;
      expect(during).toBeGreaterThanOrEqual(2);
      // And no more than one per live batch (it is still debounced, not per batch).
      expect(during).toBeLessThan(batches / 4);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('sidebar: today\'s figures are re-read from the ledger during the stream', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, view: 'sidebar', viewport: { width: 300, height: 800 }, inPageHost: syntheticHostScript(1000) + streamingHostScript() });
    try {
      const page = d.page;
      await poll(() => page.evaluate(requests('summary')));
      const before = (await page.evaluate(requests('summary'))) as number;
      await page.evaluate(stream(4000));
      expect(((await page.evaluate(requests('summary'))) as number) - before).toBeGreaterThanOrEqual(2);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('live calls do not make screen readers speak on every batch', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(1000) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      // The load's own answer (said once its first full page is in) comes before the stream.
      await poll(() => page.textContent('.calls-head [role="status"]')).toBe('500 of 1,000 loaded (scroll for more)');
      // Every text change inside a live region (aria-live, or an implicit one: status, alert, log).
      await page.evaluate(`(() => {
        window.__spoken = 0;
        const live = (n) => n && n.nodeType === 1 ? n.closest('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"], [role="log"]') : live(n && n.parentElement);
        new MutationObserver((list) => { for (const m of list) if (live(m.target)) window.__spoken++; })
          .observe(document.body, { subtree: true, childList: true, characterData: true });
      })()`);
      const countBefore = await page.textContent('.calls .count');
      await page.evaluate(stream(2000));
      // The visible count moved with the stream, but nothing in a live region did.
      expect(await page.textContent('.calls .count')).not.toBe(countBefore);
      expect(await page.evaluate('window.__spoken')).toBe(0);
      // A filter the user applies is still announced, once.
      await page.$eval('.calls-head [role="status"]', (s) => { s.textContent = ''; });
      await page.fill('vscode-textfield[data-filter="team"] >> input', 'team-1');
      await poll(() => page.textContent('.calls-head [role="status"]')).toMatch(/loaded|calls? match|\d calls?$/);
      expect(await page.textContent('.calls-head [role="status"]')).toBe(await page.textContent('.calls .count'));
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('rows a user scrolled to stay in place while new calls arrive above them', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(5000) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      /** The call whose row is at the top edge of the viewport, and where it is drawn. */
      const topRow = `(() => {
        const vp = document.querySelector('.vt-viewport');
        const top = vp.getBoundingClientRect().top + 26 + 1; // under the sticky header
        const rows = [...document.querySelectorAll('.vt-body .vt-row:not([hidden])')].map((r) => ({ id: r.dataset.id, y: r.getBoundingClientRect().top }));
        const r = rows.filter((r) => r.y >= top - 26).sort((a, b) => a.y - b.y)[0];
        return r && { id: r.id, y: Math.round(r.y) };
      })()`;
      for (const sort of ['newest first', 'by cost']) {
        if (sort === 'by cost') await page.click('[data-col="cost"] .vt-sort');
        await page.$eval('.vt-viewport', (vp) => { vp.scrollTop = 200 * 26; });
        await page.waitForTimeout(200);
        const before = (await page.evaluate(topRow)) as { id: string; y: number } | undefined;
        expect(before).toBeTruthy();
        const firstId = await page.$eval('.vt-body .vt-row[data-index="0"]', (r) => (r as HTMLElement).dataset.id ?? null).catch(() => null);
        await page.evaluate(stream(1500, 10));
        await page.waitForTimeout(200);
        const after = (await page.evaluate(topRow)) as { id: string; y: number } | undefined;
        expect({ sort, ...after }).toEqual({ sort, ...before });
        // Back at the top, the newest calls show (the table still follows the stream there).
        await page.$eval('.vt-viewport', (vp) => { vp.scrollTop = 0; });
        if (sort === 'newest first') await poll(() => page.$eval('.vt-body .vt-row[data-index="0"]', (r) => (r as HTMLElement).dataset.id)).not.toBe(firstId);
      }
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
