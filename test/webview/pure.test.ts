/** Pure pieces of the dashboard: the CSP shell, onboarding snippets, chart data, budget levels, formatting. */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, dashboardHtml } from '../../extension/src/dashboard/html';
import { budgetLevel } from '../../webview/src/charts/budgetGauges';
import { topBuckets } from '../../webview/src/charts/barList';
import { chartSeries } from '../../webview/src/charts/seriesData';
import { headersFromRecord, tollgateHeaders } from '../../webview/src/detail/detailView';
import { onboarding } from '../../webview/src/empty/snippets';
import { formatUsd } from '../../webview/src/format';
import type { BudgetStatus, CallDetail, Summary, SummaryBucket } from '../../webview/src/protocol';
import { isHostToWebviewMessage, isWebviewToHostMessage } from '../../webview/src/protocol';
import { screenshotPath } from './support/webviewPage';

describe('webview HTML shell', () => {
  const html = dashboardHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x.vscode-cdn.net/main.js', styleUri: 'https://x.vscode-cdn.net/main.css', view: 'sidebar' });

  it('allows only the nonce script and the webview origin', () => {
    expect(contentSecurityPolicy('https://x.vscode-cdn.net', 'abc123')).toBe(
      "default-src 'none'; script-src 'nonce-abc123'; style-src https://x.vscode-cdn.net 'nonce-abc123'; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:",
    );
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('nonce="abc123"');
    expect(scripts[0]![2]!.trim()).toBe(''); // no inline code
    expect(html).not.toMatch(/\sstyle="/);
    expect(html).toContain('data-view="sidebar"');
  });

  it('escapes what it interpolates', () => {
    const evil = dashboardHtml({ cspSource: 'x', nonce: '"><script>alert(1)</script>', scriptUri: 's', styleUri: 'c', view: 'panel', title: '<b>' });
    expect(evil).not.toContain('<script>alert(1)');
    expect(evil).toContain('<title>&lt;b&gt;</title>');
  });
});

describe('protocol guards', () => {
  it('accept well-formed envelopes only', () => {
    expect(isWebviewToHostMessage({ kind: 'request', id: 1, type: 'summary', params: {} })).toBe(true);
    expect(isWebviewToHostMessage({ kind: 'request', id: 1, type: 'drop-table', params: {} })).toBe(false);
    expect(isWebviewToHostMessage({ kind: 'command', type: 'copy' })).toBe(false);
    expect(isHostToWebviewMessage({ kind: 'response', id: 3, ok: true, type: 'budgets', result: [] })).toBe(true);
    expect(isHostToWebviewMessage({ kind: 'other', type: 'x' })).toBe(false);
  });
});

describe('onboarding snippets', () => {
  it('point the OpenAI SDKs at /v1 and the Anthropic SDK at the root, in Node and Python', () => {
    const o = onboarding('http://127.0.0.1:8787/');
    expect(o.openaiBaseUrl).toBe('http://127.0.0.1:8787/v1');
    expect(o.anthropicBaseUrl).toBe('http://127.0.0.1:8787');
    const byId = Object.fromEntries(o.snippets.map((s) => [s.id, s.code]));
    expect(byId['node-openai']).toContain("baseURL: 'http://127.0.0.1:8787/v1'");
    expect(byId['python-openai']).toContain('base_url="http://127.0.0.1:8787/v1"');
    expect(byId['node-anthropic']).toContain("baseURL: 'http://127.0.0.1:8787'");
    expect(byId['python-anthropic']).toContain('base_url="http://127.0.0.1:8787"');
    expect(byId.env).toContain('OPENAI_BASE_URL=http://127.0.0.1:8787/v1');
  });
});

describe('chart data', () => {
  const summary: Summary = {
    from: 600_000,
    to: 1_200_000,
    totals: { key: 'total', calls: 3, costUsd: 0.3, savedUsd: 0.1, inputTokens: 0, outputTokens: 0, hits: 1 },
    by: [],
    series: [
      { t: 600_000, costUsd: 0.1, savedUsd: 0, calls: 1, hits: 0 },
      { t: 900_000, costUsd: 0.2, savedUsd: 0.1, calls: 2, hits: 1 },
    ],
  };

  it('fills the buckets the proxy left out, aligned like the proxy', () => {
    // Minute buckets: every time zone's offset is whole minutes, so local and UTC minutes agree.
    const c = chartSeries(summary, 60_000);
    expect(c.t).toEqual([600, 660, 720, 780, 840, 900, 960, 1_020, 1_080, 1_140]);
    expect(c.costUsd.reduce((s, v) => s + v, 0)).toBeCloseTo(0.3, 12);
  });

  it('hit rate is per bucket with calls; saved is a running total', () => {
    const c = chartSeries(summary, 300_000);
    expect(c.hitRatePct).toEqual([0, 50]);
    expect(c.savedCumUsd).toEqual([0, 0.1]);
    const gaps = chartSeries(summary, 60_000);
    expect(gaps.hitRatePct[1]).toBeNull();
  });

  it('folds the long tail of a breakdown into one row', () => {
    const buckets: SummaryBucket[] = Array.from({ length: 12 }, (_, i) => ({ key: `m${i}`, calls: 1, costUsd: i, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 }));
    const top = topBuckets(buckets, 4);
    expect(top.map((b) => b.key)).toEqual(['m11', 'm10', 'm9', '9 others']);
    expect(top[3]!.costUsd).toBe(36); // 0+1+…+8
    expect(top.reduce((s, b) => s + b.calls, 0)).toBe(12);
  });
});

describe('budget level', () => {
  const b = (over: Partial<BudgetStatus>): BudgetStatus => ({ name: 'b', period: 'day', scope: 'global', spentUsd: 1, limitUsd: 10, spentTokens: 0, ratio: 0.1, forecastUsd: 2, resetsAt: 0, ...over });
  it('warns at 80 % or when the forecast passes the limit, and flags exceeded', () => {
    expect(budgetLevel(b({}))).toBe('ok');
    expect(budgetLevel(b({ ratio: 0.8 }))).toBe('warn');
    expect(budgetLevel(b({ forecastUsd: 11 }))).toBe('warn');
    expect(budgetLevel(b({ ratio: 1.02 }))).toBe('exceeded');
    // The budget's own warnAt decides, as for the proxy's alerts.
    expect(budgetLevel(b({ ratio: 0.6, warnAt: 0.5 }))).toBe('warn');
    expect(budgetLevel(b({ ratio: 0.85, warnAt: 0.95 }))).toBe('ok');
  });
});

describe('detail headers', () => {
  const call = {
    id: 1, requestId: 'tg_1', ts: 0, keyFingerprint: 'tg_x', tags: {}, provider: 'openai', endpoint: 'chat.completions', modelRequested: 'a', modelUsed: 'a',
    stream: false, cache: 'semantic', similarity: 0.95, sourceEntryId: 3, inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0,
    tokensEstimated: false, costUsd: 0, savedUsd: 0.002, priced: true, latencyMs: 1, overheadMs: 0.4, status: 200, attempt: 1, responseHeaders: {},
  } satisfies CallDetail;

  it('picks the x-tollgate-* response headers, case-insensitively', () => {
    expect(tollgateHeaders({ 'X-Tollgate-Cache': 'exact', 'content-type': 'json', 'x-tollgate-cost-usd': '0' })).toEqual([
      ['x-tollgate-cache', 'exact'],
      ['x-tollgate-cost-usd', '0'],
    ]);
  });

  it('derives them from the record when the proxy kept none', () => {
    const h = Object.fromEntries(headersFromRecord(call));
    expect(h).toMatchObject({ 'x-tollgate-cache': 'semantic', 'x-tollgate-request-id': 'tg_1', 'x-tollgate-similarity': '0.9500', 'x-tollgate-saved-usd': '0.002' });
    expect(h['x-tollgate-route']).toBeUndefined();
  });
});

describe('formatUsd', () => {
  it('is the one USD formatter the status bar uses too: sub-cent to two significant digits, cents, whole dollars', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(0.000123)).toBe('$0.00012');
    expect(formatUsd(0.05)).toBe('$0.05');
    expect(formatUsd(0.1234)).toBe('$0.12');
    expect(formatUsd(12.5)).toBe('$12.50');
    expect(formatUsd(1234.4)).toBe('$1,234');
    expect(formatUsd(1e-9)).toBe('$0.0000000010');
  });
});

describe('browser tests’ screenshots', () => {
  const docs = new URL('../../docs/screenshots/', import.meta.url).pathname;

  it('rewrite docs/screenshots only when TOLLGATE_UPDATE_SCREENSHOTS=1 asks (a test run leaves the checkout clean)', () => {
    expect(screenshotPath('dashboard-dark.png').startsWith(docs)).toBe(process.env.TOLLGATE_UPDATE_SCREENSHOTS === '1');
    expect(screenshotPath('dashboard-dark.png', false).startsWith(docs)).toBe(false);
    expect(screenshotPath('dashboard-dark.png', true)).toBe(`${docs}dashboard-dark.png`);
  });
});
