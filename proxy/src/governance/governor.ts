/**
 * The governor: budgets ($ and tokens per day/week/month), RPM/TPM limits and the reservations that
 * make them hold under concurrency.
 *
 * admit() is one `BEGIN IMMEDIATE` SQLite transaction: it takes the database write lock before it
 * reads the spend, so the check and the reservation are atomic within a process (better-sqlite3 is
 * synchronous) and across processes sharing the file (the second waits on busy_timeout). A call is
 * admitted while a budget's spent + reserved is below its limit, and then reserves its worst case;
 * so concurrent calls can overshoot a budget by at most one reservation. settle() swaps the
 * reservation for the real cost; release() drops it. See docs/governance.md.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Db } from '../db/open';
import type { BudgetPolicy, Policy, RateLimitPolicy, Scope } from '../policy/schema';
import { priceCall } from '../pricing/price';
import { downgradeTarget } from './downgrade';
import { forecastSpend } from './forecast';
import { formatBudgetHeader, formatDuration, formatUsd, isoSeconds } from './format';
import { fromNano, migrateGovernance, toNano } from './migrate';
import { periodBounds, previousPeriod, type BudgetPeriod } from './periods';
import { describeScope, scopeMatches } from './scope';
import type { AdmitRequest, AdmitResult, BudgetEvent, BudgetLevel, BudgetStatus, GovernorEvents, RateLimitStatus } from './types';

/** RPM/TPM use a sliding 60-second window at one-second resolution. */
export const RATE_WINDOW_S = 60;
/** Open reservations older than this are treated as orphaned by recoverAfterRestart(). */
export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;
/** Closed reservations are kept this long (for inspection), then pruned by recoverAfterRestart(). */
const KEEP_CLOSED_MS = 7 * 86_400_000;

export interface GovernorOptions {
  /** Age after which an unsettled reservation is charged at its worst case. Default 30 min. */
  staleAfterMs?: number;
}

interface SpendRow {
  spent_nano: number;
  spent_tokens: number;
  reserved_nano: number;
  reserved_tokens: number;
}

interface ReservationRow {
  id: string;
  owner: string;
  owner_pid: number;
  cost_nano: number;
  tokens: number;
  state: 'open' | 'settled' | 'released' | 'recovered';
  created_at: number;
}

interface BudgetCheck {
  budget: BudgetPolicy;
  start: number;
  end: number;
  row: SpendRow;
  /** Fraction of the limit committed before this call. */
  before: number;
  /** Fraction committed if this call's worst case is added. */
  after: number;
}

const EMPTY_ROW: SpendRow = { spent_nano: 0, spent_tokens: 0, reserved_nano: 0, reserved_tokens: 0 };

/** Governor instances alive in this process: their reservations are never orphaned. */
const liveOwners = new Set<string>();

