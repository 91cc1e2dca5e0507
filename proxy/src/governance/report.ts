/**
 * Reporting: each budget's spend, reservations, level and forecast for its current period, and each
 * rate limit's current window — what the local API and the status bar show. Reads only.
 */
import type { BudgetPolicy, Policy } from '../policy/schema';
import { forecastSpend } from './forecast';
import { fromNano } from './migrate';
import { periodBounds, previousPeriod } from './periods';
import { describeScope } from './scope';
import { type GovernanceStatements, type SpendRow, windowTotals } from './store';
import type { BudgetStatus, RateLimitStatus } from './types';

/** RPM/TPM use a sliding 60-second window at one-second resolution. */
export const RATE_WINDOW_S = 60;

/**
 * How full a budget is at this much use, the larger of the $ and token figures. A limit of 0 (a
 * scope frozen on purpose) is full from the start: 0/0 was NaN, which no check saw as exceeded.
 */
export function budgetFraction(b: BudgetPolicy, usd: number, tokens: number): number {
  const share = (used: number, limit: number | undefined): number => (limit === undefined ? 0 : limit > 0 ? used / limit : 1);
  return Math.max(share(usd, b.usd), share(tokens, b.tokens));
}

/** (spent + reserved) / limit. */
export function usedFraction(b: BudgetPolicy, row: SpendRow): number {
  return budgetFraction(b, fromNano(row.spent_nano + row.reserved_nano), row.spent_tokens + row.reserved_tokens);
}

/** Each budget's current period; `windowRow` is its spend there as admission counts it (Governor.windowSpend). */
export function budgetStatus(s: GovernanceStatements, policy: Policy, now: number, windowRow: (b: BudgetPolicy, start: number) => SpendRow): BudgetStatus[] {
  return policy.budgets.map((b) => {
    const { start, end } = periodBounds(b.period, now);
    const row = windowRow(b, start);
    const before = previousPeriod(b.period, now);
    const prev = s.getSpend.get(b.name, b.period, before.start) as SpendRow | undefined;
    const history = prev ? { previousLength: before.end - before.start } : {};
    const used = usedFraction(b, { ...row, reserved_nano: 0, reserved_tokens: 0 });
    const usd = forecastSpend({
      spent: fromNano(row.spent_nano),
      reserved: fromNano(row.reserved_nano),
      periodStart: start,
      periodEnd: end,
      now,
      ...(prev ? { previousSpent: fromNano(prev.spent_nano) } : {}),
      ...history,
      ...(b.usd !== undefined ? { limit: b.usd } : {}),
    });
    const tok = forecastSpend({
      spent: row.spent_tokens,
      reserved: row.reserved_tokens,
      periodStart: start,
      periodEnd: end,
      now,
      ...(prev ? { previousSpent: prev.spent_tokens } : {}),
      ...history,
      ...(b.tokens !== undefined ? { limit: b.tokens } : {}),
    });
    // Read as `used` is: a limit of 0 is full, not absent (the forecast of a frozen budget read 0 %).
    const forecastUsed = budgetFraction(b, usd.atPeriodEnd, tok.atPeriodEnd);
    const exceedsAt = [b.usd !== undefined ? usd.exceedsAt : undefined, b.tokens !== undefined ? tok.exceedsAt : undefined].filter(
      (x): x is number => x !== undefined,
    );
    const status: BudgetStatus = {
      name: b.name,
      scope: b.scope,
      scopeLabel: describeScope(b.scope),
      period: b.period,
      action: b.action,
      warnAt: b.warnAt,
      periodStart: start,
      resetsAt: end,
      spentUsd: fromNano(row.spent_nano),
      reservedUsd: fromNano(row.reserved_nano),
      spentTokens: row.spent_tokens,
      reservedTokens: row.reserved_tokens,
      used,
      committed: usedFraction(b, row),
      level: used >= 1 ? 'exceeded' : used >= b.warnAt ? 'warn' : 'ok',
      forecast: { used: forecastUsed },
    };
    if (b.usd !== undefined) {
      status.limitUsd = b.usd;
      status.forecast.usd = usd.atPeriodEnd;
      status.forecast.usdPerHour = usd.ratePerHour;
    }
    if (b.tokens !== undefined) {
      status.limitTokens = b.tokens;
      status.forecast.tokens = tok.atPeriodEnd;
    }
    const first = exceedsAt.length ? Math.min(...exceedsAt) : undefined;
    if (first !== undefined) status.forecast.exceedsAt = first;
    return status;
  });
}

export function rateStatus(s: GovernanceStatements, policy: Policy, now: number): RateLimitStatus[] {
  const oldest = Math.floor(now / 1000) - RATE_WINDOW_S + 1;
  return policy.rateLimits.map((l) => {
    const w = windowTotals(s, l.name, oldest);
    const out: RateLimitStatus = { name: l.name, scopeLabel: describeScope(l.scope), requests: w.requests, tokens: w.tokens };
    if (l.rpm !== undefined) out.rpm = l.rpm;
    if (l.tpm !== undefined) out.tpm = l.tpm;
    return out;
  });
}
