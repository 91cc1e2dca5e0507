/**
 * Budget periods in UTC: a day starts at 00:00 UTC, a week on Monday 00:00 UTC (ISO weeks), a month
 * on the 1st at 00:00 UTC. UTC so that two proxies (or a proxy and its dashboard) on machines with
 * different time zones agree on which period a call belongs to. Pure.
 */
export type BudgetPeriod = 'day' | 'week' | 'month';

export interface PeriodBounds {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive: when the budget resets. */
  end: number;
}

const DAY_MS = 86_400_000;

export function periodBounds(period: BudgetPeriod, now: number): PeriodBounds {
  const d = new Date(now);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  switch (period) {
    case 'day':
      return { start: dayStart, end: dayStart + DAY_MS };
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const start = dayStart - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case 'month': {
      const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      return { start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
    }
  }
}

/** The period before the one containing `now`. */
export function previousPeriod(period: BudgetPeriod, now: number): PeriodBounds {
  return periodBounds(period, periodBounds(period, now).start - 1);
}
