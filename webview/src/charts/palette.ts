/**
 * Chart colours come from VS Code's theme variables (the --vscode-charts-* family exists for
 * exactly this), resolved at draw time because canvas cannot use CSS variables. Charts redraw
 * when the theme changes.
 */
import { ensureContrast, mix, parseColor, toHex } from './contrast';

export interface ChartPalette {
  /** The opaque background the graphics sit on (the card), that every colour below is checked against. */
  card: string;
  /** Gauge and bar tracks: visibly different from the card, with an outline at 3:1. */
  track: string;
  trackBorder: string;
  foreground: string;
  muted: string;
  grid: string;
  font: string;
  series: string[];
  good: string;
  warn: string;
  bad: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** The first opaque background from `el` up (cards may be transparent over the editor). */
export function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    const c = parseColor(bg);
    if (c && c.a > 0.5) return bg;
  }
  const s = getComputedStyle(document.body);
  return cssVar(s, '--vscode-editor-background', '#1e1e1e');
}

/** The palette for graphics drawn in `el` (the body's while `el` is not in the document yet). */
export function readPalette(at: Element = document.body): ChartPalette {
  const el = at.isConnected ? at : document.body;
  const s = getComputedStyle(el);
  const fg = cssVar(s, '--vscode-charts-foreground', cssVar(s, '--vscode-foreground', '#cccccc'));
  const family = cssVar(s, '--vscode-font-family', 'system-ui, sans-serif');
  const card = backgroundOf(el);
  const cardRgb = parseColor(card);
  const fgRgb = parseColor(fg);
  const track = cardRgb && fgRgb ? toHex(mix(fgRgb, cardRgb, 0.12)) : 'rgba(128,128,128,0.25)';
  // Bars and gauge fills sit on the track, lines on the card: 3:1 against both.
  const seen = (c: string) => ensureContrast(ensureContrast(c, card, 3), track, 3);
  const raw = readRawPalette(s, fg, family);
  return {
    ...raw,
    card,
    track,
    trackBorder: seen(raw.muted),
    muted: seen(raw.muted),
    series: raw.series.map(seen),
    good: seen(raw.good),
    warn: seen(raw.warn),
    bad: seen(raw.bad),
  };
}

function readRawPalette(s: CSSStyleDeclaration, fg: string, family: string): Omit<ChartPalette, 'card' | 'track' | 'trackBorder'> {
  return {
    foreground: fg,
    muted: cssVar(s, '--vscode-descriptionForeground', fg),
    grid: cssVar(s, '--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    font: `11px ${family}`,
    // Same order as the bar lists' .c0…c5 classes, so a model has one colour everywhere.
    series: [
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-yellow', '#cca700'),
      cssVar(s, '--vscode-charts-red', '#f14c4c'),
    ],
    good: cssVar(s, '--vscode-charts-green', '#89d185'),
    warn: cssVar(s, '--vscode-charts-yellow', '#cca700'),
    bad: cssVar(s, '--vscode-charts-red', '#f14c4c'),
  };
}

/** A colour parseColor reads → the same colour at alpha `a` (for area fills); others unchanged. */
export function withAlpha(color: string, a: number): string {
  const c = parseColor(color);
  return c ? `rgba(${c.r}, ${c.g}, ${c.b}, ${a})` : color;
}
