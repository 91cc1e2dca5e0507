/**
 * The governor's own tables (it never reads the ledger's). Amounts are integer nano-dollars so that
 * thousands of reserve/settle cycles add up exactly (REAL sums drift).
 */
import type { Db } from '../db/open';

export const NANO_PER_USD = 1e9;

export function toNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function fromNano(nano: number): number {
  return nano / NANO_PER_USD;
}

export function migrateGovernance(db: Db): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS governance_spend (
      budget TEXT NOT NULL,
      period TEXT NOT NULL,
      period_start INTEGER NOT NULL,
      spent_nano INTEGER NOT NULL DEFAULT 0,
      spent_tokens INTEGER NOT NULL DEFAULT 0,
      reserved_nano INTEGER NOT NULL DEFAULT 0,
      reserved_tokens INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (budget, period, period_start)
    ) WITHOUT ROWID;

    -- state: open (in flight) → settled | released; recovered = charged at worst case after its
    -- owner died (a late settle/release still corrects it).
    CREATE TABLE IF NOT EXISTS governance_reservations (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      owner TEXT NOT NULL,
      owner_pid INTEGER NOT NULL,
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      cost_nano INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'settled', 'released', 'recovered')),
      actual_nano INTEGER,
      actual_tokens INTEGER,
      closed_at INTEGER,
      hold_ms INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS governance_reservations_state ON governance_reservations (state, created_at);

    CREATE TABLE IF NOT EXISTS governance_reservation_budgets (
      reservation_id TEXT NOT NULL,
      budget TEXT NOT NULL,
      period TEXT NOT NULL,
      period_start INTEGER NOT NULL,
      PRIMARY KEY (reservation_id, budget)
    ) WITHOUT ROWID;

    -- RPM/TPM: per limit, one row per second with the calls and tokens admitted in it; the
    -- sliding window sums the last 60 rows at most, however busy the proxy is.
    CREATE TABLE IF NOT EXISTS governance_rate_buckets (
      limit_name TEXT NOT NULL,
      second INTEGER NOT NULL,
      requests INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      PRIMARY KEY (limit_name, second)
    ) WITHOUT ROWID;
    -- Which bucket each reservation's tokens went to, so settle/release can correct them.
    CREATE TABLE IF NOT EXISTS governance_rate_events (
      reservation_id TEXT NOT NULL,
      limit_name TEXT NOT NULL,
      second INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      PRIMARY KEY (reservation_id, limit_name)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS governance_rate_events_age ON governance_rate_events (limit_name, second);

    -- Leases: one row per Governor (a proxy process), renewed every few seconds. A reservation's
    -- owner is alive while its lease is fresh; seen_at 0 = closed. A pid alone misleads: pids are
    -- reused, and mean nothing across hosts or container pid namespaces sharing the file.
    CREATE TABLE IF NOT EXISTS governance_owners (
      owner TEXT PRIMARY KEY,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      seen_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- One row per budget, period and alert level (with the limits it was crossed against, so a
    -- limit changed by a policy edit alerts again): events fire once even across processes.
    CREATE TABLE IF NOT EXISTS governance_alerts (
      budget TEXT NOT NULL,
      period TEXT NOT NULL,
      period_start INTEGER NOT NULL,
      level TEXT NOT NULL,
      at INTEGER NOT NULL,
      PRIMARY KEY (budget, period, period_start, level)
    ) WITHOUT ROWID;
    -- Without them insertAlert and alertsSince (store.ts) read every row: ~30 ms and ~20 ms at 100,000 rows.
    CREATE INDEX IF NOT EXISTS governance_alerts_window ON governance_alerts (period, period_start, level);
    CREATE INDEX IF NOT EXISTS governance_alerts_at ON governance_alerts (at);
  `);
  // Alerts were remembered under a bare level ('warn', 'exceeded'), then with the limits they were
  // crossed against ('warn usd=25 tokens=- at=0.8'), now with the scope too (' scope=team%3Dsearch', no space in it).
  // A form already in the table for a budget's period counts for any longer or shorter one, so an
  // update (or a rollback, or two versions side by side) mid-period does not announce a budget's
  // warning or overrun a second time. Two keyed forms with different limits still differ (a limit
  // raised by a policy edit alerts again). It replaces the trigger that knew only the first two.
  db.exec(`
    DROP TRIGGER IF EXISTS governance_alerts_across_versions;
    CREATE TRIGGER IF NOT EXISTS governance_alerts_any_version BEFORE INSERT ON governance_alerts
    WHEN EXISTS (
      SELECT 1 FROM governance_alerts a
      WHERE a.budget = NEW.budget AND a.period = NEW.period AND a.period_start = NEW.period_start
        AND (substr(NEW.level, 1, length(a.level) + 1) = a.level || ' ' OR substr(a.level, 1, length(NEW.level) + 1) = NEW.level || ' ')
    )
    BEGIN SELECT RAISE(IGNORE); END;
  `);
  // hold_ms (how long a reservation may stay open before it counts as orphaned; NULL = the
  // Governor's staleAfterMs) came after the table: older databases lack it.
  const cols = new Set((db.prepare('PRAGMA table_info(governance_reservations)').all() as Array<{ name: string }>).map((c) => c.name));
  if (!cols.has('hold_ms')) {
    try {
      db.exec('ALTER TABLE governance_reservations ADD COLUMN hold_ms INTEGER');
    } catch (err) {
      // Another process sharing the file added it between the check and the ALTER.
      if (!/duplicate column/i.test(err instanceof Error ? err.message : String(err))) throw err;
    }
  }
}
