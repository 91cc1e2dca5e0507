/**
 * The spend-over-time lines of a proxy with more models and features than the palette has colours
 * (six): once the bar lists have taken every colour, the keys that come later hash to one, and two
 * of the four lines could be drawn alike. In headless chromium with an in-page host whose summary
 * has seven models and seven features; plus the pure rule in SeriesColors.
 */
import { describe, expect, it } from 'vitest';
import { SeriesColors } from '../../webview/src/charts/seriesColors';
import { syntheticHostScript } from './support/syntheticHost';
import { lightTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`spend line colour browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

/** Candidate names, in order, whose first two take the same colour once all six are held. */
function collidingNames(prefix: string, n: number): string[] {
  const full = new SeriesColors(6);
  for (let i = 0; i < 6; i++) full.index(`held-${i}`);
  const names: string[] = [];
  const candidates = Array.from({ length: 200 }, (_, i) => `${prefix}-${i}`);
  const first = candidates[0]!;
  const twin = candidates.slice(1).find((c) => full.index(c) === full.index(first))!;
  names.push(first, twin);
  for (const c of candidates) if (names.length < n && !names.includes(c)) names.push(c);
  return names;
}

describe('series colours of keys drawn together', () => {
  it('are distinct while the palette lasts, and a key keeps a colour no earlier key has', () => {
    const colors = new SeriesColors(6);
    for (let i = 0; i < 7; i++) colors.index(`model-${i}`);
    const features = collidingNames('feature', 4);
    const before = features.map((k) => colors.index(k));
    expect(before[0]).toBe(before[1]); // the case the chart must not draw
    const drawn = colors.indices(features);
    expect(new Set(drawn).size).toBe(4);
    expect(drawn[0]).toBe(before[0]);
    // From now on the bars and the chart agree on each key's colour.
    expect(features.map((k) => colors.index(k))).toEqual(drawn);
    expect(colors.indices(features)).toEqual(drawn);
  });
});

describe.skipIf(!chromiumAvailable)('spend over time with more keys than colours in chromium', () => {
  const ui = useBrowser();

  it('draws the four feature lines in four colours, each its bar colour, after seven models took the palette', { timeout: 120_000 }, async () => {
    const models = Array.from({ length: 7 }, (_, i) => `model-${i}`);
    const features = collidingNames('feature', 7);
    // Summaries by model or by feature (costs falling, so the order is as listed), one bucket per series.
    const summaryHost = `(() => {
  const inner = window.__tollgateInPageHost;
  const models = ${JSON.stringify(models)};
  const features = ${JSON.stringify(features)};
  const bucket = (key, i) => ({ key, calls: 10, costUsd: 10 - i, savedUsd: 0, inputTokens: 1, outputTokens: 1, hits: 0 });
  window.__tollgateInPageHost = (m, reply) => {
    if (m.kind !== 'request' || m.type !== 'summary') return inner(m, reply);
    const p = m.params;
    const by = p.by === 'model' ? models.map(bucket) : p.by === 'feature' ? features.map(bucket) : [];
    const series = p.bucketMs ? [{ t: Math.floor((p.to - 3600000) / p.bucketMs) * p.bucketMs, costUsd: 1, savedUsd: 0, calls: 1, hits: 0 }] : undefined;
    const totals = { key: 'total', calls: 70, costUsd: 49, savedUsd: 0, inputTokens: 7, outputTokens: 7, hits: 0 };
    setTimeout(() => reply({ kind: 'response', id: m.id, type: m.type, ok: true, result: { from: p.from, to: p.to, totals, by, ...(series ? { series } : {}) } }), 0);
  };
})();`;
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + summaryHost });
    try {
      const page = d.page;
      await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
      await page.click('.seg-btn:has-text("by feature")');
      const lineColours = () =>
        page.$$eval('[data-chart="spend"] .u-legend .u-series', (rows) =>
          rows
            .map((r) => [r.querySelector('.u-label')?.textContent ?? '', getComputedStyle(r.querySelector('.u-marker')!).borderTopColor] as const)
            .filter(([label]) => label.startsWith('feature-')),
        );
      await poll(async () => (await lineColours()).map(([l]) => l)).toEqual(features.slice(0, 4));
      const lines = await lineColours();
      expect(new Set(lines.map(([, c]) => c)).size).toBe(4);
      // The bar of each of those features is drawn in its line's colour.
      const bars = await page.$$eval('[data-chart="by-feature"] .bars li', (lis) => lis.map((li) => [li.querySelector('.bar-label')?.textContent ?? '', getComputedStyle(li.querySelector('.bar-fill')!).backgroundColor] as const));
      for (const [label, colour] of lines) expect(bars.find(([l]) => l === label)?.[1], label).toBe(colour);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
