/**
 * The governor's SQL: every statement it runs against its own tables (migrate.ts creates them),
 * prepared once per database, and the row shapes they return. No decisions here.
 */
import type { Db } from '../db/open';

export interface SpendRow {
  spent_nano: number;
  spent_tokens: number;
  reserved_nano: number;
  reserved_tokens: number;
}

export interface ReservationRow {
  id: string;
  owner: string;
  owner_pid: number;
  cost_nano: number;
  tokens: number;
  state: 'open' | 'settled' | 'released' | 'recovered';
  created_at: number;
  /** How long it may stay open before it counts as orphaned; null → the Governor's staleAfterMs. */
  hold_ms: number | null;
}

/** A Governor's lease (governance_owners). */
export interface LeaseRow {
  owner: string;
  pid: number;
  host: string;
  /** Last renewal (ms since the epoch, the Governor's clock); 0 once it closed. */
  seen_at: number;
}

export const EMPTY_ROW: SpendRow = { spent_nano: 0, spent_tokens: 0, reserved_nano: 0, reserved_tokens: 0 };

export type GovernanceStatements = ReturnType<typeof prepareGovernance>;

/** A budget's row for one period, zeros when nothing was spent or reserved yet. */
export function spendOf(s: GovernanceStatements, budget: string, period: string, start: number): SpendRow {
  return (s.getSpend.get(budget, period, start) as SpendRow | undefined) ?? EMPTY_ROW;
}

/** Requests and tokens of a rate limit since `oldest` (epoch seconds). */
export function windowTotals(s: GovernanceStatements, limit: string, oldest: number): { requests: number; tokens: number } {
  const row = s.windowTotals.get(limit, oldest) as { n: number | null; tokens: number | null };
  return { requests: row.n ?? 0, tokens: row.tokens ?? 0 };
}

/** Calls in flight in a rate limit's window since `oldest` and the worst-case tokens they hold. */
export function inFlightTotals(s: GovernanceStatements, limit: string, oldest: number): { calls: number; tokens: number } {
  const row = s.inFlightTokens.get(limit, oldest) as { n: number | null; tokens: number | null };
  return { calls: row.n ?? 0, tokens: row.tokens ?? 0 };
}

