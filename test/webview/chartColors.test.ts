/**
 * Dashboard figures and colours: contrast of chart graphics against the card (WCAG 1.4.11, 3:1),
 * series colours that stay with their model as rankings change, a sensible axis for $0, failed
 * calls that never read as free successes, and "1 call".
 */
import { describe, expect, it } from 'vitest';
import { contrastRatio, ensureContrast, parseColor } from '../../webview/src/charts/contrast';
import { SeriesColors } from '../../webview/src/charts/seriesColors';
import { valueRange } from '../../webview/src/charts/timeChart';
import { callOutcome, countOf } from '../../webview/src/format';
import { IN_FLIGHT_HOLD_TAIL } from '../../contract/api';

const ratio = (a: string, b: string) => contrastRatio(parseColor(a)!, parseColor(b)!);

describe('contrast', () => {
  it('computes WCAG ratios (black on white is 21:1, equal colours 1:1)', () => {
    expect(ratio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(ratio('#f8f8f8', '#f8f8f8')).toBeCloseTo(1, 5);
    expect(ratio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  it("raises VS Code light-theme chart colours that fall short on a #f8f8f8 card to 3:1, and keeps those that pass", () => {
    const card = '#f8f8f8';
    // Light+ charts.yellow and charts.orange are under 3:1 on the light sidebar background.
    for (const c of ['#bf8803', '#d18616', '#cca700', '#89d185']) {
      expect(ratio(c, card)).toBeLessThan(3);
      const fixed = ensureContrast(c, card, 3);
      expect(ratio(fixed, card), `${c} → ${fixed}`).toBeGreaterThanOrEqual(3);
    }
    expect(ensureContrast('#1a85ff', card, 3)).toBe('#1a85ff');
  });

  it('lightens on a dark card instead of darkening', () => {
    const card = '#252526';
    const fixed = ensureContrast('#4b4b4b', card, 3);
    expect(ratio(fixed, card)).toBeGreaterThanOrEqual(3);
    expect(parseColor(fixed)!.r).toBeGreaterThan(0x4b);
  });

  it('parses the colour forms getComputedStyle returns', () => {
    expect(parseColor('rgb(248, 248, 248)')).toEqual({ r: 248, g: 248, b: 248, a: 1 });
    expect(parseColor('rgba(0, 0, 0, 0)')!.a).toBe(0);
    expect(parseColor('#abc')).toEqual({ r: 0xaa, g: 0xbb, b: 0xcc, a: 1 });
    expect(parseColor('var(--x)')).toBeUndefined();
  });
});

describe('series colours', () => {
  it('a model keeps its colour when another overtakes it', () => {
    const colors = new SeriesColors(6);
    const day1 = ['gpt-4o-mini', 'claude-3-5-haiku', 'gpt-4.1'].map((k) => colors.index(k));
    const day2 = ['gpt-4.1', 'gpt-4o-mini', 'claude-3-5-haiku'].map((k) => colors.index(k));
    expect(day2).toEqual([day1[2], day1[0], day1[1]]);
  });

  it('gives distinct colours while there are free ones', () => {
    const colors = new SeriesColors(6);
    const idx = ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => colors.index(k));
    expect(new Set(idx).size).toBe(6);
    expect(idx.every((i) => i >= 0 && i < 6)).toBe(true);
  });
});

describe('value axis', () => {
  it('is one cent for a range that cost nothing, not 0…100', () => {
    expect(valueRange(0, 0)).toEqual([0, 0.01]);
    expect(valueRange(null, null)).toEqual([0, 0.01]);
  });
  it('starts at 0 and leaves headroom above the largest value', () => {
    const [lo, hi] = valueRange(0.0002, 0.0007);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.0007);
    expect(hi).toBeLessThan(0.001);
  });
});

describe('call outcome', () => {
  const base = { cache: 'miss' as const, similarity: undefined };
  it('401 and budget-blocked 429 are failures with their reason, not "miss $0"', () => {
    expect(callOutcome({ ...base, status: 401, errorType: 'invalid_request_error' })).toEqual({ label: 'key rejected (401)', tone: 'bad', failed: true });
    expect(callOutcome({ ...base, status: 429, errorType: 'budget_exceeded' }).label).toBe('budget blocked (429)');
    expect(callOutcome({ ...base, status: 429, errorType: 'rate_limit_error', budget: 'block: daily 100%' }).label).toBe('budget blocked (429)');
    // A short hold while calls in flight reserve their worst case is not a spent budget.
    expect(callOutcome({ ...base, status: 429, errorType: 'rate_limit_error', budget: `block: daily 104%${IN_FLIGHT_HOLD_TAIL}` }).label).toBe('held: calls in flight (429)');
    expect(callOutcome({ ...base, status: 429, errorType: 'rate_limit_error' }).label).toBe('rate limited (429)');
    expect(callOutcome({ ...base, status: 502 }).failed).toBe(true);
  });
  it('successes read as their cache result', () => {
    expect(callOutcome({ ...base, status: 200 })).toEqual({ label: 'miss', tone: 'ok', failed: false });
    expect(callOutcome({ cache: 'exact', status: 200 }).tone).toBe('cache');
  });
});

describe('counts', () => {
  it('"1 call", "2 calls", "1,234 calls"', () => {
    expect(countOf(1, 'call')).toBe('1 call');
    expect(countOf(2, 'call')).toBe('2 calls');
    expect(countOf(0, 'call')).toBe('0 calls');
    expect(countOf(1234, 'call')).toBe('1,234 calls');
  });
});
