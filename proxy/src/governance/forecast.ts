/**
 * Spend forecast to the end of a budget period. Pure.
 *
 * Method: committed-so-far (settled spend + in-flight reservations) plus a spend rate times the time
 * left. The rate is this period's settled spend divided by the time elapsed, shrunk toward last
 * period's average rate (its spend over its own length) while the current period is young: weight
 * on the current rate = fraction of the period elapsed. Early in a period a single burst would otherwise extrapolate to an absurd
 * figure; late in the period the current rate dominates. Without a previous period the current
 * rate is used alone, with the elapsed time floored at 1/48 of the period for the same reason.
 */
export interface ForecastInput {
  spent: number;
  reserved: number;
  periodStart: number;
  periodEnd: number;
  now: number;
  /** Settled spend of the previous period, when one was recorded. */
  previousSpent?: number;
  /**
   * Length of the previous period in ms, when it differs from this one's (months: February's
   * $28 is $1 a day, not 28/31 of one). Default: this period's length.
   */
  previousLength?: number;
  limit?: number;
}

export interface Forecast {
  /** Expected total at the end of the period. */
  atPeriodEnd: number;
  /** Spend per hour used for the projection. */
  ratePerHour: number;
  /** Epoch ms when the projection crosses `limit`, if it does before the period ends. */
  exceedsAt?: number;
}

const HOUR_MS = 3_600_000;

export function forecastSpend(input: ForecastInput): Forecast {
  const length = input.periodEnd - input.periodStart;
  const now = Math.min(Math.max(input.now, input.periodStart), input.periodEnd);
  const elapsed = now - input.periodStart;
  const remaining = input.periodEnd - now;
  const committed = input.spent + input.reserved;
  let rate: number; // per ms
  if (input.previousSpent !== undefined) {
    const current = elapsed > 0 ? input.spent / elapsed : 0;
    const previous = input.previousSpent / (input.previousLength ?? length);
    const w = elapsed / length;
    rate = w * current + (1 - w) * previous;
  } else {
    rate = input.spent / Math.max(elapsed, length / 48);
  }
  const out: Forecast = { atPeriodEnd: committed + rate * remaining, ratePerHour: rate * HOUR_MS };
  if (input.limit !== undefined && committed < input.limit && rate > 0) {
    const at = now + (input.limit - committed) / rate;
    if (at < input.periodEnd) out.exceedsAt = Math.ceil(at);
  } else if (input.limit !== undefined && committed >= input.limit) {
    out.exceedsAt = now;
  }
  return out;
}