export function prepareGovernance(db: Db) {
  return {
    // Sums are exact 64-bit integers in SQLite; one past 2^53 (many huge reservations under an
    // alert-only budget) cannot be read as a number, so it reads as 2^53 — over any limit — and the
    // budget stays usable; releasing them brings the exact figure back.
    getSpend: db.prepare(
      `SELECT MIN(spent_nano, ${Number.MAX_SAFE_INTEGER}) AS spent_nano, MIN(spent_tokens, ${Number.MAX_SAFE_INTEGER}) AS spent_tokens,
         MIN(reserved_nano, ${Number.MAX_SAFE_INTEGER}) AS reserved_nano, MIN(reserved_tokens, ${Number.MAX_SAFE_INTEGER}) AS reserved_tokens
       FROM governance_spend WHERE budget = ? AND period = ? AND period_start = ?`,
    ),
    addReserved: db.prepare(
      `INSERT INTO governance_spend (budget, period, period_start, reserved_nano, reserved_tokens) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (budget, period, period_start) DO UPDATE SET
         reserved_nano = reserved_nano + excluded.reserved_nano, reserved_tokens = reserved_tokens + excluded.reserved_tokens`,
    ),
    // (reserved nano, reserved tokens, actual nano, actual tokens, budget, period, start)
    moveReservedToSpent: db.prepare(
      `UPDATE governance_spend SET reserved_nano = reserved_nano - ?, reserved_tokens = reserved_tokens - ?,
         spent_nano = spent_nano + ?, spent_tokens = spent_tokens + ?
       WHERE budget = ? AND period = ? AND period_start = ?`,
    ),
    correctCharge: db.prepare(
      `UPDATE governance_spend SET spent_nano = spent_nano + ?, spent_tokens = spent_tokens + ?
       WHERE budget = ? AND period = ? AND period_start = ?`,
    ),
    insertReservation: db.prepare(
      'INSERT INTO governance_reservations (id, created_at, owner, owner_pid, provider, model, cost_nano, tokens, state, hold_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertReservationBudget: db.prepare('INSERT INTO governance_reservation_budgets (reservation_id, budget, period, period_start) VALUES (?, ?, ?, ?)'),
    getReservation: db.prepare('SELECT id, owner, owner_pid, cost_nano, tokens, state, created_at, hold_ms FROM governance_reservations WHERE id = ?'),
    reservationBudgets: db.prepare('SELECT budget, period, period_start FROM governance_reservation_budgets WHERE reservation_id = ?'),
    closeReservation: db.prepare('UPDATE governance_reservations SET state = ?, actual_nano = ?, actual_tokens = ?, closed_at = ? WHERE id = ?'),
    holdForProvider: db.prepare("UPDATE governance_reservations SET owner = ?, hold_ms = ? WHERE id = ? AND state = 'open'"),
    markRecovered: db.prepare("UPDATE governance_reservations SET state = 'recovered', closed_at = ? WHERE id = ?"),
    anyOpen: db.prepare("SELECT 1 FROM governance_reservations WHERE state = 'open' LIMIT 1"),
    /** (budget, period): a row when the budget was counted under this name and period before (ledgerSeed.ts). */
    periodCounted: db.prepare('SELECT 1 FROM governance_spend WHERE budget = ? AND period = ? LIMIT 1'),
    seedSpend: db.prepare('INSERT INTO governance_spend (budget, period, period_start, spent_nano, spent_tokens) VALUES (?, ?, ?, ?, ?)'),
    openReservations: db.prepare("SELECT id, owner, owner_pid, cost_nano, tokens, state, created_at, hold_ms FROM governance_reservations WHERE state = 'open'"),
    pruneReservationBudgets: db.prepare(
      `DELETE FROM governance_reservation_budgets WHERE reservation_id IN
         (SELECT id FROM governance_reservations WHERE state IN ('settled', 'released', 'recovered') AND closed_at < ?)`,
    ),
    pruneReservations: db.prepare("DELETE FROM governance_reservations WHERE state IN ('settled', 'released', 'recovered') AND closed_at < ?"),
    addToBucket: db.prepare(
      `INSERT INTO governance_rate_buckets (limit_name, second, requests, tokens) VALUES (?, ?, 1, ?)
       ON CONFLICT (limit_name, second) DO UPDATE SET requests = requests + 1, tokens = tokens + excluded.tokens`,
    ),
    adjustBucketTokens: db.prepare('UPDATE governance_rate_buckets SET tokens = MAX(0, tokens + ?) WHERE limit_name = ? AND second = ?'),
    pruneBuckets: db.prepare('DELETE FROM governance_rate_buckets WHERE limit_name = ? AND second < ?'),
    // Buckets stamped after the current second: the wall clock stepped back (NTP, a resumed VM).
    // (limit, current second)
    hasFutureBuckets: db.prepare('SELECT 1 FROM governance_rate_buckets WHERE limit_name = ? AND second > ? LIMIT 1'),
    // (current second, limit, current second): the SELECT's WHERE lets SQLite parse the upsert.
    foldFutureBuckets: db.prepare(
      `INSERT INTO governance_rate_buckets (limit_name, second, requests, tokens)
         SELECT limit_name, ?, SUM(requests), SUM(tokens) FROM governance_rate_buckets WHERE limit_name = ? AND second > ? GROUP BY limit_name
       ON CONFLICT (limit_name, second) DO UPDATE SET requests = requests + excluded.requests, tokens = tokens + excluded.tokens`,
    ),
    // (limit, current second)
    deleteFutureBuckets: db.prepare('DELETE FROM governance_rate_buckets WHERE limit_name = ? AND second > ?'),
    // (current second, limit, current second)
    foldFutureRateEvents: db.prepare('UPDATE governance_rate_events SET second = ? WHERE limit_name = ? AND second > ?'),
    windowTotals: db.prepare('SELECT SUM(requests) AS n, SUM(tokens) AS tokens FROM governance_rate_buckets WHERE limit_name = ? AND second >= ?'),
    windowBuckets: db.prepare('SELECT second, requests, tokens FROM governance_rate_buckets WHERE limit_name = ? AND second >= ? ORDER BY second'),
    // Tokens of a limit's window still held at a worst case by calls in flight (only read on a refusal).
    inFlightTokens: db.prepare(
      `SELECT COUNT(*) AS n, SUM(e.tokens) AS tokens FROM governance_rate_events e JOIN governance_reservations r ON r.id = e.reservation_id
       WHERE e.limit_name = ? AND e.second >= ? AND r.state = 'open'`,
    ),
    insertRateEvent: db.prepare('INSERT INTO governance_rate_events (reservation_id, limit_name, second, tokens) VALUES (?, ?, ?, ?)'),
    rateEventsOf: db.prepare('SELECT limit_name, second, tokens FROM governance_rate_events WHERE reservation_id = ?'),
    setRateTokens: db.prepare('UPDATE governance_rate_events SET tokens = ? WHERE reservation_id = ?'),
    pruneRateEvents: db.prepare('DELETE FROM governance_rate_events WHERE limit_name = ? AND second < ?'),
    pruneAllBuckets: db.prepare('DELETE FROM governance_rate_buckets WHERE second < ?'),
    pruneAllRateEvents: db.prepare('DELETE FROM governance_rate_events WHERE second < ?'),
    // (owner, pid, host, seen_at)
    renewLease: db.prepare(
      `INSERT INTO governance_owners (owner, pid, host, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (owner) DO UPDATE SET seen_at = excluded.seen_at`,
    ),
    endLease: db.prepare('UPDATE governance_owners SET seen_at = 0 WHERE owner = ?'),
    leaseOf: db.prepare('SELECT owner, pid, host, seen_at FROM governance_owners WHERE owner = ?'),
    // Leases not renewed since `?` whose owner holds nothing open any more.
    pruneLeases: db.prepare(
      "DELETE FROM governance_owners WHERE seen_at < ? AND owner NOT IN (SELECT owner FROM governance_reservations WHERE state = 'open')",
    ),
    alertsSince: db.prepare('SELECT budget, period, period_start, level, at FROM governance_alerts WHERE at >= ?'),
    /** Once per window for the same limits and scope, under any name: a budget renamed warned again of the spend it had warned of. */
    insertAlert: db.prepare(
      `INSERT OR IGNORE INTO governance_alerts (budget, period, period_start, level, at)
       SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS (SELECT 1 FROM governance_alerts WHERE period = ?2 AND period_start = ?3 AND level = ?4)`,
    ),
  };
}
