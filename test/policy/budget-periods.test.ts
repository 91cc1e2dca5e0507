/**
 * A budget period written as a length, as LiteLLM (`1d`, `7d`, `30d`, `1mo`), Bifrost (`1d`, `1w`,
 * `1M`: Tollgate's own exports write these), ISO 8601 (`P1M`) or people ("7 days") write it. The
 * hint went by the word inside: "7 days" and "30 days" got `did you mean "day"?` — a budget meant
 * for a week or a month made daily, 7 or 30 times the spend — and `7d`, `1w`, `1mo` got no hint.
 * The hint now goes by the length, and a length that is no Tollgate period says so.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';

function periodMessage(period: string): string {
  const r = parsePolicy(`budgets:\n  - name: team\n    period: "${period}"\n    usd: 50\n`, 'policy.yaml');
  if (r.ok) throw new Error(`"${period}" was accepted`);
  expect(r.problems).toHaveLength(1);
  expect(r.problems[0]).toMatchObject({ line: 3, path: 'budgets.0.period' });
  return r.problems[0]!.message;
}

describe('a budget period written as a length', () => {
  it.each([
    ['1d', 'day'],
    ['24h', 'day'],
    ['P1D', 'day'],
    ['7 days', 'week'],
    ['7d', 'week'],
    ['1w', 'week'],
    ['P7D', 'week'],
    ['30 days', 'month'],
    ['30d', 'month'],
    ['1mo', 'month'],
    ['1M', 'month'],
    ['P1M', 'month'],
  ])('"%s" is a %s', (written, period) => {
    const message = periodMessage(written);
    expect(message).toContain(`write ${period} for`);
    expect(message).not.toContain('did you mean');
  });

  it.each(['2 weeks', '14d', 'biweekly', 'quarterly', 'P1Y', 'annual'])('"%s" is said to be no Tollgate period, with no wrong guess', (written) => {
    const message = periodMessage(written);
    expect(message).toContain('is none of them');
    expect(message).not.toMatch(/did you mean|write (day|week|month) for/);
  });

  it('words and shorter lengths keep their hints', () => {
    expect(periodMessage('monthly')).toContain('did you mean "month"?');
    expect(periodMessage('per day')).toContain('did you mean "day"?');
    expect(periodMessage('1h')).toContain('per-minute limits are rateLimits');
  });
});
