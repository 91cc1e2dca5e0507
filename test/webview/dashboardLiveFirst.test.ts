/**
 * A fresh proxy answers the first page of /tollgate/calls seconds after the panel opens (the ledger
 * warming up), while the event stream already delivers calls. The panel said "Loading calls from
 * the proxy…" until the page came, hiding the calls the user had just made; and the page, when it
 * came, went after the live rows whatever their ids, so a call the page had but the stream had not
 * delivered yet sat below older ones. Live rows now show as they come, and the first page merges
 * into them newest first, each call once. Also a Refresh: calls streamed in while its page was on
 * the way were dropped when the page replaced the rows. The sidebar's latest calls likewise: each
 * re-read replaced the list with its page, so calls streamed in meanwhile vanished until the next.
 */
import { describe, expect, it } from 'vitest';
import { liveCall, streamingHostScript } from './support/streamingHost';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`live-first browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

/**
 * Holds every calls/page answer of the synthetic host until `window.__releasePages(n?)` (the first
 * n held, or all); the held answers then go out as computed when released (the calls the proxy has by then).
 */
const holdPagesScript = `(() => {
  const inner = window.__tollgateInPageHost;
  const held = [];
  window.__heldPages = () => held.length;
  window.__releasePages = (n) => { for (const f of held.splice(0, n ?? held.length)) f(); };
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind === 'request' && m.type === 'calls/page') held.push(() => inner(m, reply));
    else inner(m, reply);
  };
})();`;

/** Sets `window.__pageApplied`: settles on the frame after the next calls/page answer is handled. */
const pageAppliedScript = `window.__pageApplied = new Promise((resolve) => {
  addEventListener('message', function seen(e) {
    if (e.data?.kind !== 'response' || e.data.type !== 'calls/page') return;
    removeEventListener('message', seen);
    requestAnimationFrame(() => resolve(true));
  });
}); undefined`;

/** The ids of the table's rows as shown, top to bottom. */
const shownIds = `[...document.querySelectorAll('.vt-body .vt-row:not([hidden])')].sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index)).map((r) => Number(r.dataset.id))`;
type Push = { __push(calls: unknown[]): void };

describe.skipIf(!chromiumAvailable)('live calls before the first page', () => {
  const ui = useBrowser();

  it('show at once, and the first page merges in newest first without duplicates', { timeout: 120_000 }, async () => {
    // The proxy holds calls 1..30; the stream delivers 28 and 29 before the page, 30 not yet.
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(30) + holdPagesScript + streamingHostScript() });
    try {
      const page = d.page;
      await poll(() => page.evaluate('window.__heldPages()'));
      await page.evaluate((cs) => (window as unknown as Push).__push(cs), [liveCall(28), liveCall(29)]);
      await poll(() => page.evaluate(shownIds)).toEqual([29, 28]);
      expect(await page.isVisible('.loading')).toBe(false);
      await page.evaluate('window.__releasePages()');
      await poll(() => page.evaluate(`${shownIds}.slice(0, 5)`)).toEqual([30, 29, 28, 27, 26]);
      const ids = (await page.evaluate(shownIds)) as number[];
      expect(new Set(ids).size).toBe(ids.length);
      await poll(() => page.textContent('.calls .count')).toBe('30 calls');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('a Refresh keeps the calls streamed in while its page was on the way', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(30) + holdPagesScript + streamingHostScript() });
    try {
      const page = d.page;
      await poll(() => page.evaluate('window.__heldPages()'));
      await page.evaluate('window.__releasePages()');
      await poll(() => page.evaluate(`${shownIds}[0]`)).toBe(30);
      await page.click('vscode-button[title="Reload from the proxy"]');
      await poll(() => page.evaluate('window.__heldPages()'));
      // Recorded after the page was read: the stream has it, the page does not.
      await page.evaluate((cs) => (window as unknown as Push).__push(cs), [liveCall(31)]);
      await poll(() => page.evaluate(`${shownIds}[0]`)).toBe(31);
      // The rows as drawn once the page is in: its answer reaches the app's listener first (registered
      // at load), whose continuation asks the table for a frame before this listener asks for the next.
      await page.evaluate(pageAppliedScript);
      await page.evaluate('window.__releasePages()');
      await page.evaluate('window.__pageApplied');
      expect(((await page.evaluate(shownIds)) as number[]).slice(0, 3)).toEqual([31, 30, 29]);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});

/**
 * Calls recorded by the proxy after it opened: they go out on the stream and are in every first
 * page read after them (the synthetic host's ledger is fixed). The page is read when asked for,
 * before any hold (run between holdPagesScript and streamingHostScript).
 */
const recordingScript = `(() => {
  const inner = window.__tollgateInPageHost;
  const recorded = [];
  window.__record = (calls) => { recorded.push(...calls); window.__push(calls); };
  window.__tollgateInPageHost = (m, reply) => {
    if (!(m.kind === 'request' && m.type === 'calls/page' && m.params.before === undefined)) return inner(m, reply);
    const newer = recorded.slice().reverse();
    inner(m, (r) => reply(r.ok ? { ...r, result: { ...r.result, calls: [...newer, ...r.result.calls].slice(0, m.params.limit), total: r.result.total + newer.length } } : r));
  };
})();`;
type Record = { __record(calls: unknown[]): void };

describe.skipIf(!chromiumAvailable)('the sidebar\'s latest calls while a page is on the way', () => {
  const ui = useBrowser();
  const recentIds = `[...document.querySelectorAll('.recent li')].map((li) => Number(li.dataset.id))`;

  it('keeps the calls streamed in meanwhile, newest first, ten at most', { timeout: 120_000 }, async () => {
    const host = syntheticHostScript(30) + holdPagesScript + recordingScript + streamingHostScript();
    const d = await ui.open({ theme: darkTheme, view: 'sidebar', viewport: { width: 360, height: 900 }, inPageHost: host });
    try {
      const page = d.page;
      await poll(() => page.evaluate('window.__heldPages()'));
      await page.evaluate('window.__releasePages()');
      await poll(() => page.evaluate(recentIds)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
      // A live call starts the once-a-second re-read; its page (which has 31) is held, as a slow proxy's would be.
      await page.evaluate((cs) => (window as unknown as Record).__record(cs), [liveCall(31)]);
      await poll(() => page.evaluate('window.__heldPages()')).toBe(1);
      // Recorded after that page was read: the stream has it, the page does not.
      await page.evaluate((cs) => (window as unknown as Record).__record(cs), [liveCall(32)]);
      await poll(() => page.evaluate(`${recentIds}[0]`)).toBe(32);
      // Only that page: 32 starts a re-read of its own a second later, whose page (with 32) would hide the loss.
      await page.evaluate(`for (const li of document.querySelectorAll('.recent li')) li.dataset.mark = 'before'; window.__releasePages(1)`);
      // The list is drawn anew once the page is applied: a condition, not a wait, so a slow machine changes nothing.
      await poll(() => page.evaluate(`document.querySelectorAll('.recent li[data-mark]').length`)).toBe(0);
      // The page must not take 32 away until the next re-read; nor may a call show twice.
      expect(await page.evaluate(recentIds)).toEqual([32, 31, 30, 29, 28, 27, 26, 25, 24, 23]);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
