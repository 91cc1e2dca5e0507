/** Period boundaries (UTC) and the forecast maths. */
import { describe, expect, it } from 'vitest';
import { forecastSpend } from '../../proxy/src/governance/forecast';
import { periodBounds, previousPeriod } from '../../proxy/src/governance/periods';

const H = 3_600_000;

describe('periodBounds', () => {
  it('day, ISO week (Monday) and calendar month in UTC', () => {
    const t = Date.UTC(2026, 10, 26, 15, 30); // Thursday 26 Nov 2026
    expect(periodBounds('day', t)).toEqual({ start: Date.UTC(2026, 10, 26), end: Date.UTC(2026, 10, 27) });
    expect(periodBounds('week', t)).toEqual({ start: Date.UTC(2026, 10, 23), end: Date.UTC(2026, 10, 30) });
    expect(periodBounds('month', t)).toEqual({ start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) });
    expect(periodBounds('week', Date.UTC(2026, 10, 29, 23))).toEqual(periodBounds('week', t)); // Sunday
    expect(periodBounds('month', Date.UTC(2026, 11, 31, 23)).end).toBe(Date.UTC(2027, 0, 1));
    expect(previousPeriod('month', t)).toEqual({ start: Date.UTC(2026, 9, 1), end: Date.UTC(2026, 10, 1) });
  });
});

describe('forecastSpend', () => {
  const day = { periodStart: 0, periodEnd: 24 * H };

  it('extrapolates this period’s rate when there is no history', () => {
    const f = forecastSpend({ ...day, spent: 3, reserved: 1, now: 6 * H, limit: 10 });
    expect(f.ratePerHour).toBeCloseTo(0.5, 12);
    expect(f.atPeriodEnd).toBeCloseTo(4 + 0.5 * 18, 12);
    expect(f.exceedsAt).toBe(6 * H + 12 * H); // (10 − 4) / 0.5 per hour
  });

  it('floors the elapsed time so a burst in the first minute does not explode', () => {
    const f = forecastSpend({ ...day, spent: 1, reserved: 0, now: 60_000 });
    expect(f.ratePerHour).toBeCloseTo(1 / 0.5, 12); // elapsed floored at 24 h / 48 = 30 min
  });

  it('shrinks toward last period’s rate while the period is young', () => {
    // Last day spent 48 (2/h); today 1 in the first 6 h (1/6 per hour). Weight on today = 0.25.
    const f = forecastSpend({ ...day, spent: 1, reserved: 0, now: 6 * H, previousSpent: 48 });
    const rate = 0.25 * (1 / 6) + 0.75 * 2;
    expect(f.ratePerHour).toBeCloseTo(rate, 12);
    expect(f.atPeriodEnd).toBeCloseTo(1 + rate * 18, 9);
  });

  it('reports the limit as already crossed and no crossing when spend is flat', () => {
    expect(forecastSpend({ ...day, spent: 10, reserved: 1, now: 12 * H, limit: 10 }).exceedsAt).toBe(12 * H);
    expect(forecastSpend({ ...day, spent: 0, reserved: 0, now: 12 * H, limit: 10 }).exceedsAt).toBeUndefined();
  });
});
