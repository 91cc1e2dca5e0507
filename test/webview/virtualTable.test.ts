/**
 * Scale: the call table with 100,000 loaded calls keeps a constant number of row elements, reaches
 * the oldest call by scrolling, and sorts all of them. Headless chromium with an in-page synthetic
 * host (see support/syntheticHost.ts); timing figures are logged with a 1,000-row baseline from the
 * same run, never asserted.
 */
import { describe, expect, it } from 'vitest';

/** Polls with room for a busy shared machine (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });
import { formatUsd } from '../../webview/src/format';
import { syntheticCost, syntheticHostScript } from './support/syntheticHost';
import { darkTheme } from './support/themes';
import { chromiumAvailable, CHROMIUM, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`virtual table browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const TOTAL = 100_000;

/** Scrolls to the bottom until everything is loaded; returns the scroll steps taken. Page source. */
const loadEverything = `(async () => {
  const vp = document.querySelector('.vt-viewport');
  const count = document.querySelector('.calls .count');
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  // Resolves when the count label changes (a page arrived), or after a frame as a fallback.
  const pageOrFrame = () => new Promise((r) => {
    const mo = new MutationObserver(() => { mo.disconnect(); r(); });
    mo.observe(count, { childList: true, characterData: true, subtree: true });
    frame().then(() => setTimeout(() => { mo.disconnect(); r(); }, 50));
  });
  let steps = 0;
  while (!/^100,000 calls/.test(count.textContent) && steps < 5000) {
    vp.scrollTop = vp.scrollHeight;
    steps++;
    await pageOrFrame();
  }
  // The last page makes the table taller on the next frame: then go to the very end.
  await frame();
  vp.scrollTop = vp.scrollHeight;
  await frame();
  await frame();
  return steps;
})()`;

/** Mean ms per (jump to a random row + two frames), over n jumps within the loaded rows. Page source. */
const scrollCost = (n: number) => `(async () => {
  const vp = document.querySelector('.vt-viewport');
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  let seed = 42;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const t0 = performance.now();
  for (let i = 0; i < ${n}; i++) {
    vp.scrollTop = Math.floor(rnd() * (vp.scrollHeight - vp.clientHeight));
    await frame();
    await frame();
  }
  return (performance.now() - t0) / ${n};
})()`;

describe.skipIf(!chromiumAvailable)('virtualised call table at 100,000 calls', () => {
  const ui = useBrowser();

  // Generous timeout: the machine is shared, and headless frames slow down under load.
  it('loads, scrolls and sorts 100,000 calls with a bounded DOM', { timeout: 300_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(TOTAL) });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      expect(await page.textContent('.calls .count')).toBe(`500 of ${TOTAL.toLocaleString('en-US')} loaded (scroll for more)`);
      const msAt500 = (await page.evaluate(scrollCost(20))) as number;

      const t0 = performance.now();
      const steps = (await page.evaluate(loadEverything)) as number;
      console.log(`virtual table: loaded ${TOTAL} calls in ${steps} scroll steps, ${(performance.now() - t0).toFixed(0)} ms`);
      expect(await page.textContent('.calls .count')).toBe('100,000 calls');
      expect(steps).toBeGreaterThan(1);
      // The oldest call is at the bottom, and only the rows in view exist in the DOM.
      const bottomIds = await page.$$eval('.vt-body .vt-row:not([hidden])', (rows) => rows.map((r) => Number((r as HTMLElement).dataset.id)));
      expect(bottomIds).toContain(1);
      const rowElements = await page.$$eval('.vt-body .vt-row', (rows) => rows.length);
      expect(rowElements).toBeLessThan(100);
      // Scroll height stands for all rows (26 px each) plus the header.
      const scrollHeight = await page.$eval('.vt-viewport', (vp) => vp.scrollHeight);
      expect(scrollHeight).toBeGreaterThanOrEqual(TOTAL * 26);

      const msAt100k = (await page.evaluate(scrollCost(20))) as number;
      console.log(`virtual table: ${msAt100k.toFixed(1)} ms per random jump + 2 frames with 100,000 rows vs ${msAt500.toFixed(1)} ms with 500 rows (ratio ${(msAt100k / msAt500).toFixed(2)}); ${rowElements} row elements`);

      // Sorting by cost orders all 100,000 loaded calls.
      let maxCost = 0;
      for (let id = 1; id <= TOTAL; id++) maxCost = Math.max(maxCost, syntheticCost(id));
      await page.click('[data-col="cost"] .vt-sort');
      await poll(() => page.$eval('.vt-body .vt-row[data-index="0"] [data-col="cost"]', (c) => c.textContent))
        .toBe(formatUsd(maxCost));
      expect(await page.textContent('.calls .count')).toContain('sorted among loaded calls');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
