/**
 * Token counts as the dashboard, status bar and CLI print them: a count never reads with four
 * digits before its unit ("1000.0k", "1000.00M" — the unit was picked before rounding, and there
 * was no unit above M), and the value shown is the count rounded in its unit.
 */
import { describe, expect, it } from 'vitest';
import { formatTokens } from '../../contract/format';

const value = (text: string): number => {
  const m = /^(-?[\d.]+)([kMB]?)$/.exec(text);
  if (!m) throw new Error(`not a token count: ${text}`);
  return Number(m[1]) * { '': 1, k: 1e3, M: 1e6, B: 1e9 }[m[2] as '' | 'k' | 'M' | 'B'];
};

describe('formatTokens', () => {
  // Around every unit boundary, and far above the last.
  const counts = [0, 9_999, 10_000, 999_940, 999_950, 999_960, 1_000_000, 999_994_999, 999_995_000, 1_000_000_000, 1_234_567_890, 4.2e12];
  it.each(counts)('%d reads with at most three digits before its unit and within half a unit step', (n) => {
    for (const signed of [n, -n]) {
      const text = formatTokens(signed);
      const [, whole = '', unit = ''] = /^-?(\d+)(?:\.\d+)?([kMB]?)$/.exec(text) ?? [];
      if (unit !== '' && unit !== 'B') expect(whole.length, text).toBeLessThanOrEqual(3);
      const step = unit === '' ? 1 : unit === 'k' ? 100 : unit === 'M' ? 10_000 : 10_000_000;
      expect(Math.abs(value(text) - signed), text).toBeLessThanOrEqual(step / 2 + 1e-6 * Math.abs(signed));
    }
  });
  it('is a dash for what is not a number', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(formatTokens)).toEqual(['–', '–']);
  });
});
