/**
 * WCAG contrast for chart graphics: bars, lines and gauge fills must reach 3:1 against the card
 * they sit on (WCAG 2.1 SC 1.4.11, non-text contrast). Theme chart colours do not always do that
 * (a yellow on a near-white card), so a colour that falls short is darkened (light card) or
 * lightened (dark card) in small steps, keeping its hue, until it does. Pure.
 */
export interface Rgb {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** `#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb()` / `rgba()`; undefined for anything else. */
export function parseColor(input: string): Rgb | undefined {
  const s = input.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const [r, g, b] = m[1]!.split('').map((c) => parseInt(c + c, 16)) as [number, number, number];
    return { r, g, b, a: 1 };
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) {
    const n = parseInt(m[1]!, 16);
    return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, a: m[2] ? parseInt(m[2], 16) / 255 : 1 };
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(s);
  if (m) {
    const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return { r: +m[1]!, g: +m[2]!, b: +m[3]!, a: alpha };
  }
  return undefined;
}

export function toHex(c: Rgb): string {
  const h = (v: number) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}`;
}

/** `fg` painted over `bg` (alpha compositing), as the eye sees it. */
export function over(fg: Rgb, bg: Rgb): Rgb {
  return { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a), a: 1 };
}

function channel(v: number): number {
  const s = v / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

export function luminance(c: Rgb): number {
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

/** WCAG contrast ratio of two opaque colours (1…21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** Mix `a` into `b` by `t` (0 = b, 1 = a). */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return { r: a.r * t + b.r * (1 - t), g: a.g * t + b.g * (1 - t), b: a.b * t + b.b * (1 - t), a: 1 };
}

/**
 * `color` if it already reaches `min` against `background`, else the nearest shade of it (mixed
 * towards black on a light background, white on a dark one) that does. Unparseable input is
 * returned unchanged.
 */
export function ensureContrast(color: string, background: string, min = 3): string {
  const fgRaw = parseColor(color);
  const bg = parseColor(background);
  if (!fgRaw || !bg) return color;
  const base = over(bg, { r: 255, g: 255, b: 255, a: 1 });
  const fg = over(fgRaw, base);
  if (contrastRatio(fg, base) >= min) return color;
  const target: Rgb = luminance(base) > 0.18 ? { r: 0, g: 0, b: 0, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
  for (let t = 0.05; t <= 1.0001; t += 0.05) {
    const candidate = mix(target, fg, t);
    if (contrastRatio(candidate, base) >= min) return toHex(candidate);
  }
  return toHex(target);
}
