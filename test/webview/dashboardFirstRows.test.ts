/**
 * What the panel asks for first. Over a real proxy with 10,000 calls the table's first rows came
 * seconds after the panel opened: the panel asked for the batch opportunities together with its
 * first page, and the proxy works those out on its own thread (a scan of the range, ~0.3 s over
 * 10,000 calls), so the page, though asked for first, was answered after them. The cards below the
 * charts are now asked for once the first page and the headline figures are in, and the first page
 * is a fifth of a full one (the rest follows at once: as many rows are loaded as before).
 */
import { describe, expect, it } from 'vitest';
import type { DashboardDataSource } from '../../extension/src/dashboard/dataSource';
import { sendChat, useProxy } from './support/proxySuite';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`first-rows browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 50 });

/**
 * Logs every request of the synthetic host (`window.__asked`: type and limit, in order) and holds
 * its calls/page answers until `window.__releasePages()`.
 */
const logAndHoldScript = `(() => {
  const inner = window.__tollgateInPageHost;
  const asked = (window.__asked = []);
  const held = [];
  window.__heldPages = () => held.length;
  window.__releasePages = () => { for (const f of held.splice(0)) f(); };
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind !== 'request') return inner(m, reply);
    asked.push({ type: m.type, limit: m.params.limit, before: m.params.before });
    if (m.type === 'calls/page') held.push(() => inner(m, reply));
    else inner(m, reply);
  };
})();`;

type Asked = { type: string; limit?: number; before?: number };
const BELOW_THE_FOLD = ['batch/opportunities', 'batch/list', 'cache/quality'];

describe.skipIf(!chromiumAvailable)('the panel\'s first requests', () => {
  const ui = useBrowser();
  const proxy = useProxy();

  it('asks for the cards below the charts only once the first page is in, and that page is small', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(2000) + logAndHoldScript });
    try {
      const page = d.page;
      const asked = () => page.evaluate('window.__asked') as Promise<Asked[]>;
      await poll(() => page.evaluate('window.__heldPages()')).toBe(1);
      // The headline's summaries have been answered and drawn; the page is still held.
      await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
      expect((await asked()).filter((a) => BELOW_THE_FOLD.includes(a.type))).toEqual([]);
      await page.evaluate('window.__releasePages()');
      await poll(async () => (await asked()).filter((a) => BELOW_THE_FOLD.includes(a.type)).length).toBe(3);
      // The rest of a full page follows the first at once, without scrolling.
      await poll(() => page.evaluate('window.__heldPages()')).toBe(1);
      await page.evaluate('window.__releasePages()');
      await poll(() => page.textContent('.calls .count')).toBe('500 of 2,000 loaded (scroll for more)');
      const pages = (await asked()).filter((a) => a.type === 'calls/page');
      expect(pages).toEqual([
        { type: 'calls/page', limit: 100 },
        { type: 'calls/page', limit: 400, before: 1901 },
      ]);
    } finally {
      await d.close();
    }
  });

  it('over a real proxy, the first page is answered before the batch opportunities are asked for', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 3; i++) await sendChat(proxy.harness, `first-rows-${i}`);
    const order: string[] = [];
    const source = proxy.source;
    const logged: DashboardDataSource = Object.create(source, {
      listCalls: {
        value: async (q: Parameters<DashboardDataSource['listCalls']>[0]) => {
          const p = await source.listCalls(q);
          order.push(`page of ${p.calls.length}`);
          return p;
        },
      },
      batchOpportunities: {
        value: (from: number) => {
          order.push('batch opportunities');
          return source.batchOpportunities(from);
        },
      },
      semanticQuality: {
        value: (from?: number) => {
          order.push('quality');
          return source.semanticQuality(from);
        },
      },
    });
    const d = await ui.open({ source: logged, theme: darkTheme });
    try {
      await poll(() => d.page.locator('.vt-body .vt-row:not([hidden])').count()).toBe(3);
      await poll(() => order.includes('batch opportunities') && order.includes('quality')).toBe(true);
      expect(order[0]).toBe('page of 3');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
