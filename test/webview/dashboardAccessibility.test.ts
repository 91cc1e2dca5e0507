/**
 * The panel for keyboard and screen-reader users and in high-contrast themes, narrow panes and
 * 200 % zoom, in headless chromium with the in-page synthetic host: Tab reaches the call grid,
 * arrows move the active row (announced through aria-activedescendant), Enter and Space open it,
 * Escape and Close close it and give focus back; header sort buttons sort with Enter; selected
 * rows stay readable in high contrast; nothing scrolls sideways at 350 CSS px; budget meters hold
 * valid values; right-to-left tags keep their order.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../webview/src/format';
import type { BudgetStatus } from '../../webview/src/protocol';
import { liveCall, streamingHostScript } from './support/streamingHost';
import { syntheticHostScript } from './support/syntheticHost';
import { darkTheme, lightTheme, type WebviewTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`accessibility browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

/**
 * VS Code's high-contrast themes as a webview sees them: no list selection foreground, and in
 * Light High Contrast a 10 % tint as the selection background (colour registry defaults).
 */
const hcBase = { ...lightTheme.vars };
for (const k of ['--vscode-list-activeSelectionBackground', '--vscode-list-activeSelectionForeground', '--vscode-list-hoverBackground']) delete hcBase[k];
const highContrastLight: WebviewTheme = {
  bodyClass: 'vscode-high-contrast',
  kind: 'vscode-high-contrast',
  vars: {
    ...hcBase,
    '--vscode-foreground': '#292929',
    '--vscode-editor-background': '#ffffff',
    '--vscode-sideBar-background': '#ffffff',
    '--vscode-descriptionForeground': '#292929',
    '--vscode-contrastBorder': '#0f4a85',
    '--vscode-contrastActiveBorder': '#006bbd',
    '--vscode-focusBorder': '#006bbd',
    '--vscode-list-activeSelectionBackground': '#0f4a851a',
    '--vscode-list-hoverBackground': '#0f4a851a',
  },
};
const hcDarkBase = { ...darkTheme.vars };
for (const k of ['--vscode-list-activeSelectionBackground', '--vscode-list-activeSelectionForeground']) delete hcDarkBase[k];
const highContrastDark: WebviewTheme = {
  bodyClass: 'vscode-high-contrast',
  kind: 'vscode-high-contrast',
  vars: {
    ...hcDarkBase,
    '--vscode-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-sideBar-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-focusBorder': '#f38518',
    '--vscode-list-hoverBackground': '#ffffff1a',
  },
};

const active = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return el ? `${el.tagName.toLowerCase()}${el.className ? `.${el.className.split(' ').join('.')}` : ''}` : '';
});

/** WCAG contrast of a selected row's text against what is under it (its tint over the page). Page source. */
const selectedRowContrast = `(() => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); const [r, g, b, a] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { r, g, b, a: a === undefined ? 1 : a }; };
  const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, under) => ({ r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1 });
  const row = document.querySelector('.vt-body .vt-row.selected');
  const cell = row.querySelector('[data-col="model"]');
  let bg = { r: 0, g: 0, b: 0, a: 0 };
  const layers = [];
  for (let e = row; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
  bg = layers.reduceRight((acc, l) => over(l, acc), { r: 255, g: 255, b: 255, a: 1 });
  const fg = over(parse(getComputedStyle(cell).color), bg);
  const [l1, l2] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (l1 + 0.05) / (l2 + 0.05);
})()`;

