/**
 * The dashboard's "Semantic cache quality" card: the pure row/sparkline logic, then the whole path
 * with a real proxy (USE-lite, sqlite-vec, the `openai` SDK; only the provider is fake): a
 * paraphrase is served semantically, the dashboard's evict reports it as a false hit, and the card
 * in headless chromium shows that feature's measured hit rate, false-hit rate and tighter
 * operating point, fetched through the same DashboardHost the panel uses.
 */
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { STEP_UP } from '../../proxy/src/cache/semantic/quality/qualityStore';
import type { ResponseMessage, SemanticFeatureQuality, SemanticQualityReport } from '../../webview/src/protocol';
import { isWebviewToHostMessage } from '../../webview/src/protocol';
import { FALSE_HIT_GOAL, levelOf, qualityRows, shiftText, sparkline } from '../../webview/src/quality/qualityData';
import { waitForEmbedder } from '../support/harness';
import { useProxy } from './support/proxySuite';
import { lightTheme } from './support/themes';
import { chromiumAvailable, screenshotPath, useBrowser } from './support/webviewPage';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });

function feature(f: Partial<SemanticFeatureQuality> & { feature: string }): SemanticFeatureQuality {
  return { lookups: 0, hits: 0, badHits: 0, hitRate: 0, falseHitRate: 0, minProbability: 0.73, adjustment: 0, feedback: 0, series: [], ...f };
}

describe('quality rows (pure)', () => {
  const report: SemanticQualityReport = {
    from: 0,
    defaultMinProbability: 0.73,
    features: [
      feature({ feature: 'quiet', lookups: 10, hits: 1, hitRate: 0.1 }),
      feature({
        feature: 'faq',
        lookups: 300,
        hits: 30,
        badHits: 6,
        hitRate: 0.1,
        falseHitRate: 0.02,
        minProbability: 0.79,
        adjustment: 0.06,
        feedback: 6,
        series: [
          { day: '2026-11-28', lookups: 100, hits: 5, badHits: 1 },
          { day: '2026-11-29', lookups: 0, hits: 0, badHits: 0 },
          { day: '2026-11-30', lookups: 200, hits: 25, badHits: 5 },
        ],
      }),
      feature({ feature: 'new', adjustment: -0.0311 }),
    ],
  };

  it('orders by lookups, flags a false-hit rate over the goal, and shows how feedback moved the point', () => {
    const rows = qualityRows(report);
    expect(rows.map((r) => r.feature)).toEqual(['faq', 'quiet', 'new']);
    expect(rows.map((r) => r.level)).toEqual(['warn', 'ok', 'none']);
    expect(rows[0]!.shift).toBe('+0.060');
    expect(rows[1]!.shift).toBe('default');
    expect(rows[2]!.shift).toBe('−0.031');
    expect(levelOf({ lookups: 1000, falseHitRate: FALSE_HIT_GOAL })).toBe('ok');
    expect(shiftText(0.0004)).toBe('default');
  });

  it('per-day rates are per lookup; a day without lookups is a gap that breaks the sparkline', () => {
    const faq = qualityRows(report)[0]!;
    expect(faq.points.map((p) => p.hitRate)).toEqual([0.05, undefined, 0.125]);
    expect(faq.points.map((p) => p.falseHitRate)).toEqual([0.01, undefined, 0.025]);
    const runs = sparkline(
      faq.points.map((p) => p.hitRate),
      100,
      20,
      0.125,
    );
    expect(runs).toEqual(['0,12', '100,0']);
    // A quiet series is scaled to at least 1 %, and a single day sits in the middle.
    expect(sparkline([0.001], 100, 20, 0.001)).toEqual(['50,18']);
    expect(sparkline([0.02, 0.01], 10, 10, 0.02)).toEqual(['0,0 10,5']);
  });

  it('the protocol accepts the cache/quality request', () => {
    expect(isWebviewToHostMessage({ kind: 'request', id: 1, type: 'cache/quality', params: { from: 0 } })).toBe(true);
  });
});

