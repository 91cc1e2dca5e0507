/**
 * Retention of the governor's per-period rows: `governance_spend` (spend per budget and period) and
 * `governance_alerts` (which alert levels fired in a period) got one row per budget, scope value
 * (a per-user or per-team budget: one per user) and period for the life of the data directory.
 *
 * Their readers need only recent periods: the budget check and "alert once per period" the current
 * one, the forecast and report the one before, the alert relay alerts of the last few seconds. A
 * period lasts a month at most, so a row whose period started more than GOVERNANCE_MIN_DAYS ago
 * belongs to neither; ledger/retention.ts deletes those (and anything past `maxAgeDays`, whichever
 * is later), in batches.
 */
import type { Db } from '../db/open';

/** Two of the longest periods (a month, 31 days) and a day: the current and the previous period stay. */
export const GOVERNANCE_MIN_DAYS = 63;

const TABLES = ['governance_spend', 'governance_alerts'] as const;

/**
 * A deleter for one retention pass over rows of periods that started before `cutoffMs`: each call
 * deletes at most `batch` rows per table and returns the count deleted. Its statements are prepared
 * once per pass, not once per batch of rows (a year of per-user daily budgets is many batches).
 * Deletes nothing from a table that does not exist yet (a governor never started on the file).
 */
export function periodPruner(db: Db, cutoffMs: number): (batch: number) => number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  const deletes = TABLES.filter((table) => exists.get(table) !== undefined).map((table) => {
    // WITHOUT ROWID tables: rows are named by their primary key.
    const key = table === 'governance_spend' ? 'budget, period, period_start' : 'budget, period, period_start, level';
    return db.prepare(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE period_start < ? LIMIT ?)`);
  });
  return (batch) => {
    let deleted = 0;
    for (const st of deletes) deleted += st.run(cutoffMs, batch).changes;
    return deleted;
  };
}