describe.skipIf(!chromiumAvailable)('dashboard accessibility in chromium', () => {
  const ui = useBrowser();

  it('works from the keyboard: Tab to the grid, arrows, Enter/Space open, Escape/Close return focus, Enter sorts', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(300) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      // Tab order reaches the call grid.
      let tabs = 0;
      while ((await active(page)) !== 'div.vt-viewport' && tabs < 80) {
        await page.keyboard.press('Tab');
        tabs++;
      }
      expect(await active(page)).toBe('div.vt-viewport');
      const grid = page.locator('.vt-viewport');
      expect(await grid.getAttribute('role')).toBe('grid');

      // ↓ makes the first row active, and the grid says which row that is.
      await page.keyboard.press('ArrowDown');
      await poll(() => grid.getAttribute('aria-activedescendant')).toBeTruthy();
      const firstId = await page.$eval('.vt-body .vt-row[data-index="0"]', (r) => (r as HTMLElement).dataset.id);
      const activeRow = () => page.evaluate(() => {
        const id = document.querySelector('.vt-viewport')!.getAttribute('aria-activedescendant');
        return id ? (document.getElementById(id) as HTMLElement | null)?.dataset.id : undefined;
      });
      expect(await activeRow()).toBe(firstId);
      await page.keyboard.press('ArrowDown');
      const secondId = await page.$eval('.vt-body .vt-row[data-index="1"]', (r) => (r as HTMLElement).dataset.id);
      await poll(activeRow).toBe(secondId);

      // Space opens the active row (and does not scroll the page).
      const scrollY = await page.evaluate(() => window.scrollY);
      await page.keyboard.press(' ');
      await poll(() => page.getAttribute('.detail-pane', 'data-call-id')).toBe(secondId);
      expect(await page.isVisible('.detail-pane')).toBe(true);
      expect(await page.evaluate(() => window.scrollY)).toBe(scrollY);
      // Escape closes it; focus is still on the grid.
      await page.keyboard.press('Escape');
      await poll(() => page.isHidden('.detail-pane')).toBe(true);
      expect(await active(page)).toBe('div.vt-viewport');

      // Enter opens; the Close button (reached from the keyboard) closes and gives focus back to the grid.
      await page.keyboard.press('Enter');
      await page.locator('.detail-pane .detail').waitFor();
      await page.focus('.detail-pane vscode-button.close');
      await page.keyboard.press('Enter');
      await poll(() => page.isHidden('.detail-pane')).toBe(true);
      expect(await active(page)).toBe('div.vt-viewport');
      // Escape from inside the detail closes it too.
      await page.keyboard.press('Enter');
      await page.locator('.detail-pane .detail').waitFor();
      await page.focus('.detail-pane vscode-button.close');
      await page.keyboard.press('Escape');
      await poll(() => page.isHidden('.detail-pane')).toBe(true);
      expect(await active(page)).toBe('div.vt-viewport');

      // A header's sort button sorts with Enter, and does not open a row.
      await page.focus('[data-col="cost"] .vt-sort');
      await page.keyboard.press('Enter');
      await poll(() => page.getAttribute('[data-col="cost"][role="columnheader"]', 'aria-sort')).toBe('descending');
      await page.keyboard.press(' ');
      await poll(() => page.getAttribute('[data-col="cost"][role="columnheader"]', 'aria-sort')).toBe('ascending');
      expect(await page.isHidden('.detail-pane')).toBe(true);
      // The sorted column's arrow is drawn, not read: aria-sort says the order, the button keeps its name.
      expect(await page.locator('[data-col="cost"] .vt-sort').evaluate((b) => getComputedStyle(b, '::after').content)).not.toBe('none');
      expect(await page.getByRole('button', { name: '$ Cost', exact: true }).count()).toBe(1);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('a filter typed then left with Tab is asked for once: the grid it leads to is not reset under the keyboard', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(300) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      const pages = () => page.evaluate(() => (window as unknown as { __tollgateSynthetic: { pages: number } }).__tollgateSynthetic.pages);
      await page.getByRole('textbox', { name: 'Filter by model', exact: true }).fill('gpt');
      // The filter is asked for (first page and the rest of it) once typing pauses.
      await poll(pages).toBeGreaterThanOrEqual(4);
      await poll(() => page.textContent('.calls .count')).toMatch(/^300/);
      const asked = await pages();
      // Tab leaves the field, which fires its change event; the user goes on to the grid and a row.
      let tabs = 0;
      while ((await active(page)) !== 'div.vt-viewport' && tabs < 40) {
        await page.keyboard.press('Tab');
        tabs++;
      }
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      const grid = page.locator('.vt-viewport');
      const secondId = await page.$eval('.vt-body .vt-row[data-index="1"]', (r) => (r as HTMLElement).dataset.id);
      // Past the filter's 300 ms pause, timed in the page (its timers run in order, however loaded the
      // machine): the same filter is not asked for again, and the active row stays.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 800)));
      expect(await pages()).toBe(asked);
      expect(await page.evaluate(() => document.getElementById(document.querySelector('.vt-viewport')!.getAttribute('aria-activedescendant') ?? '')?.dataset.id)).toBe(secondId);
      expect(await grid.getAttribute('aria-activedescendant')).toBeTruthy();
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('tells a screen reader how many calls the grid holds, not how many are loaded yet', { timeout: 120_000 }, async () => {
    // 1,200 calls: the first page loads 500 of them; "row 3 of 501" would say the table ends there.
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(1200) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      await expect.poll(() => page.textContent('.calls .count'), { timeout: 20_000 }).toMatch(/^500 of 1,200 loaded/);
      // The header row counts as one (the rows' aria-rowindex starts at 2).
      expect(await page.locator('.vt-viewport').getAttribute('aria-rowcount')).toBe('1201');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('PageDown/PageUp move the active row by a page and End/Home to the last/first, as a grid does', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, viewport: { width: 900, height: 600 }, inPageHost: syntheticHostScript(300) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      await page.focus('.vt-viewport');
      /** The active row as the grid announces it: its index, and whether that row is the one marked selected. */
      const activeRow = () => page.evaluate(() => {
        const vp = document.querySelector('.vt-viewport')!;
        const id = vp.getAttribute('aria-activedescendant');
        const row = id ? (document.getElementById(id) as HTMLElement | null) : null;
        const selected = [...document.querySelectorAll<HTMLElement>('.vt-body .vt-row[aria-selected="true"]:not([hidden])')].map((r) => Number(r.dataset.index));
        return row ? { index: Number(row.dataset.index), selected } : undefined;
      });
      // Rows that fit below the sticky header: what a page is.
      const perPage = await page.evaluate(() => {
        const vp = document.querySelector('.vt-viewport') as HTMLElement;
        const rh = (document.querySelector('.vt-body .vt-row') as HTMLElement).getBoundingClientRect().height;
        return Math.max(1, Math.floor(vp.clientHeight / rh) - 1);
      });
      expect(perPage).toBeGreaterThan(2);
      await page.keyboard.press('ArrowDown');
      await poll(activeRow).toEqual({ index: 0, selected: [0] });
      await page.keyboard.press('PageDown');
      await poll(activeRow).toEqual({ index: perPage, selected: [perPage] });
      await page.keyboard.press('PageDown');
      await poll(activeRow).toEqual({ index: 2 * perPage, selected: [2 * perPage] });
      await page.keyboard.press('PageUp');
      await poll(activeRow).toEqual({ index: perPage, selected: [perPage] });
      // The active row stays in view while paging.
      const inView = () => page.evaluate(() => {
        const vp = document.querySelector('.vt-viewport') as HTMLElement;
        const row = document.getElementById(vp.getAttribute('aria-activedescendant') ?? '') as HTMLElement;
        const a = vp.getBoundingClientRect();
        const b = row.getBoundingClientRect();
        return b.top >= a.top && b.bottom <= a.bottom + 0.5;
      });
      expect(await inView()).toBe(true);
      await page.keyboard.press('End');
      const last = await page.evaluate(() => {
        const m = /^(\d+)/.exec(document.querySelector('.calls .count')!.textContent!.replace(/,/g, ''));
        return Number(m![1]) - 1;
      });
      await poll(activeRow).toEqual({ index: last, selected: [last] });
      expect(await inView()).toBe(true);
      await page.keyboard.press('PageDown'); // at the end: stays on the last row
      await poll(activeRow).toEqual({ index: last, selected: [last] });
      await page.keyboard.press('Home');
      await poll(activeRow).toEqual({ index: 0, selected: [0] });
      await page.keyboard.press('PageUp'); // at the top: stays on the first row
      await poll(activeRow).toEqual({ index: 0, selected: [0] });
      expect(await inView()).toBe(true);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  for (const theme of [highContrastLight, highContrastDark]) {
    const name = theme === highContrastLight ? 'high contrast light' : 'high contrast dark';
    it(`keeps a selected row readable in ${name} (4.5:1)`, { timeout: 120_000 }, async () => {
      const d = await ui.open({ theme, inPageHost: syntheticHostScript(50) + streamingHostScript() });
      try {
        const page = d.page;
        await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
        await page.click('.vt-body .vt-row[data-index="2"]');
        await page.locator('.vt-body .vt-row.selected').waitFor();
        expect(await page.evaluate(selectedRowContrast)).toBeGreaterThanOrEqual(4.5);
        expect(d.problems).toEqual([]);
      } finally {
        await d.close();
      }
    });
  }

  for (const view of ['panel', 'sidebar'] as const) {
    it(`${view}: reflows at 350 and 200 CSS px (a 700 / 400 px pane at 200 % zoom): nothing scrolls sideways`, { timeout: 120_000 }, async () => {
      for (const width of [350, 200]) {
        const d = await ui.open({ theme: lightTheme, view, viewport: { width, height: 900 }, inPageHost: syntheticHostScript(200) + streamingHostScript() });
        try {
          const page = d.page;
          if (view === 'panel') {
            await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
            await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
          } else await page.locator('.kpis .kpi').first().waitFor();
          await page.waitForTimeout(300); // charts rebuild on the next frame
          // The call grid scrolls inside its own viewport (a data table may); the page must not.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect({ width, overflow }).toEqual({ width, overflow: 0 });
          expect(d.problems).toEqual([]);
        } finally {
          await d.close();
        }
      }
    });
  }

  it('opens the call detail whole in a 300 px pane: below the table, in view, nothing cut, every button inside', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: darkTheme, viewport: { width: 300, height: 800 }, inPageHost: syntheticHostScript(50) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      // A routed call (two verdict buttons) with a long model name, as the tier router records it.
      const routed = liveCall(90_100, { modelRequested: 'router/auto', modelUsed: 'claude-3-5-sonnet-20241022-with-a-long-deployment-name', route: 'medium; p=0.41; rule=support' });
      await page.evaluate((c) => (window as unknown as { __push(calls: unknown[]): void }).__push([c]), routed);
      await page.locator('.vt-body .vt-row[data-id="90100"]').waitFor();
      await page.focus('.vt-viewport');
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      await page.locator('.detail-pane .detail-route-feedback vscode-button').first().waitFor();
      await page.waitForTimeout(200);
      const layout = await page.evaluate(() => {
        const pane = document.querySelector('.detail-pane') as HTMLElement;
        const p = pane.getBoundingClientRect();
        const inside = [...pane.querySelectorAll('vscode-button, h2, dd')].filter((el) => {
          const r = el.getBoundingClientRect();
          return r.left < p.left - 0.5 || r.right > p.right + 0.5;
        }).map((el) => `${el.tagName.toLowerCase()} ${el.textContent}`);
        return { width: p.width, overflow: pane.scrollWidth - pane.clientWidth, top: p.top, viewH: window.innerHeight, outside: inside };
      });
      // As wide as the pane allows (the table above it), not a third of it with one letter per line.
      expect(layout.width).toBeGreaterThanOrEqual(250);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.outside).toEqual([]);
      // Opened from the keyboard, the detail is brought into view, and its buttons are reachable.
      expect(layout.top).toBeLessThan(layout.viewH);
      expect(layout.top).toBeGreaterThanOrEqual(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.focus('.detail-pane vscode-button.close');
      await page.keyboard.press('Enter');
      await poll(() => page.isHidden('.detail-pane')).toBe(true);
      expect(await active(page)).toBe('div.vt-viewport');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('budget meters keep their value within range (exceeded, token-only) and say the figures', { timeout: 120_000 }, async () => {
    const resetsAt = Date.now() + 3_600_000;
    const budgets: BudgetStatus[] = [
      { name: 'over', period: 'day', scope: 'team=a', spentUsd: 15, limitUsd: 10, spentTokens: 0, ratio: 1.5, forecastUsd: 30, resetsAt },
      { name: 'tokens', period: 'month', scope: 'global', spentUsd: 0, spentTokens: 40_000, limitTokens: 100_000, ratio: 0.4, forecastUsd: 0, resetsAt },
    ];
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(20) + streamingHostScript({ budgets }) });
    try {
      const page = d.page;
      await page.locator('.gauge[data-budget="over"]').waitFor();
      const meters = await page.$$eval('[role="meter"]', (els) => els.map((e) => ({
        now: Number(e.getAttribute('aria-valuenow')), min: Number(e.getAttribute('aria-valuemin')), max: Number(e.getAttribute('aria-valuemax')), text: e.getAttribute('aria-valuetext') ?? '',
      })));
      expect(meters).toHaveLength(2);
      for (const m of meters) {
        expect(m.now).toBeGreaterThanOrEqual(m.min);
        expect(m.now).toBeLessThanOrEqual(m.max);
      }
      expect(meters[0]!.text).toContain('150%');
      expect(meters[0]!.text).toContain('$15.00 of $10.00');
      expect(meters[1]!.text).toContain('40k of 100k tokens');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('keeps long model and feature names inside their chart cards (legend, bars)', { timeout: 120_000 }, async () => {
    const long = (i: number) => `model-with-a-very-long-name-${'x'.repeat(120)}-${i}`;
    const summaryBy = Array.from({ length: 60 }, (_, i) => ({ key: long(i), calls: 10 + i, costUsd: i === 0 ? 12_345.678 : i * 0.00001, savedUsd: 0, inputTokens: 1, outputTokens: 1, hits: 0 }));
    const d = await ui.open({ theme: darkTheme, inPageHost: syntheticHostScript(20) + streamingHostScript({ summaryBy }) });
    try {
      const page = d.page;
      await poll(() => page.locator('[data-chart="spend"] .u-legend .u-label').count()).toBe(5); // total + the top four
      await page.waitForTimeout(300);
      const outside = await page.$$eval('.charts .chart', (cards) => cards.flatMap((card) => {
        const edge = card.getBoundingClientRect().right;
        return [...card.querySelectorAll('*')]
          .filter((e) => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > edge + 1)
          .map((e) => `${card.getAttribute('data-chart')}: ${e.className || e.tagName}`);
      }));
      expect(outside).toEqual([]);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('gives each time chart a text alternative with its figures', { timeout: 120_000 }, async () => {
    const summaryBy = ['gpt-4o', 'gpt-4o-mini'].map((key, i) => ({ key, calls: 10 * (i + 1), costUsd: 1.25 * (i + 1), savedUsd: 0, inputTokens: 1, outputTokens: 1, hits: 0 }));
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript({ summaryBy }) });
    try {
      const page = d.page;
      await poll(() => page.getAttribute('#app', 'data-summary-loaded')).toBe('true');
      const spend = page.locator('[data-chart="spend"] .chart-plot');
      expect(await spend.getAttribute('role')).toBe('img');
      // One bucket of $3.75 in the range (the rest idle): the peak says so, for the total and per model.
      await poll(() => spend.getAttribute('aria-label')).toContain(`Total: latest $0, peak ${formatUsd(3.75)}`);
      expect(await spend.getAttribute('aria-label')).toContain('gpt-4o-mini: latest');
      const cache = await page.getAttribute('[data-chart="cache"] .chart-plot', 'aria-label');
      expect(cache).toContain('Hit rate: latest 0%, peak 0%');
      expect(cache).toContain('Saved (running total)');
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });

  it('shows right-to-left tags in feature / team / user order', { timeout: 120_000 }, async () => {
    const d = await ui.open({ theme: lightTheme, inPageHost: syntheticHostScript(20) + streamingHostScript() });
    try {
      const page = d.page;
      await page.locator('.vt-body .vt-row:not([hidden])').first().waitFor();
      const tags = { feature: 'بحث', team: 'فريق', user: 'ana' };
      await page.evaluate((c) => (window as unknown as { __push(calls: unknown[]): void }).__push([c]), liveCall(90_000, { tags }));
      const cell = '.vt-body .vt-row[data-id="90000"] [data-col="tags"]';
      await page.locator(cell).waitFor();
      // Where each tag is drawn: left to right they must read feature, team, user.
      const xs = await page.$eval(cell, (el, parts) => {
        const text = el.firstChild as Text;
        return parts.map((p) => {
          const i = text.data.indexOf(p);
          const r = document.createRange();
          r.setStart(text, i);
          r.setEnd(text, i + p.length);
          return r.getBoundingClientRect().left;
        });
      }, [tags.feature, tags.team, tags.user]);
      expect(xs[0]!).toBeLessThan(xs[1]!);
      expect(xs[1]!).toBeLessThan(xs[2]!);
      expect(d.problems).toEqual([]);
    } finally {
      await d.close();
    }
  });
});