describe('quality card against a real proxy', () => {
  const proxy = useProxy({ cache: { semantic: { enabled: true, backend: 'use-lite', embedTimeoutMs: 10_000, wrongAnswerCostUsd: 0 } } });
  const ui = useBrowser();
  let sdk: OpenAI;

  beforeAll(async () => {
    sdk = new OpenAI({ baseURL: proxy.harness.openaiBaseUrl, apiKey: 'sk-quality-card', maxRetries: 0 });
    await waitForEmbedder(proxy.harness.proxy.url);
  }, 240_000);

  const ask = (content: string, feature: string) =>
    sdk.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }, { headers: { 'x-tollgate-feature': feature } }).withResponse();

  it('a hit the dashboard evicts shows as that feature’s false hit; the host answers cache/quality', async () => {
    await ask('How do I reset my password?', 'faq');
    const hit = await ask('How can I reset my password?', 'faq');
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('semantic');
    await ask('What is the weather like today?', 'chat');
    const before = (await proxy.source.semanticQuality()).features.find((f) => f.feature === 'faq')!;
    const entryId = proxy.harness.proxy.services.ledger.page({ feature: 'faq' }, 1).calls[0]!.sourceEntryId!;
    await proxy.source.evictEntry(entryId);

    const { DashboardHost } = await import('../../extension/src/dashboard/host');
    const posted: ResponseMessage[] = [];
    const host = new DashboardHost({ source: proxy.source, view: 'panel', post: (m) => void (m.kind === 'response' && posted.push(m)), copy: () => undefined });
    await host.handle({ kind: 'request', id: 7, type: 'cache/quality', params: { from: Date.now() - 86_400_000 } });
    host.dispose();
    const r = posted.find((m) => m.id === 7)!;
    if (!r.ok || r.type !== 'cache/quality') throw new Error(`cache/quality failed: ${JSON.stringify(r)}`);
    const faq = r.result.features.find((f) => f.feature === 'faq')!;
    expect(faq).toMatchObject({ lookups: 2, hits: 1, badHits: 1, feedback: 1 });
    expect(faq.falseHitRate).toBeCloseTo(0.5, 9);
    expect(faq.minProbability).toBeCloseTo(before.minProbability + STEP_UP, 6);
    expect(faq.series.at(-1)).toMatchObject({ lookups: 2, hits: 1, badHits: 1 });
    expect(r.result.features.find((f) => f.feature === 'chat')).toMatchObject({ lookups: 1, hits: 0, badHits: 0, feedback: 0 });
  });

  it.skipIf(!chromiumAvailable)('in chromium, the card lists each feature with its measured rates, operating point and a per-day sparkline', async () => {
    const d = await ui.open({ source: proxy.source, theme: lightTheme });
    try {
      const faq = d.page.locator('.semantic-quality tr[data-feature="faq"]');
      await faq.waitFor({ state: 'visible', timeout: 30_000 });
      expect(await faq.locator('.quality-hit-rate').textContent()).toBe('50.0% (1)');
      expect(await faq.locator('.quality-false-rate').textContent()).toBe('50.0% (1)');
      expect(await faq.getAttribute('class')).toContain('warn');
      expect(await faq.locator('polyline.spark-hits').count()).toBe(1);
      expect(await faq.locator('circle.spark-false').count()).toBe(1); // one measured day: a dot
      await poll(() => d.page.locator('.semantic-quality tr[data-feature="chat"] .quality-false-rate').textContent()).toBe('0.0% (0)');
      // Busiest feature first.
      expect(await d.page.$$eval('.semantic-quality tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.feature))).toEqual(['faq', 'chat']);
      await d.page.locator('.semantic-quality').screenshot({ path: screenshotPath('dashboard-semantic-quality.png') });
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  }, 180_000);
});
