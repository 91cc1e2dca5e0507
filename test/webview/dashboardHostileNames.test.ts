/**
 * The panel with names and data the other browser tests never send, in headless chromium with the
 * in-page synthetic host: a tag or model name carrying a RIGHT-TO-LEFT OVERRIDE, budget and alert
 * names that are one long unbroken string, calls from before today, and screen-reader names of the
 * @vscode-elements controls (their host's aria-label never reaches the inner combobox or input).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../webview/src/protocol';
import { liveCall, streamingHostScript } from './support/streamingHost';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme, lightTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`hostile-names browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });
const RLO = '\u202E';

/** Left edge of where each of `parts` is drawn inside the one text node of `selector`. */
function partsX(page: Page, selector: string, parts: string[]): Promise<number[]> {
  return page.$eval(selector, (el, ps) => {
    const text = el.firstChild as Text;
    return ps.map((p) => {
      const i = text.data.indexOf(p);
      if (i < 0) throw new Error(`${p} not in ${JSON.stringify(text.data)}`);
      const r = document.createRange();
      r.setStart(text, i);
      r.setEnd(text, i + p.length);
      return r.getBoundingClientRect().left;
    });
  }, parts);
}

/** Whether anything outside the call table's own scroll frame makes the page scroll sideways. */
const pageOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe.skipIf(!chromiumAvailable)('dashboard with hostile names in chromium', () => {
  const ui = useBrowser();

  it('keeps feature / team / user and requested → used in order when a name carries a bidi override', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      // An unterminated override in the team header and in the requested model, as a client can send them.
      const tags = { feature: 'alpha', team: `${RLO}beta`, user: 'gamma' };
      const call = liveCall(90_001, { tags, modelRequested: `${RLO}mini-model`, modelUsed: 'big-model' });
      await page.evaluate((c) => (window as unknown as { __push(calls: unknown[]): void }).__push([c]), call);
      const row = '.vt-body .vt-row[data-id="90001"]';
      await page.locator(row).waitFor();
      const [feature, team, user] = await partsX(page, `${row} [data-col="tags"]`, ['alpha', 'beta', 'gamma']);
      expect(feature!).toBeLessThan(team!);
      expect(team!).toBeLessThan(user!);
      // The override may turn the requested model's own letters around, not the arrow and the model used.
      const [requested, arrow, used] = await partsX(page, `${row} [data-col="model"]`, ['mini-model', '→', 'big-model']);
      expect(requested!).toBeLessThan(arrow!);
      expect(arrow!).toBeLessThan(used!);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('wraps a budget and an alert named by one long unbroken string inside the page, at 1400 and 300 px', { timeout: 120_000 }, async () => {
    const long = `team-${'0123456789abcdef'.repeat(24)}`;
    const budgets: BudgetStatus[] = [
      { name: long, period: 'month', scope: `team=${long}`, spentUsd: 3, limitUsd: 10, spentTokens: 0, ratio: 0.3, forecastUsd: 6, resetsAt: Date.now() + 86_400_000 },
    ];
    for (const viewport of [{ width: 1400, height: 900 }, { width: 300, height: 900 }]) {
      const d = await ui.open({ theme: darkTheme, viewport, inPageHost: syntheticHostScript(20) + streamingHostScript({ budgets }) });
      try {
        const page = d.page;
        await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
        await page.locator('.gauge').first().waitFor();
        expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
        await page.evaluate((budget) => window.postMessage({ kind: 'notification', type: 'budget/alert', alert: { budget, level: 'exceeded', spentUsd: 12, limitUsd: 10, period: 'month' } }, '*'), long);
        await page.locator('.alerts .banner').waitFor();
        expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
        // The name is all there, wrapped, not cut.
        expect(await page.textContent('.gauge .gauge-head strong')).toBe(long);
        expect(d.problems).toEqual([]);
      } finally {
        await d.close();
      }
    }
  });

  it('keeps a spend line\'s swatch beside its name when the model is one long unbroken string, at 1400 and 300 px', { timeout: 120_000 }, async () => {
    // A Bedrock inference-profile ARN, as a model id really arrives.
    const long = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0-abcdefghijklmnopqrstuvwxyz';
    const summaryBy = [{ key: long, calls: 3, costUsd: 2, savedUsd: 0, inputTokens: 1, outputTokens: 1, hits: 0 }];
    for (const viewport of [{ width: 1400, height: 900 }, { width: 300, height: 900 }]) {
      const d = await ui.open({ theme: darkTheme, viewport, inPageHost: syntheticHostScript(20) + streamingHostScript({ summaryBy }) });
      try {
        const page = d.page;
        await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
        const entry = await page.$$eval(
          '.u-legend .u-series',
          (rows, name) => {
            const row = rows.find((r) => r.querySelector('.u-label')?.textContent === name);
            if (!row) return undefined;
            const marker = row.querySelector('.u-marker')!.getBoundingClientRect();
            const first = row.querySelector('.u-label')!.getClientRects()[0]!;
            return { markerMid: (marker.top + marker.bottom) / 2, lineTop: first.top, lineBottom: first.bottom, gap: first.left - marker.right };
          },
          long,
        );
        expect(entry).toBeDefined();
        // The name's first line runs on from its swatch: not a swatch alone above a name below it.
        expect(entry!.markerMid).toBeGreaterThan(entry!.lineTop);
        expect(entry!.markerMid).toBeLessThan(entry!.lineBottom);
        expect(entry!.gap).toBeGreaterThanOrEqual(0);
        expect(await pageOverflow(page)).toBeLessThanOrEqual(0);
        expect(d.problems).toEqual([]);
      } finally {
        await d.close();
      }
    }
  });

  // VS Code's zoom and its font size setting reach the webview as --vscode-font-size: every column,
  // the dated Time above all, must scale with it, and a row must be as tall as its text.
  for (const fontSize of [13, 16, 18, 20]) {
    it(`shows the whole date and time of a call from before today, and every cell whole, at a ${fontSize}px font`, { timeout: 120_000 }, async () => {
      const theme = { ...lightTheme, vars: { ...lightTheme.vars, '--vscode-font-size': `${fontSize}px` } };
      const d = await ui.open({ theme, inPageHost: syntheticHostScript(20) + streamingHostScript() });
      try {
        const page = d.page;
        await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
        const ts = Date.now() - 3 * 86_400_000;
        const dated = liveCall(90_002, { ts, tags: { feature: 'support-bot', team: 'team-0', user: 'user-0' }, costUsd: 0.000686, savedUsd: 0.000686, latencyMs: 12_345, status: 429, errorType: 'budget_exceeded' });
        await page.evaluate((c) => (window as unknown as { __push(calls: unknown[]): void }).__push([c]), dated);
        const cell = page.locator('.vt-body .vt-row[data-id="90002"] [data-col="time"]');
        await cell.waitFor();
        const text = (await cell.textContent()) ?? '';
        const d3 = new Date(ts);
        // formatTime dates it (not today) and ends with the seconds: both parts must be visible.
        expect(text).toContain(String(d3.getFullYear()));
        expect(text.endsWith(String(d3.getSeconds()).padStart(2, '0'))).toBe(true);
        // Sorted by cost, so the header's sort arrow takes its room too.
        await page.click('[data-col="cost"] .vt-sort');
        await page.click('[data-col="latency"] .vt-sort');
        await poll(() => page.getAttribute('[data-col="latency"][role="columnheader"]', 'aria-sort')).toBe('descending');
        // Nothing cut sideways (every header label with its sort arrow; the figures and the time, whose
        // columns have a set width: names ellipsise in their flexible columns, with a tooltip) and
        // nothing taller than its row.
        const cut = await page.$$eval('.vt-body .vt-row[data-id="90002"] .vt-cell, .vt-header .vt-cell', (cells) =>
          cells.flatMap((c) => {
            const el = (c.querySelector('.vt-sort') ?? c) as HTMLElement;
            const row = c.parentElement!.getBoundingClientRect().height;
            const flexible = ['tags', 'model', 'route', 'status'].includes((c as HTMLElement).dataset.col ?? '') && !c.closest('.vt-header');
            const bad = (!flexible && el.scrollWidth > el.clientWidth) || c.scrollHeight > row;
            return bad ? [`${(c as HTMLElement).dataset.col}: ${el.scrollWidth}/${el.clientWidth} wide, ${c.scrollHeight}/${row} tall "${c.textContent}"`] : [];
          }),
        );
        expect(cut).toEqual([]);
        // Rows do not overlap: the next row starts where this one ends.
        const tops = await page.$$eval('.vt-body .vt-row:not([hidden])', (rows) => rows.map((r) => r.getBoundingClientRect()).sort((a, b) => a.top - b.top).slice(0, 3).map((b) => [b.top, b.height]));
        expect(tops[1]![0]! - tops[0]![0]!).toBeGreaterThanOrEqual(tops[0]![1]! - 0.5);
        expect(d.problems).toEqual([]);
      } finally {
        await d.close();
      }
    });
  }

  it('shows a failed call in the table as what went wrong, with no $0 figure', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      const failed = [
        liveCall(90_010, { status: 401, errorType: 'authentication_error', costUsd: 0, outputTokens: 0 }),
        liveCall(90_011, { status: 429, errorType: 'budget_exceeded', budget: 'block: team-daily 104%', costUsd: 0, inputTokens: 0, outputTokens: 0 }),
        liveCall(90_012, { status: 502, errorType: 'upstream_error', costUsd: 0, outputTokens: 0 }),
      ];
      await page.evaluate((c) => (window as unknown as { __push(calls: unknown[]): void }).__push(c), failed);
      const cell = (id: number, col: string) => page.locator(`.vt-body .vt-row[data-id="${id}"] [data-col="${col}"]`);
      await cell(90_012, 'status').waitFor();
      expect(await cell(90_010, 'status').textContent()).toBe('key rejected (401)');
      expect(await cell(90_011, 'status').textContent()).toBe('budget blocked (429)');
      expect(await cell(90_012, 'status').textContent()).toBe('error 502');
      // The full text is there for a narrow column (it ellipsises), with the error type.
      expect(await cell(90_011, 'status').getAttribute('title')).toBe('429 budget_exceeded');
      for (const c of failed) expect(await cell(c.id, 'cost').textContent()).toBe('–');
      // A call that succeeded still shows its cost.
      const okCost = await page.$eval('.vt-body .vt-row:not([hidden]):not(.error) [data-col="cost"]', (el) => el.textContent);
      expect(okCost).toMatch(/^\$/);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('writes the hit-rate counts like the call count (thousands separated)', { timeout: 120_000 }, async () => {
    // The synthetic host's summary: 12,345 calls, 1 hit.
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(12_345) });
    try {
      const page = d.page;
      await poll(() => page.textContent('[data-kpi="calls"] .kpi-value')).toBe('12,345');
      expect(await page.textContent('[data-kpi="hit"] .kpi-sub')).toBe('1 of 12,345');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('names the range, cache and status selects and the filter fields for a screen reader', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      for (const name of ['Time range', 'Filter by cache', 'Filter by status']) await poll(() => page.getByRole('combobox', { name, exact: true }).count()).toBe(1);
      for (const name of ['Filter by feature', 'Filter by team', 'Filter by user', 'Filter by model']) await poll(() => page.getByRole('textbox', { name, exact: true }).count()).toBe(1);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