export class Governor extends EventEmitter<GovernorEvents> {
  readonly owner = randomUUID();
  private readonly staleAfterMs: number;
  private readonly stmts: ReturnType<typeof prepare>;
  /** Per rate limit, the second its expired buckets were last deleted. */
  private readonly prunedAt = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly getPolicy: () => Policy,
    private readonly now: () => number = Date.now,
    options: GovernorOptions = {},
  ) {
    super();
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.migrate();
    this.stmts = prepare(db);
    liveOwners.add(this.owner);
  }

  /** Idempotent; also run by the constructor. */
  migrate(): void {
    migrateGovernance(this.db);
  }

  /** Stop counting this instance as alive (its open reservations become recoverable). */
  close(): void {
    liveOwners.delete(this.owner);
  }

  admit(req: AdmitRequest): AdmitResult {
    // Nothing governs this call: no transaction, no reservation (settle/release are not needed).
    const policy = this.getPolicy();
    const governed = (s: { scope: Scope }): boolean => scopeMatches(s.scope, req.identity);
    if (!policy.budgets.some(governed) && !policy.rateLimits.some(governed)) return { decision: 'allow', headers: {} };
    const events: BudgetEvent[] = [];
    const result = this.db.transaction(() => this.admitLocked(req, policy, events)).immediate();
    this.emitAll(events);
    return result;
  }

  private admitLocked(req: AdmitRequest, policy: Policy, events: BudgetEvent[]): AdmitResult {
    const now = this.now();
    const id = req.identity;
    const maxOut = req.maxOutputTokens ?? policy.defaults.maxOutputTokens;
    let model = req.model;
    const tokens = Math.max(0, req.inputTokens) + Math.max(0, maxOut);
    const price = priceCall(model, { inputTokens: req.inputTokens, outputTokens: maxOut }, req.provider);
    let costNano = toNano(req.worstCaseUsd ?? price.totalUsd);

    // 1. Rate limits: a request over any RPM/TPM window is refused before anything is reserved.
    const limits = policy.rateLimits.filter((l) => scopeMatches(l.scope, id));
    const budgets = policy.budgets.filter((b) => scopeMatches(b.scope, id));
    for (const limit of limits) {
      const refusal = this.checkRateLimit(limit, tokens, now);
      if (refusal) return refusal;
    }

    // 2. Budgets. A model with no price costs $0 to a usd budget: refused where the budget says `unpriced: block`.
    const failClosed = price.priced ? undefined : budgets.find((b) => b.usd !== undefined && b.unpriced === 'block');
    if (failClosed) {
      return {
        decision: 'block',
        headers: {},
        budget: failClosed.name,
        summary: `block: ${failClosed.name} unpriced`,
        message: `Tollgate: budget "${failClosed.name}" refuses models it cannot price (unpriced: block), and ${req.provider}/${model} has no price in @pydantic/genai-prices.`,
      };
    }
    const checks = budgets.map((b) => this.checkBudget(b, now, costNano, tokens));
    const exceeded = checks.filter((c) => c.before >= 1 || (req.refuseIfWorstCaseExceeds === true && c.budget.action === 'block' && c.after > 1));
    const headers: Record<string, string> = {};
    const headerParts: string[] = [];
    let decision: AdmitResult['decision'] = 'allow';
    let decidingBudget: BudgetCheck | undefined;

    const blocking = exceeded.find((c) => c.budget.action === 'block');
    const downgrading = exceeded.find((c) => c.budget.action === 'downgrade');
    if (blocking) return this.blockForBudget(blocking, now, events);
    if (downgrading) {
      const choice = downgradeTarget(policy, req.provider, model);
      if (!choice.ok) return this.blockForBudget(downgrading, now, events, choice.reason);
      decision = 'downgrade';
      decidingBudget = downgrading;
      if (choice.changed) {
        headers['x-tollgate-downgrade'] = `${model} -> ${choice.model}; budget=${downgrading.budget.name}`;
        model = choice.model;
        costNano = toNano(priceCall(model, { inputTokens: req.inputTokens, outputTokens: maxOut }, req.provider).totalUsd);
      } else {
        headers['x-tollgate-downgrade'] = `${model} (already the cheapest tier); budget=${downgrading.budget.name}`;
      }
    }
    for (const c of exceeded) headerParts.push(formatBudgetHeader('exceeded', c.budget, c.before, c.end));
    for (const c of checks) {
      if (c.before < 1 && c.after >= c.budget.warnAt) headerParts.push(formatBudgetHeader('warn', c.budget, c.after, c.end));
    }
    if (decision === 'allow' && headerParts.length > 0) {
      decision = 'warn';
      decidingBudget = exceeded[0] ?? checks.filter((c) => c.before < 1 && c.after >= c.budget.warnAt).sort((a, b) => b.after - a.after)[0];
    }
    if (headerParts.length > 0) headers['x-tollgate-budget'] = headerParts.join(', ');

    // 3. Reserve the worst case against every matching budget and rate limit.
    const reservationId = randomUUID();
    const s = this.stmts;
    s.insertReservation.run(reservationId, now, this.owner, process.pid, req.provider, model, costNano, tokens, 'open');
    for (const c of checks) {
      s.insertReservationBudget.run(reservationId, c.budget.name, c.budget.period, c.start);
      s.addReserved.run(c.budget.name, c.budget.period, c.start, costNano, tokens);
    }
    const second = Math.floor(now / 1000);
    for (const limit of limits) {
      s.addToBucket.run(limit.name, second, tokens);
      s.insertRateEvent.run(reservationId, limit.name, second, tokens);
    }
    for (const c of checks) {
      const row = { ...c.row, reserved_nano: c.row.reserved_nano + costNano, reserved_tokens: c.row.reserved_tokens + tokens };
      this.collectAlert(c.budget, c.start, c.end, now, events, row);
    }

    const result: AdmitResult = { decision, reservationId, headers, reservedUsd: fromNano(costNano), reservedTokens: tokens };
    if (decision === 'downgrade') result.downgradeTo = model;
    if (decidingBudget) {
      result.budget = decidingBudget.budget.name;
      const level = decidingBudget.before >= 1 ? 'exceeded' : 'warn';
      const pct = Math.round((decidingBudget.before >= 1 ? decidingBudget.before : decidingBudget.after) * 100);
      result.summary = `${decision === 'downgrade' ? 'downgrade' : level}: ${decidingBudget.budget.name} ${pct}%`;
    }
    return result;
  }

  private checkRateLimit(limit: RateLimitPolicy, tokens: number, now: number): AdmitResult | undefined {
    const s = this.stmts;
    const second = Math.floor(now / 1000);
    const oldest = second - RATE_WINDOW_S + 1;
    // Expired buckets are excluded by the queries below; deleting them is garbage collection,
    // done once per second per limit.
    if (this.prunedAt.get(limit.name) !== second) {
      s.pruneBuckets.run(limit.name, oldest);
      s.pruneRateEvents.run(limit.name, oldest);
      this.prunedAt.set(limit.name, second);
    }
    const totals = s.windowTotals.get(limit.name, oldest) as { n: number | null; tokens: number | null };
    const calls = totals.n ?? 0;
    const used = totals.tokens ?? 0;
    const overRpm = limit.rpm !== undefined && calls + 1 > limit.rpm;
    // A single request larger than the whole TPM allowance is let through on an empty window,
    // otherwise it could never run.
    const overTpm = limit.tpm !== undefined && calls > 0 && used + tokens > limit.tpm;
    if (!overRpm && !overTpm) return undefined;
    // When does it fit? Walk the buckets oldest first until enough has left the window.
    const buckets = s.windowBuckets.all(limit.name, oldest) as Array<{ second: number; requests: number; tokens: number }>;
    const fitsAfter = (fits: (leftCalls: number, leftTokens: number) => boolean): number => {
      let leftCalls = calls;
      let leftTokens = used;
      for (const b of buckets) {
        leftCalls -= b.requests;
        leftTokens -= b.tokens;
        if (fits(leftCalls, leftTokens)) return (b.second + RATE_WINDOW_S) * 1000;
      }
      return (second + RATE_WINDOW_S) * 1000;
    };
    let freeAt: number | undefined;
    let what = '';
    if (overRpm) {
      freeAt = fitsAfter((c) => c + 1 <= limit.rpm!);
      what = `${limit.rpm} requests per minute`;
    }
    if (overTpm) {
      const at = fitsAfter((c, t) => c === 0 || t + tokens <= limit.tpm!);
      if (freeAt === undefined || at > freeAt) {
        freeAt = at;
        what = `${limit.tpm} tokens per minute (${used} in use, this request needs up to ${tokens})`;
      }
    }
    if (freeAt === undefined) return undefined;
    const retryAfterSec = Math.max(1, Math.ceil((freeAt - now) / 1000));
    const message = `Tollgate rate limit "${limit.name}" (${describeScope(limit.scope)}) allows ${what}. Retry in ${retryAfterSec} s.`;
    return {
      decision: 'block',
      headers: {
        'x-tollgate-ratelimit': `name=${limit.name}; ${limit.rpm !== undefined ? `rpm=${limit.rpm}; ` : ''}${limit.tpm !== undefined ? `tpm=${limit.tpm}; ` : ''}window=60s`,
        'retry-after': String(retryAfterSec),
      },
      message,
      retryAfterSec,
      budget: limit.name,
      summary: `block: rate limit ${limit.name}`,
    };
  }

  private checkBudget(budget: BudgetPolicy, now: number, costNano: number, tokens: number): BudgetCheck {
    const { start, end } = periodBounds(budget.period, now);
    const row = (this.stmts.getSpend.get(budget.name, budget.period, start) as SpendRow | undefined) ?? EMPTY_ROW;
    const fraction = (extraNano: number, extraTokens: number): number =>
      Math.max(
        budget.usd !== undefined ? fromNano(row.spent_nano + row.reserved_nano + extraNano) / budget.usd : 0,
        budget.tokens !== undefined ? (row.spent_tokens + row.reserved_tokens + extraTokens) / budget.tokens : 0,
      );
    return { budget, start, end, row, before: fraction(0, 0), after: fraction(costNano, tokens) };
  }

  private blockForBudget(c: BudgetCheck, now: number, events: BudgetEvent[], extra?: string): AdmitResult {
    this.collectAlert(c.budget, c.start, c.end, now, events);
    const retryAfterSec = Math.max(1, Math.ceil((c.end - now) / 1000));
    const b = c.budget;
    const limits = [b.usd !== undefined ? `${formatUsd(b.usd)}` : '', b.tokens !== undefined ? `${b.tokens} tokens` : ''].filter(Boolean).join(' / ');
    const spent = [
      b.usd !== undefined ? `${formatUsd(fromNano(c.row.spent_nano + c.row.reserved_nano))}` : '',
      b.tokens !== undefined ? `${c.row.spent_tokens + c.row.reserved_tokens} tokens` : '',
    ]
      .filter(Boolean)
      .join(' / ');
    const message =
      `Tollgate budget "${b.name}" (${describeScope(b.scope)}, ${limits} per ${b.period}) is exhausted: ${spent} spent or reserved. ` +
      `It resets at ${isoSeconds(c.end)} (in ${formatDuration(c.end - now)}).` +
      (extra ? ` The budget's action is downgrade, but ${extra}.` : '');
    return {
      decision: 'block',
      headers: { 'x-tollgate-budget': formatBudgetHeader('exceeded', b, c.before, c.end), 'retry-after': String(retryAfterSec) },
      message,
      retryAfterSec,
      budget: b.name,
      summary: `block: ${b.name} ${Math.round(c.before * 100)}%`,
    };
  }

  /** Queue a budget event when the committed amount newly crosses warnAt or 100 % this period. */
  private collectAlert(budget: BudgetPolicy, start: number, end: number, now: number, events: BudgetEvent[], known?: SpendRow): void {
    const row = known ?? (this.stmts.getSpend.get(budget.name, budget.period, start) as SpendRow | undefined) ?? EMPTY_ROW;
    // Alerts report money actually spent: in-flight reservations (a call's worst case) count for
    // admission, but an alert built on them named figures no ledger, gauge or status bar shows.
    const committed: SpendRow = { ...row, reserved_nano: 0, reserved_tokens: 0 };
    const used = usedFraction(budget, committed);
    const level: BudgetLevel = used >= 1 ? 'exceeded' : used >= budget.warnAt ? 'warn' : 'ok';
    if (level === 'ok') return;
    const newlyExceeded = level === 'exceeded' && this.stmts.insertAlert.run(budget.name, budget.period, start, 'exceeded', now).changes === 1;
    // Crossing straight past 100 % marks the warning as done too, so listeners get one event.
    const newlyWarned = this.stmts.insertAlert.run(budget.name, budget.period, start, 'warn', now).changes === 1;
    if (!newlyExceeded && !(newlyWarned && level === 'warn')) return;
    const event: BudgetEvent = {
      budget: budget.name,
      level: newlyExceeded ? 'exceeded' : 'warn',
      spentUsd: fromNano(row.spent_nano),
      spentTokens: row.spent_tokens,
      period: budget.period,
      resetsAt: end,
    };
    if (budget.usd !== undefined) event.limitUsd = budget.usd;
    if (budget.tokens !== undefined) event.limitTokens = budget.tokens;
    events.push(event);
  }

  /** Replace a reservation by the call's real cost. Idempotent; unknown ids are ignored. */
  settle(reservationId: string, actual: { costUsd: number; tokens: number }): void {
    this.close_(reservationId, { nano: toNano(Math.max(0, actual.costUsd)), tokens: Math.max(0, Math.round(actual.tokens)) });
  }

  /** Drop a reservation: the call cost nothing (refused upstream before any usage, cancelled…). */
  release(reservationId: string): void {
    this.close_(reservationId, undefined);
  }

  private close_(reservationId: string, actual: { nano: number; tokens: number } | undefined): void {
    const events: BudgetEvent[] = [];
    this.db
      .transaction(() => {
        const r = this.stmts.getReservation.get(reservationId) as ReservationRow | undefined;
        if (!r || (r.state !== 'open' && r.state !== 'recovered')) return;
        const now = this.now();
        const nano = actual?.nano ?? 0;
        const tokens = actual?.tokens ?? 0;
        const budgets = this.stmts.reservationBudgets.all(reservationId) as Array<{ budget: string; period: BudgetPeriod; period_start: number }>;
        for (const b of budgets) {
          if (r.state === 'open') this.stmts.moveReservedToSpent.run(r.cost_nano, r.tokens, nano, tokens, b.budget, b.period, b.period_start);
          else this.stmts.correctCharge.run(nano - r.cost_nano, tokens - r.tokens, b.budget, b.period, b.period_start);
        }
        for (const e of this.stmts.rateEventsOf.all(reservationId) as Array<{ limit_name: string; second: number; tokens: number }>) {
          this.stmts.adjustBucketTokens.run(tokens - e.tokens, e.limit_name, e.second);
        }
        this.stmts.setRateTokens.run(tokens, reservationId);
        this.stmts.closeReservation.run(actual ? 'settled' : 'released', actual ? nano : null, actual ? tokens : null, now, reservationId);
        const policy = this.getPolicy();
        for (const b of budgets) {
          const budget = policy.budgets.find((p) => p.name === b.budget && p.period === b.period);
          if (budget) this.collectAlert(budget, b.period_start, periodBounds(b.period, b.period_start).end, now, events);
        }
      })
      .immediate();
    this.emitAll(events);
  }

  /**
   * Resolve reservations whose owner is gone: made by a process that is no longer running (or by
   * a Governor of this process that was closed), or open for longer than staleAfterMs. They are
   * charged at their reserved worst case — the upstream may have billed a call whose proxy died
   * before recording it, and over-counting is the safe side for a budget. A settle()/release()
   * that still arrives later corrects the charge to the real figure. Returns how many were charged.
   */
  recoverAfterRestart(): number {
    const now = this.now();
    return this.db
      .transaction(() => {
        const open = this.stmts.openReservations.all() as ReservationRow[];
        let charged = 0;
        for (const r of open) {
          const orphaned = now - r.created_at > this.staleAfterMs || !ownerAlive(r.owner, r.owner_pid);
          if (!orphaned) continue;
          const budgets = this.stmts.reservationBudgets.all(r.id) as Array<{ budget: string; period: string; period_start: number }>;
          for (const b of budgets) this.stmts.moveReservedToSpent.run(r.cost_nano, r.tokens, r.cost_nano, r.tokens, b.budget, b.period, b.period_start);
          this.stmts.markRecovered.run(now, r.id);
          charged++;
        }
        const cutoff = now - KEEP_CLOSED_MS;
        this.stmts.pruneReservationBudgets.run(cutoff);
        this.stmts.pruneReservations.run(cutoff);
        // Windows of limits that were removed from the policy are never pruned by admit().
        const oldest = Math.floor(now / 1000) - RATE_WINDOW_S + 1;
        this.stmts.pruneAllBuckets.run(oldest);
        this.stmts.pruneAllRateEvents.run(oldest);
        return charged;
      })
      .immediate();
  }

  /** Every policy budget with spend, reservations, level and forecast for its current period. */
  status(): BudgetStatus[] {
    const policy = this.getPolicy();
    const now = this.now();
    return policy.budgets.map((b) => {
      const { start, end } = periodBounds(b.period, now);
      const row = (this.stmts.getSpend.get(b.name, b.period, start) as SpendRow | undefined) ?? EMPTY_ROW;
      const prev = this.stmts.getSpend.get(b.name, b.period, previousPeriod(b.period, now).start) as SpendRow | undefined;
      const used = usedFraction(b, row);
      const usd = forecastSpend({
        spent: fromNano(row.spent_nano),
        reserved: fromNano(row.reserved_nano),
        periodStart: start,
        periodEnd: end,
        now,
        ...(prev ? { previousSpent: fromNano(prev.spent_nano) } : {}),
        ...(b.usd !== undefined ? { limit: b.usd } : {}),
      });
      const tok = forecastSpend({
        spent: row.spent_tokens,
        reserved: row.reserved_tokens,
        periodStart: start,
        periodEnd: end,
        now,
        ...(prev ? { previousSpent: prev.spent_tokens } : {}),
        ...(b.tokens !== undefined ? { limit: b.tokens } : {}),
      });
      const forecastUsed = Math.max(b.usd ? usd.atPeriodEnd / b.usd : 0, b.tokens ? tok.atPeriodEnd / b.tokens : 0);
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

  /** Requests and tokens in each rate limit's current 60-second window. */
  rateStatus(): RateLimitStatus[] {
    const oldest = Math.floor(this.now() / 1000) - RATE_WINDOW_S + 1;
    return this.getPolicy().rateLimits.map((l) => {
      const row = this.stmts.windowTotals.get(l.name, oldest) as { n: number | null; tokens: number | null };
      const out: RateLimitStatus = { name: l.name, scopeLabel: describeScope(l.scope), requests: row.n ?? 0, tokens: row.tokens ?? 0 };
      if (l.rpm !== undefined) out.rpm = l.rpm;
      if (l.tpm !== undefined) out.tpm = l.tpm;
      return out;
    });
  }

  private emitAll(events: BudgetEvent[]): void {
    for (const e of events) this.emit('budget', e);
  }
}

function usedFraction(b: BudgetPolicy, row: SpendRow): number {
  return Math.max(
    b.usd !== undefined ? fromNano(row.spent_nano + row.reserved_nano) / b.usd : 0,
    b.tokens !== undefined ? (row.spent_tokens + row.reserved_tokens) / b.tokens : 0,
  );
}

function ownerAlive(owner: string, pid: number): boolean {
  if (pid === process.pid) return liveOwners.has(owner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function prepare(db: Db) {
  return {
    getSpend: db.prepare('SELECT spent_nano, spent_tokens, reserved_nano, reserved_tokens FROM governance_spend WHERE budget = ? AND period = ? AND period_start = ?'),
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
      'INSERT INTO governance_reservations (id, created_at, owner, owner_pid, provider, model, cost_nano, tokens, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertReservationBudget: db.prepare('INSERT INTO governance_reservation_budgets (reservation_id, budget, period, period_start) VALUES (?, ?, ?, ?)'),
    getReservation: db.prepare('SELECT id, owner, owner_pid, cost_nano, tokens, state, created_at FROM governance_reservations WHERE id = ?'),
    reservationBudgets: db.prepare('SELECT budget, period, period_start FROM governance_reservation_budgets WHERE reservation_id = ?'),
    closeReservation: db.prepare('UPDATE governance_reservations SET state = ?, actual_nano = ?, actual_tokens = ?, closed_at = ? WHERE id = ?'),
    markRecovered: db.prepare("UPDATE governance_reservations SET state = 'recovered', closed_at = ? WHERE id = ?"),
    openReservations: db.prepare("SELECT id, owner, owner_pid, cost_nano, tokens, state, created_at FROM governance_reservations WHERE state = 'open'"),
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
    windowTotals: db.prepare('SELECT SUM(requests) AS n, SUM(tokens) AS tokens FROM governance_rate_buckets WHERE limit_name = ? AND second >= ?'),
    windowBuckets: db.prepare('SELECT second, requests, tokens FROM governance_rate_buckets WHERE limit_name = ? AND second >= ? ORDER BY second'),
    insertRateEvent: db.prepare('INSERT INTO governance_rate_events (reservation_id, limit_name, second, tokens) VALUES (?, ?, ?, ?)'),
    rateEventsOf: db.prepare('SELECT limit_name, second, tokens FROM governance_rate_events WHERE reservation_id = ?'),
    setRateTokens: db.prepare('UPDATE governance_rate_events SET tokens = ? WHERE reservation_id = ?'),
    pruneRateEvents: db.prepare('DELETE FROM governance_rate_events WHERE limit_name = ? AND second < ?'),
    pruneAllBuckets: db.prepare('DELETE FROM governance_rate_buckets WHERE second < ?'),
    pruneAllRateEvents: db.prepare('DELETE FROM governance_rate_events WHERE second < ?'),
    insertAlert: db.prepare('INSERT OR IGNORE INTO governance_alerts (budget, period, period_start, level, at) VALUES (?, ?, ?, ?, ?)'),
  };
}
