/**
 * Measures, in a rendered dashboard, the contrast of every chart graphic against the card it sits
 * on (WCAG 2.1 SC 1.4.11: 3:1): bar fills, budget gauge fills and track outlines, and the time
 * charts' series (their legend markers carry each series' stroke). Works on a Playwright Page or
 * Frame (the VS Code e2e reaches the webview through nested iframes).
 */
import { contrastRatio, over, parseColor } from '../../../webview/src/charts/contrast';

export interface GraphicSample {
  what: string;
  fg: string;
  bg: string;
  ratio: number;
}

interface Evaluator {
  evaluate(expression: string): Promise<unknown>;
}

/**
 * Runs in the page. A string, not a function: TypeScript loaders (tsx/esbuild) add helpers such as
 * `__name` to compiled functions, which do not exist inside the page.
 */
const IN_PAGE = `(() => {
  const cardOf = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const m = /rgba?\\(([^)]+)\\)/.exec(bg);
      const alpha = m ? (m[1].split(',')[3] || '1') : '0';
      if (m && parseFloat(alpha) > 0.5) return bg;
    }
    return getComputedStyle(document.body).backgroundColor;
  };
  const out = [];
  const label = (el) => { const c = el.closest('[data-chart]'); return c ? c.dataset.chart : String(el.className); };
  document.querySelectorAll('.bar-fill').forEach((el, i) => out.push({ what: label(el) + ' bar ' + i, fg: getComputedStyle(el).backgroundColor, bg: cardOf(el) }));
  document.querySelectorAll('.gauge-fill').forEach((el, i) => out.push({ what: 'gauge fill ' + i, fg: getComputedStyle(el).backgroundColor, bg: cardOf(el) }));
  document.querySelectorAll('.gauge-track').forEach((el, i) => {
    const m = /rgba?\\([^)]+\\)/.exec(getComputedStyle(el).boxShadow);
    out.push({ what: 'gauge track outline ' + i, fg: m ? m[0] : 'none', bg: cardOf(el) });
  });
  document.querySelectorAll('.u-legend .u-series .u-marker').forEach((el, i) => {
    const s = getComputedStyle(el);
    out.push({ what: label(el) + ' series ' + i, fg: s.borderTopColor || s.backgroundColor, bg: cardOf(el) });
  });
  return out;
})()`;

export async function graphicsContrast(target: Evaluator): Promise<GraphicSample[]> {
  const raw = (await target.evaluate(IN_PAGE)) as Array<{ what: string; fg: string; bg: string }>;
  return raw.map((r) => {
    const fg = parseColor(r.fg);
    const bg = parseColor(r.bg);
    const base = bg ? over(bg, { r: 255, g: 255, b: 255, a: 1 }) : undefined;
    const ratio = fg && base ? contrastRatio(over(fg, base), base) : 0;
    return { ...r, ratio };
  });
}
