/**
 * Budget alerts crossed by another proxy on the same data directory (the CLI's, beside the
 * editor's). An alert fires once across processes (a row in governance_alerts), in the process
 * whose call crossed the threshold: listeners of every other proxy — the editor's notifications,
 * its live event stream — never heard of it. The relay reads the rows added since its last look
 * and hands back the ones this process did not raise itself, as events of its own.
 *
 * Cheap: the table holds a few rows per budget and period; it is read on a timer, never per call.
 */
import type { Policy } from '../policy/schema';
import { fromNano } from './migrate';
import { periodBounds } from './periods';
import { spendOf, type GovernanceStatements } from './store';
import type { BudgetEvent } from './types';

/**
 * How far back each look reaches: an alert is stamped with its transaction's clock before it
 * commits, so a row can become visible after a look that was already past its `at`.
 */
const OVERLAP_MS = 60_000;

interface AlertRow {
  budget: string;
  period: string;
  period_start: number;
  level: string;
  at: number;
}

export class AlertRelay {
  /** Alerts already emitted here or relayed, by key, with their `at` (forgotten once out of the overlap). */
  private readonly seen = new Map<string, number>();
  private since: number;

  constructor(
    private readonly stmts: GovernanceStatements,
    now: number,
  ) {
    this.since = now - OVERLAP_MS;
    // What was raised before this process started is not news.
    for (const r of this.stmts.alertsSince.all(this.since) as AlertRow[]) this.seen.set(keyOf(r), r.at);
  }

  /** An alert this process raised (and emitted) itself. */
  raised(budget: string, period: string, periodStart: number, level: string, at: number): void {
    this.seen.set(keyOf({ budget, period, period_start: periodStart, level }), at);
  }

  /** Events for the alerts other processes raised since the last call. */
  collect(policy: Policy, now: number): BudgetEvent[] {
    const rows = (this.stmts.alertsSince.all(this.since) as AlertRow[]).filter((r) => !this.seen.has(keyOf(r)));
    for (const r of rows) this.seen.set(keyOf(r), r.at);
    this.since = now - OVERLAP_MS;
    for (const [k, at] of this.seen) if (at < this.since) this.seen.delete(k);
    const events: BudgetEvent[] = [];
    for (const r of rows) {
      const level = r.level.split(' ')[0];
      if (level !== 'warn' && level !== 'exceeded') continue;
      // Crossing straight past 100 % records the warning too; the process that crossed sent one event.
      if (level === 'warn' && rows.some((o) => o.budget === r.budget && o.period === r.period && o.period_start === r.period_start && o.level.startsWith('exceeded'))) continue;
      const budget = policy.budgets.find((b) => b.name === r.budget && b.period === r.period);
      if (!budget) continue; // a budget this proxy's policy does not have: nothing here to tell about
      const { end } = periodBounds(budget.period, r.period_start);
      if (end <= now) continue;
      const spend = spendOf(this.stmts, r.budget, r.period, r.period_start);
      const event: BudgetEvent = { budget: r.budget, level, spentUsd: fromNano(spend.spent_nano), spentTokens: spend.spent_tokens, period: budget.period, resetsAt: end };
      if (budget.usd !== undefined) event.limitUsd = budget.usd;
      if (budget.tokens !== undefined) event.limitTokens = budget.tokens;
      events.push(event);
    }
    return events;
  }
}

function keyOf(r: Pick<AlertRow, 'budget' | 'period' | 'period_start' | 'level'>): string {
  return `${r.budget}\u0000${r.period}\u0000${r.period_start}\u0000${r.level}`;
}
