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
 *
 * Decisions only: the SQL is in store.ts, the status report in report.ts, refusal text in
 * format.ts, and the response headers are formatted by the pipeline's admit stage.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { budgetPercent } from '../../../contract/format';
import type { Db } from '../db/open';
import type { BudgetPolicy, Policy, RateLimitPolicy, Scope } from '../policy/schema';
import { priceCall } from '../pricing/price';
import { isWriteRefused } from '../ledger/writeRefused';
import { AlertRelay } from './alertRelay';
import { downgradeTarget } from './downgrade';
import { budgetExhaustedMessage, formatTokens, rateLimitMessage } from './format';
import { ledgerSpend } from './ledgerSeed';
import { fromNano, migrateGovernance, toNano } from './migrate';
import { periodBounds, type BudgetPeriod } from './periods';
import { budgetFraction, budgetStatus, RATE_WINDOW_S, rateStatus, usedFraction } from './report';
import { foldTag } from '../ledger/tagFold';
import { type CallIdentity, describeScope, scopeMatches } from './scope';
import { inFlightSummary } from './summary';
import { EMPTY_ROW, type GovernanceStatements, type LeaseRow, prepareGovernance, type ReservationRow, type SpendRow, inFlightTotals, spendOf, windowTotals } from './store';
import type { AdmitRequest, AdmitResult, BudgetEvent, BudgetLevel, BudgetMark, BudgetStatus, GovernorEvents, RateLimitStatus } from './types';

export { RATE_WINDOW_S } from './report';

/** Open reservations older than this are treated as orphaned by recoverAfterRestart(). */
export const DEFAULT_STALE_AFTER_MS = 30 * 60_000;
/**
 * retry-after of a budget refusal caused by calls still in flight (their worst-case reservations,
 * not spend, fill the budget): they settle when they finish, usually within seconds.
 */
export const IN_FLIGHT_RETRY_S = 2;
/** Closed reservations are kept this long (for inspection), then pruned by recoverAfterRestart(). */
const KEEP_CLOSED_MS = 7 * 86_400_000;
/**
 * How often a Governor renews its lease (governance_owners) while it has reservations open. An idle
 * one writes nothing: every commit from another connection makes the other proxies' per-connection
 * caches (the semantic KNN mirror) reload, and a lease is only ever read to judge open reservations.
 */
export const LEASE_RENEW_MS = 15_000;
/**
 * A lease not renewed for this long has expired: its owner is gone (killed, hung, on another host
 * that died) even if its pid now belongs to some other process.
 */
export const LEASE_TTL_MS = 60_000;
/** A refusal caused by reservations in flight checks that their owners are alive at most this often. */
const HELD_SWEEP_EVERY_MS = 1_000;
const HOST = hostname();
/** Rate limits whose last prune second is remembered before older marks are dropped (see checkRateLimit). */
const MAX_PRUNE_MARKS = 256;
/** Budget windows whose status figure is kept before the lot is dropped and read again (see windowSpend). */
const MAX_FIRST_WINDOWS = 256;
/** Settlements waiting for SQLite to take writes again (see `write`); past this one fails as before (bounded memory). */
export const MAX_PENDING_WRITES = 10_000;
/**
 * The most tokens and dollars one call (or one batch) reserves or is charged: above any real one,
 * far below what breaks the sums. A request asking `max_tokens: 1e15` reserved past 2^53
 * nano-dollars, a spend row SQLite then could not hand back as a number, and every later call under
 * that budget failed until the period ended (store.ts also reads a sum past 2^53 as 2^53).
 */
export const MAX_CALL_TOKENS = 1_000_000_000_000;
export const MAX_CALL_USD = 1_000_000;

/**
 * Images a call can draw, apart from its text output (pipeline/cost.ts `reservationImageOutput`):
 * an Images API call's or a Responses `image_generation` tool's image tokens (tokens/imageOutput.ts)
 * and the image model that draws them. Reserved at that model's image-output rate on top of the
 * text output: reserved as text output alone, a gpt-image-1.5 high-quality image was held at about a
 * fifth of its bill, and n images at the same figure as one.
 */
export interface ImageOutputReservation {
  model: string;
  tokens: number;
}

/**
 * What admit() reads: AdmitRequest, the images the call can draw, and the input it may write to the
 * provider's prompt cache (pipeline/cost.ts `reservationExtras`): Anthropic bills a cache write at
 * 1.25 times the input rate (5-minute TTL) or twice it (1-hour TTL), so input reserved at the input
 * rate alone was up to half of what the first call of a cached prompt bills.
 */
export type GovernedRequest = AdmitRequest & { imageOutput?: ImageOutputReservation; cacheWriteTokens?: number; cacheWrite1hTokens?: number };

export interface GovernorOptions {
  /** Age after which an unsettled reservation is charged at its worst case (unless admitted with its own holdMs). Default 30 min. */
  staleAfterMs?: number;
  /** How long another Governor's lease may go unrenewed before its owner counts as gone. Default LEASE_TTL_MS. */
  leaseTtlMs?: number;
  /** Where a problem the caller cannot see is said (a settlement SQLite will never take). Default: a process warning on stderr. */
  warn?: (line: string) => void;
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
  /** Like before/after, counting settled spend only (no reservations of calls in flight). */
  spentBefore: number;
  spentAfter: number;
}

/**
 * A reservation owner as a sweep sees it: a Governor of this process or one judged by pid alone
 * (`here`: its reservations go stale on this clock), another live process holding a lease
 * (`leased`: it judges its own), or `gone`.
 */
type OwnerState = 'here' | 'leased' | 'gone';

/**
 * The owner of reservations for work the provider runs (a batch, handed over by holdForProvider):
 * no process's lease covers them, so they go stale only by their hold_ms, whichever proxy sweeps.
 */
const PROVIDER_OWNER = 'provider';

/** Governor instances alive in this process: their reservations are never orphaned. */
const liveOwners = new Set<string>();

export class Governor extends EventEmitter<GovernorEvents> {
  readonly owner = randomUUID();
  private readonly staleAfterMs: number;
  private readonly leaseTtlMs: number;
  private readonly leaseTimer: NodeJS.Timeout;
  /** This Governor's open reservations: while there are any, its lease is kept fresh. */
  private readonly held = new Set<string>();
  private renewedAt: number;
  /** The last time this process was seen running (a timer tick, a sweep), on its clock. */
  private tickAt: number;
  /** Until then, others' expired leases prove nothing: this process was stopped itself (see noteTick). */
  private distrustUntil = Number.NEGATIVE_INFINITY;
  /**
   * Per owner of another process with reservations open: the lease renewal last read, and when
   * (on this process's clock) it was first read. Its renewal times are on its owner's clock, which
   * may run ahead of or behind this one; that the value stays the same is what this process can
   * measure itself (see leaseExpired).
   */
  private readonly leaseReads = new Map<string, { seenAt: number; since: number }>();
  /** When a refusal last looked for dead owners among the reservations that caused it. */
  private heldSweptAt = Number.NEGATIVE_INFINITY;
  private readonly stmts: GovernanceStatements;
  private readonly alerts: AlertRelay;
  /** Per rate limit, the second its expired buckets were last deleted. */
  private readonly prunedAt = new Map<string, number>();
  /** status()'s figure of each budget window no call has written yet (windowSpend); bounded. */
  private readonly firstWindows = new Map<string, SpendRow>();
  /**
   * Settlements and charges SQLite refused for now (disk full, the file locked past busy_timeout),
   * oldest first, each returning the alerts it raised. Retried before the next write, and by the
   * lease timer and the sweeps when no call comes.
   */
  private readonly pending: Array<() => BudgetEvent[]> = [];
  /** Kinds of failure (SQLite codes) a waiting settlement already reported: one line per kind, not per call. */
  private readonly reportedFailures = new Set<string>();
  private readonly warn: (line: string) => void;

  constructor(
    private readonly db: Db,
    private readonly getPolicy: () => Policy,
    private readonly now: () => number = Date.now,
    options: GovernorOptions = {},
  ) {
    super();
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.leaseTtlMs = options.leaseTtlMs ?? LEASE_TTL_MS;
    this.warn = options.warn ?? ((line) => process.emitWarning(line, 'TollgateWarning'));
    this.migrate();
    this.stmts = prepareGovernance(db);
    this.alerts = new AlertRelay(this.stmts, this.now());
    liveOwners.add(this.owner);
    this.renewedAt = this.tickAt = this.now();
    this.stmts.renewLease.run(this.owner, process.pid, HOST, this.renewedAt);
    this.leaseTimer = setInterval(() => this.leaseTick(), LEASE_RENEW_MS);
    this.leaseTimer.unref();
  }

  /** Tells other processes sharing the file that this Governor's reservations are still in flight. */
  private leaseTick(): void {
    if (!this.db.open) {
      clearInterval(this.leaseTimer);
      return;
    }
    const now = this.now();
    this.noteTick(now);
    this.flushPending();
    if (this.held.size === 0) return;
    try {
      this.renewLease(now, true);
    } catch {
      // A busy or failing disk: the next renewal retries, well within the lease's lifetime.
    }
  }

  private renewLease(now: number, force = false): void {
    if (!force && now - this.renewedAt < LEASE_RENEW_MS && now >= this.renewedAt) return;
    this.stmts.renewLease.run(this.owner, process.pid, HOST, now);
    this.renewedAt = now;
  }

  /**
   * A gap longer than a lease since this process last ran means it was stopped (a laptop asleep, a
   * paused VM) — and so, probably, were the others: their leases look expired only because they
   * have not had a turn to renew them yet. Give them one lease's time before believing it.
   */
  private noteTick(now: number): void {
    if (now - this.tickAt > this.leaseTtlMs) this.distrustUntil = now + this.leaseTtlMs;
    this.tickAt = now;
  }

  /** Idempotent; also run by the constructor. */
  migrate(): void {
    migrateGovernance(this.db);
  }

  /** Stop counting this instance as alive (its open reservations become recoverable, also by other processes). */
  close(): void {
    liveOwners.delete(this.owner);
    clearInterval(this.leaseTimer);
    if (!this.db.open) return;
    // Still unwritten after this: their reservations stay open and are charged at their worst case
    // by the next sweep or start (the rule for a proxy that died mid-call).
    this.flushPending();
    try {
      this.stmts.endLease.run(this.owner);
    } catch {
      // The lease then expires on its own after leaseTtlMs.
    }
  }

  admit(req: GovernedRequest): AdmitResult {
    // Nothing governs this call: no transaction, no reservation (settle/release are not needed).
    const policy = this.getPolicy();
    const governed = (s: { scope: Scope }): boolean => scopeMatches(s.scope, req.identity);
    if (!policy.budgets.some(governed) && !policy.rateLimits.some(governed)) return { decision: 'allow', marks: [] };
    // Settlements still waiting for the disk go first: this admission must see what they cost.
    this.flushPending();
    const events: BudgetEvent[] = [];
    const held = { byInFlight: false };
    const run = (): AdmitResult => this.db.transaction(() => this.admitLocked(req, policy, events, held)).immediate();
    let result = run();
    if (result.reservationId) this.held.add(result.reservationId);
    // Refused because of calls in flight: if some of them belong to a proxy that died (kill -9, a
    // crash), charge them now and decide again, rather than answer "retry in 2 s" until the next
    // sweep. Only on this refusal path, so admitted calls pay nothing for it.
    if (held.byInFlight && this.sweepForHeldRefusal()) {
      result = run();
      if (result.reservationId) this.held.add(result.reservationId);
    }
    this.emitAll(events);
    return result;
  }

  /**
   * The refusal of a budget of $0 or 0 tokens with `action: block` covering this caller, read before
   * the caches: such a budget switches its scope off (the gateway exports block the key or team
   * outright), and a free cache hit is still an answer. Other budgets let hits through.
   */
  switchedOff(identity: CallIdentity): AdmitResult | undefined {
    const budget = this.getPolicy().budgets.find((b) => b.action === 'block' && (b.usd === 0 || b.tokens === 0) && scopeMatches(b.scope, identity));
    if (!budget) return undefined;
    const now = this.now();
    const events: BudgetEvent[] = [];
    // In admit's transaction kind: reading the window may seed it from the ledger (windowSpend), and
    // outside one another proxy could write that row between the read and the insert (a 500, not a 429).
    const result = this.db.transaction(() => this.blockForBudget(this.checkBudget(budget, now, 0, 0), now, events, { byInFlight: false })).immediate();
    this.emitAll(events);
    return result;
  }

  private sweepForHeldRefusal(): boolean {
    const now = this.now();
    if (Math.abs(now - this.heldSweptAt) < HELD_SWEEP_EVERY_MS) return false;
    this.heldSweptAt = now;
    return this.recoverOrphans() > 0;
  }

  private admitLocked(req: GovernedRequest, policy: Policy, events: BudgetEvent[], held: { byInFlight: boolean }): AdmitResult {
    const now = this.now();
    const id = req.identity;
    const inputTokens = callTokens(req.inputTokens);
    const maxOut = callTokens(req.maxOutputTokens ?? policy.defaults.maxOutputTokens);
    let model = req.model;
    const imageOut = req.imageOutput ? callTokens(req.imageOutput.tokens) : 0;
    const tokens = Math.min(MAX_CALL_TOKENS, inputTokens + maxOut + imageOut);
    // Priced as its image model prices image output (genai-prices' image-output rate where it has one).
    const imageUsd = req.imageOutput && imageOut > 0 ? priceCall(req.imageOutput.model, { inputTokens: 0, outputTokens: imageOut, outputImageTokens: imageOut }, req.pricedAs ?? req.provider).totalUsd : 0;
    const writes = { cacheWriteTokens: callTokens(req.cacheWriteTokens ?? 0), cacheWrite1hTokens: callTokens(req.cacheWrite1hTokens ?? 0) };
    const price = priceCall(req.pricedModel ?? model, { inputTokens, outputTokens: maxOut, ...writes }, req.pricedAs ?? req.provider);
    let costNano = callNano(req.worstCaseUsd ?? price.totalUsd + imageUsd);

    // 1. Rate limits: a request over any RPM/TPM window is refused before anything is reserved.
    const limits = policy.rateLimits.filter((l) => scopeMatches(l.scope, id));
    const budgets = policy.budgets.filter((b) => scopeMatches(b.scope, id));
    for (const limit of limits) {
      const refusal = this.checkRateLimit(limit, tokens, now);
      if (refusal) return refusal;
    }

    // 2. Budgets. A model with no price costs $0 to a usd budget: refused where the budget says `unpriced: block`.
    if (!price.priced) {
      const refusal = unpricedRefusal(budgets, req.provider, model);
      if (refusal) return refusal;
    }
    const checks = budgets.map((b) => this.checkBudget(b, now, costNano, tokens));
    const exceeded = checks.filter((c) => c.before >= 1 || (req.refuseIfWorstCaseExceeds === true && c.budget.action === 'block' && c.after > 1));
    let decision: AdmitResult['decision'] = 'allow';
    let decidingBudget: BudgetCheck | undefined;
    let downgrade: AdmitResult['downgrade'];

    const blocking = exceeded.find((c) => c.budget.action === 'block');
    const downgrading = exceeded.find((c) => c.budget.action === 'downgrade');
    if (blocking) return this.blockForBudget(blocking, now, events, held);
    if (downgrading) {
      const choice = req.noDowngrade !== undefined ? { ok: false as const, reason: req.noDowngrade } : downgradeTarget(policy, req.provider, model, req.images === true);
      if (!choice.ok) return this.blockForBudget(downgrading, now, events, held, choice.reason);
      decision = 'downgrade';
      decidingBudget = downgrading;
      downgrade = { from: model, to: choice.model, budget: downgrading.budget.name };
      if (choice.changed) {
        const cheaper = priceCall(choice.model, { inputTokens, outputTokens: maxOut, ...writes }, req.pricedAs ?? req.provider);
        // A tier model without a price would reserve and settle $0: a budget refusing such models
        // refuses it here too, or the downgrade would take every call around it.
        if (!cheaper.priced) {
          const refusal = unpricedRefusal(budgets, req.provider, choice.model, ` (the cheapest tier ${downgrading.budget.name} downgrades to)`);
          if (refusal) return refusal;
        }
        model = choice.model;
        costNano = callNano(cheaper.totalUsd + imageUsd);
      }
    }
    const warned = checks.filter((c) => c.before < 1 && c.after >= c.budget.warnAt);
    const marks = [...exceeded.map((c) => mark('exceeded', c, c.before)), ...warned.map((c) => mark('warn', c, c.after))];
    if (decision === 'allow' && marks.length > 0) {
      decision = 'warn';
      decidingBudget = exceeded[0] ?? [...warned].sort((a, b) => b.after - a.after)[0];
    }

    // 3. Reserve the worst case against every matching budget and rate limit.
    const reservationId = randomUUID();
    const s = this.stmts;
    s.insertReservation.run(reservationId, now, this.owner, process.pid, req.provider, model, costNano, tokens, 'open', null);
    // After an idle spell the lease is old: freshen it in the same commit that shows the reservation.
    this.renewLease(now);
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

    const result: AdmitResult = { decision, reservationId, marks, reservedUsd: fromNano(costNano), reservedTokens: tokens };
    if (downgrade) result.downgrade = downgrade;
    if (decidingBudget) {
      result.budget = decidingBudget.budget.name;
      const level = decidingBudget.before >= 1 ? 'exceeded' : 'warn';
      const pct = budgetPercent(decidingBudget.before >= 1 ? decidingBudget.before : decidingBudget.after);
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
      foldFutureBuckets(s, limit.name, second);
      this.prunedAt.set(limit.name, second);
      // Keyed by name: every limit a reload renamed or removed stayed for the process's life. An
      // entry dropped here only means that limit's next call prunes again, as once a second anyway.
      if (this.prunedAt.size > MAX_PRUNE_MARKS) for (const [name, at] of this.prunedAt) if (at !== second) this.prunedAt.delete(name);
    }
    const { requests: calls, tokens: used } = windowTotals(s, limit.name, oldest);
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
    let why = '';
    if (overTpm) {
      // The window holds settled calls at what they used and calls in flight at their worst case
      // (settle corrects them). When does it fit? The buckets say when they leave the window; the
      // calls in flight may free their share sooner, when they finish, which nothing can predict.
      const at = fitsAfter((c, t) => c === 0 || t + tokens <= limit.tpm!);
      if (freeAt === undefined || at > freeAt) {
        freeAt = at;
        const inFlight = inFlightTotals(s, limit.name, oldest);
        const settled = Math.max(0, used - inFlight.tokens);
        // Figures as the editor gives them (contract/format): "1.50M", not "1500000".
        const held = inFlight.calls > 0 ? ` and ${formatTokens(inFlight.tokens)} reserved by ${inFlight.calls} call${inFlight.calls === 1 ? '' : 's'} still in flight (their worst case until they finish)` : '';
        what = `${formatTokens(limit.tpm!)} tokens per minute: ${formatTokens(settled)} used in the last ${RATE_WINDOW_S} s${held}, and this request needs up to ${formatTokens(tokens)}`;
        if (inFlight.calls > 0 && settled + tokens <= limit.tpm!) {
          why = 'when those reservations leave the window; it fits sooner if the calls in flight finish using less than they reserved';
        }
      }
    }
    if (freeAt === undefined) return undefined;
    const retryAfterSec = Math.max(1, Math.ceil((freeAt - now) / 1000));
    const rateLimit: AdmitResult['rateLimit'] = { name: limit.name, windowS: RATE_WINDOW_S };
    if (limit.rpm !== undefined) rateLimit.rpm = limit.rpm;
    if (limit.tpm !== undefined) rateLimit.tpm = limit.tpm;
    return {
      decision: 'block',
      marks: [],
      rateLimit,
      message: rateLimitMessage(limit, what, retryAfterSec, why),
      retryAfterSec,
      budget: limit.name,
      summary: `block: rate limit ${limit.name}`,
    };
  }

  private checkBudget(budget: BudgetPolicy, now: number, costNano: number, tokens: number): BudgetCheck {
    const { start, end } = periodBounds(budget.period, now);
    const row = this.windowSpend(budget, start, now);
    const fraction = (nano: number, usedTokens: number): number => budgetFraction(budget, fromNano(nano), usedTokens);
    const nano = row.spent_nano + row.reserved_nano;
    const used = row.spent_tokens + row.reserved_tokens;
    return {
      budget,
      start,
      end,
      row,
      before: fraction(nano, used),
      after: fraction(nano + costNano, used + tokens),
      spentBefore: fraction(row.spent_nano, row.spent_tokens),
      spentAfter: fraction(row.spent_nano + costNano, row.spent_tokens + tokens),
    };
  }

  /**
   * The budget's spend in the window from `start`, in the admission's transaction. A budget's first
   * window under its name and period (added, renamed or given another period) starts from what the
   * ledger holds for its scope since `start`: from $0, "team X: $10 a day" added after the team spent
   * $9 let it spend $10 more. Reservations made under the old name or period settle into the old
   * window (reservation_budgets), so nothing is counted twice. A new day of a daily budget starts from
   * $0: a batch's results recorded in it belong to its reservation's window. status() reads it
   * unwritten (`seed` false), once per window: a budget no call reaches read a month of calls (~0.3 s
   * of the event loop over 300,000) at every budgets request.
   */
  private windowSpend(budget: BudgetPolicy, start: number, now: number, seed = true): SpendRow {
    const s = this.stmts;
    const row = s.getSpend.get(budget.name, budget.period, start) as SpendRow | undefined;
    if (row) return row;
    if (s.periodCounted.get(budget.name, budget.period)) return EMPTY_ROW;
    const key = JSON.stringify([budget.name, budget.period, start, budget.scope]);
    let first = seed ? undefined : this.firstWindows.get(key);
    if (first) return first;
    const { nano, tokens } = ledgerSpend(this.db, budget.scope, start, now);
    first = { spent_nano: nano, spent_tokens: tokens, reserved_nano: 0, reserved_tokens: 0 };
    if (seed) s.seedSpend.run(budget.name, budget.period, start, nano, tokens);
    else this.firstWindows.set(key, first);
    if (this.firstWindows.size > MAX_FIRST_WINDOWS) this.firstWindows.clear();
    return first;
  }

  private blockForBudget(c: BudgetCheck, now: number, events: BudgetEvent[], refusal: { byInFlight: boolean }, extra?: string): AdmitResult {
    this.collectAlert(c.budget, c.start, c.end, now, events);
    const b = c.budget;
    // Full only because of reservations of calls in flight: what they really cost replaces their
    // worst case when they finish, so the call may fit in seconds, not at the period's reset.
    const held = c.row.reserved_nano > 0 || c.row.reserved_tokens > 0;
    const inFlight = held && (c.before >= 1 ? c.spentBefore < 1 : c.spentAfter <= 1) ? { usd: fromNano(c.row.reserved_nano), tokens: c.row.reserved_tokens } : undefined;
    const retryAfterSec = inFlight ? IN_FLIGHT_RETRY_S : Math.max(1, Math.ceil((c.end - now) / 1000));
    if (inFlight) refusal.byInFlight = true;
    return {
      decision: 'block',
      marks: [mark('exceeded', c, c.before)],
      message: budgetExhaustedMessage(b, fromNano(c.row.spent_nano + c.row.reserved_nano), c.row.spent_tokens + c.row.reserved_tokens, c.end, now, extra, inFlight),
      retryAfterSec,
      budget: b.name,
      summary: inFlight ? inFlightSummary(b.name, Math.round(c.before * 100)) : `block: ${b.name} ${Math.round(c.before * 100)}%`,
    };
  }

  /** Queue a budget event when the committed amount newly crosses warnAt or 100 % in a period not yet over. */
  private collectAlert(budget: BudgetPolicy, start: number, end: number, now: number, events: BudgetEvent[], known?: SpendRow): void {
    // A call admitted just before a reset settles into the period it was admitted in: crossing a
    // threshold there, once that period is over, warns of a budget that has already reset.
    if (end <= now) return;
    const row = known ?? spendOf(this.stmts, budget.name, budget.period, start);
    // Alerts report money actually spent: in-flight reservations (a call's worst case) count for
    // admission, but an alert built on them named figures no ledger, gauge or status bar shows.
    const committed: SpendRow = { ...row, reserved_nano: 0, reserved_tokens: 0 };
    const used = usedFraction(budget, committed);
    const level: BudgetLevel = used >= 1 ? 'exceeded' : used >= budget.warnAt ? 'warn' : 'ok';
    if (level === 'ok') return;
    const raise = (key: string): boolean => {
      if (this.stmts.insertAlert.run(budget.name, budget.period, start, key, now).changes !== 1) return false;
      this.alerts.raised(budget.name, budget.period, start, key, now);
      return true;
    };
    const newlyExceeded = level === 'exceeded' && raise(alertKey('exceeded', budget));
    // Crossing straight past 100 % marks the warning as done too, so listeners get one event.
    const newlyWarned = raise(alertKey('warn', budget));
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
    this.close_(reservationId, { nano: callNano(actual.costUsd), tokens: callTokens(actual.tokens) });
  }

  /**
   * Add the cost of a call no reservation covered to every budget governing `identity`, in the
   * period of its ledger row (`ts`; now if not given): an OpenAI background response, whose create call answered `queued` (its
   * reservation released at $0) and whose cost shows only when its result is read. Never refuses:
   * the provider has already billed it; the budget's alerts fire as for any settled call.
   */
  charge(identity: CallIdentity, actual: { costUsd: number; tokens: number; ts?: number }): void {
    const budgets = this.getPolicy().budgets.filter((b) => scopeMatches(b.scope, identity));
    if (budgets.length === 0) return;
    const nano = callNano(actual.costUsd);
    const tokens = callTokens(actual.tokens);
    // The period of the call's ledger row (`ts`), even when its answer or the write comes past a reset: charged
    // at the answer's time, a poll begun before midnight went to a day the ledger (and a reseeded window) does not put it in.
    const at = actual.ts ?? this.now();
    this.write(() => {
      const events: BudgetEvent[] = [];
      this.db
        .transaction(() => {
          const now = this.now();
          for (const b of budgets) {
            const { start, end } = periodBounds(b.period, at);
            // A first window is seeded from the ledger (windowSpend), which holds this call already, up to this millisecond: its
            // row is written (or held in memory, counted too) before the answer leaves (finishAttempt). Made at $0, it read low.
            if (this.stmts.getSpend.get(b.name, b.period, start) || this.windowSpend(b, start, Math.min(end, now + 1)) === EMPTY_ROW) {
              this.stmts.addReserved.run(b.name, b.period, start, 0, 0); // the period's row, if it has none yet
              this.stmts.correctCharge.run(nano, tokens, b.name, b.period, start);
            }
            this.collectAlert(b, start, end, now, events);
          }
        })
        .immediate();
      return events;
    });
  }

  /**
   * Hand an open reservation of this process to the provider, in the caller's transaction: a batch
   * is admitted as an ordinary call while its submission is sent, and held for `holdMs` (its
   * completion window) once the provider has taken it and it is saved — a restart does not end the
   * provider's work, so it is charged as orphaned only once that has passed unsettled. Held from
   * admission, a proxy killed in between left a reservation no batch row names held for a day.
   */
  holdForProvider(reservationId: string, holdMs: number): void {
    this.stmts.holdForProvider.run(PROVIDER_OWNER, Math.round(holdMs), reservationId);
    this.held.delete(reservationId);
  }

  /** Drop a reservation: the call cost nothing (refused upstream before any usage, cancelled…). */
  release(reservationId: string): void {
    this.close_(reservationId, undefined);
  }

  private close_(reservationId: string, actual: { nano: number; tokens: number } | undefined): void {
    // The id stays in `held` (its lease renewed) until the write is made: the reservation is still open.
    this.write(() => {
      let events: BudgetEvent[];
      try {
        events = this.closeNow(reservationId, actual);
      } catch (err) {
        // Never writable (see flushPending): stop renewing its lease, so the reservation goes the
        // way of a call whose figure never came — charged at its worst case once stale.
        if (!isWriteRefused(err)) this.held.delete(reservationId);
        throw err;
      }
      this.held.delete(reservationId);
      return events;
    });
  }

  private closeNow(reservationId: string, actual: { nano: number; tokens: number } | undefined): BudgetEvent[] {
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
    return events;
  }

  /**
   * Runs a write that records a call which already happened (a settle, a release, a charge). When
   * SQLite cannot take it now — the disk is full, another proxy holds the file's write lock past
   * busy_timeout — it is kept, in order, and retried before the next write: failing it would leave
   * the call's worst case reserved for half an hour and then charge that, while its real figure is
   * known (the ledger holds its row the same way, ledger.ts). One that can never be written is said
   * once per kind and dropped, as in flushPending; it never throws to the caller.
   */
  private write(op: () => BudgetEvent[]): void {
    if (this.pending.length > 0) this.flushPending();
    if (this.pending.length === 0) {
      try {
        this.emitAll(op());
        return;
      } catch (err) {
        // Waiting cannot fix it (see flushPending): thrown, it failed the call's last stage after the
        // client had its answer, and a batch's settlement again at every poll of the batch.
        if (!isWriteRefused(err)) {
          this.reportFailure(err);
          return;
        }
      }
    }
    if (this.pending.length >= MAX_PENDING_WRITES) throw new Error(`${this.pending.length} budget settlements already wait for the database to take writes (disk full?)`);
    this.pending.push(op);
  }

  /** Writes the waiting settlements, oldest first, until one is still refused. Returns how many wait. */
  flushPending(): number {
    while (this.pending.length > 0 && this.db.open) {
      let events: BudgetEvent[];
      try {
        events = this.pending[0]!();
      } catch (err) {
        if (isWriteRefused(err)) break;
        // Cannot succeed by waiting (a constraint or schema a newer version put on the file, a damaged
        // file): holding it would stall every settlement behind it. The ones after it are still
        // written; its reservation, if open, stays reserved and is charged at its worst case once
        // stale, as for a proxy that died mid-call. Said once per kind, not once per call.
        this.reportFailure(err);
        events = [];
      }
      this.pending.shift();
      this.emitAll(events);
    }
    return this.pending.length;
  }

  private reportFailure(err: unknown): void {
    // SQLite's code name where the binding gives it (SQLITE_CONSTRAINT), else its "constraint failed".
    const e = err as { sqliteCodeName?: unknown; errstr?: unknown; code?: unknown } | null;
    const named = [e?.sqliteCodeName, e?.errstr, e?.code].find((v): v is string => typeof v === 'string');
    const kind = named ?? (err instanceof Error ? err.name : typeof err);
    if (this.reportedFailures.has(kind)) return;
    this.reportedFailures.add(kind);
    const why = err instanceof Error ? err.message : String(err);
    this.warn(
      `a budget settlement the database refused (${kind}: ${why}) was not written and will not be retried: a reservation it closes stays reserved and is charged at its worst case once stale, a charge without one is lost (further ${kind} failures are not logged)`,
    );
  }

  /**
   * Resolve reservations whose owner is gone, then prune old rows (call at start-up and every few
   * minutes). Owner gone: a Governor of this process that was closed, or one of another process
   * whose lease expired (not renewed for leaseTtlMs: killed, hung, or its pid since reused) or,
   * on this host, whose process no longer runs; also any reservation open for longer than its
   * holdMs (staleAfterMs unless admitted with one). They are charged at their reserved worst case —
   * the upstream may have billed a call whose proxy died before recording it, and over-counting is
   * the safe side for a budget. A settle()/release() that still arrives later corrects the charge
   * to the real figure. Returns how many were charged.
   */
  recoverAfterRestart(): number {
    this.flushPending();
    const now = this.now();
    return this.db
      .transaction(() => {
        const charged = this.recoverLocked(now);
        const cutoff = now - KEEP_CLOSED_MS;
        this.stmts.pruneReservationBudgets.run(cutoff);
        this.stmts.pruneReservations.run(cutoff);
        this.stmts.pruneLeases.run(cutoff);
        // Windows of limits that were removed from the policy are never pruned by admit().
        const oldest = Math.floor(now / 1000) - RATE_WINDOW_S + 1;
        this.stmts.pruneAllBuckets.run(oldest);
        this.stmts.pruneAllRateEvents.run(oldest);
        return charged;
      })
      .immediate();
  }

  /**
   * recoverAfterRestart() without the pruning: reads only the open reservations (the calls in
   * flight), so a running proxy can sweep often for the reservations of a sibling that died.
   */
  recoverOrphans(): number {
    this.flushPending();
    const now = this.now();
    // Nothing in flight anywhere (the usual idle case): no need to wait for the write lock.
    if (this.stmts.anyOpen.get() === undefined) {
      this.noteTick(now);
      this.leaseReads.clear();
      return 0;
    }
    return this.db.transaction(() => this.recoverLocked(now)).immediate();
  }

  private recoverLocked(now: number): number {
    this.noteTick(now);
    const leasesTrusted = now >= this.distrustUntil;
    if (this.held.size > 0 && liveOwners.has(this.owner)) this.renewLease(now);
    const open = this.stmts.openReservations.all() as ReservationRow[];
    const owners = new Map<string, OwnerState>();
    let charged = 0;
    for (const r of open) {
      let owner = owners.get(r.owner);
      if (owner === undefined) {
        owner = this.ownerState(r, now, leasesTrusted);
        owners.set(r.owner, owner);
      }
      // A live owner with a lease judges its own reservations stale (its sweeps run this code), on
      // the clock that dated them: on this one, a minute ahead, a call of 29.5 minutes was 30.5 old.
      if (owner === 'leased' || (owner === 'here' && now - r.created_at <= (r.hold_ms ?? this.staleAfterMs))) continue;
      const budgets = this.stmts.reservationBudgets.all(r.id) as Array<{ budget: string; period: string; period_start: number }>;
      for (const b of budgets) this.stmts.moveReservedToSpent.run(r.cost_nano, r.tokens, r.cost_nano, r.tokens, b.budget, b.period, b.period_start);
      this.stmts.markRecovered.run(now, r.id);
      charged++;
    }
    // Owners with nothing open any more are forgotten (bounded by the calls in flight).
    for (const owner of this.leaseReads.keys()) if (!owners.has(owner)) this.leaseReads.delete(owner);
    return charged;
  }

  private ownerState(r: ReservationRow, now: number, leasesTrusted: boolean): OwnerState {
    // A hold of its own is work the provider runs (a batch), whoever admitted it: the version before
    // PROVIDER_OWNER wrote such rows under its own owner, and they were charged on the first restart.
    if (liveOwners.has(r.owner) || r.hold_ms !== null) return 'here';
    const lease = this.stmts.leaseOf.get(r.owner) as LeaseRow | undefined;
    // Made by a version without leases (or its lease was pruned): the pid is all there is, and
    // staleness on this clock the backstop for a pid since reused.
    if (!lease) return r.owner_pid === process.pid || !pidAlive(r.owner_pid) ? 'gone' : 'here';
    if (lease.seen_at === 0) return 'gone'; // closed
    if (leasesTrusted && this.leaseExpired(lease, now)) return 'gone';
    // Another host (or a container with its own hostname) sharing the file: its pids mean nothing
    // here, where they may name an unrelated process or none at all; only its lease can tell.
    if (lease.host !== HOST) return 'leased';
    // Our pid but none of our live Governors: an earlier process that had this pid (a restarted
    // container's pid 1), or a Governor of ours that was closed.
    return lease.pid === process.pid || !pidAlive(lease.pid) ? 'gone' : 'leased';
  }

  /**
   * Whether another process's lease ran out. Its renewal time is on the owner's clock: judged by
   * this clock alone, an owner whose clock runs a minute behind this one (or this one a minute
   * ahead) looked expired while it renewed every 15 s, and its calls in flight were charged at
   * their worst case. So a lease has expired once this process has seen it stay the same for a
   * whole lease on its own clock, or for half a lease (two renewals missed) when it also looks older
   * than a lease here: a live owner renews long before either, whatever the skew, and a dead one is
   * found within a lease of this process first reading its lease, sooner when the clocks agree.
   */
  private leaseExpired(lease: LeaseRow, now: number): boolean {
    const read = this.leaseReads.get(lease.owner);
    if (!read || read.seenAt !== lease.seen_at) {
      this.leaseReads.set(lease.owner, { seenAt: lease.seen_at, since: now });
      return false;
    }
    const unchanged = now - read.since;
    return unchanged >= this.leaseTtlMs || (now - lease.seen_at > this.leaseTtlMs && unchanged >= this.leaseTtlMs / 2);
  }

  /**
   * Emit the budget alerts that other processes sharing the file raised since the last call (they
   * fire once, where the crossing call ran): the proxy calls this on a timer so its own listeners
   * (the editor connected to it) hear of them too.
   */
  relayAlerts(): void {
    this.emitAll(this.alerts.collect(this.getPolicy(), this.now()));
  }

  /** Every policy budget with spend, reservations, level and forecast for its current period. */
  status(): BudgetStatus[] {
    const now = this.now();
    return budgetStatus(this.stmts, this.getPolicy(), now, (b, start) => this.windowSpend(b, start, now, false));
  }

  /** Requests and tokens in each rate limit's current 60-second window. */
  rateStatus(): RateLimitStatus[] {
    return rateStatus(this.stmts, this.getPolicy(), this.now());
  }

  private emitAll(events: BudgetEvent[]): void {
    for (const e of events) this.emit('budget', e);
  }
}

/**
 * After the wall clock stepped back, calls admitted "later" sit in buckets after the current second
 * and would stay in the window until the clock caught up with them — an hour's step refused every
 * call for an hour. They happened no later than now, so they are moved to the current second: they
 * still count, for at most one more window. Settle finds them through their moved rate events.
 */
function foldFutureBuckets(s: GovernanceStatements, limit: string, second: number): void {
  if (s.hasFutureBuckets.get(limit, second) === undefined) return;
  s.foldFutureBuckets.run(second, limit, second);
  s.deleteFutureBuckets.run(limit, second);
  s.foldFutureRateEvents.run(second, limit, second);
}

/** A call's token figure as the budgets count it: 0 for nothing usable (NaN, negative), at most MAX_CALL_TOKENS. */
function callTokens(n: number): number {
  return n > 0 ? Math.min(MAX_CALL_TOKENS, Math.round(n)) : 0;
}

/** A call's dollars in nano-dollars, like callTokens: 0 for NaN or negative, at most MAX_CALL_USD. */
function callNano(usd: number): number {
  return usd > 0 ? toNano(Math.min(MAX_CALL_USD, usd)) : 0;
}

/** The refusal of an unpriced model by the first matching usd budget that says `unpriced: block`, if any. */
function unpricedRefusal(budgets: BudgetPolicy[], provider: string, model: string, why = ''): AdmitResult | undefined {
  const b = budgets.find((x) => x.usd !== undefined && x.unpriced === 'block');
  if (!b) return undefined;
  return {
    decision: 'block',
    marks: [],
    budget: b.name,
    summary: `block: ${b.name} unpriced`,
    // An alias (`gemini-flash-latest`) or a deployment name is priced by mapping it in the policy.
    message: `Tollgate: budget "${b.name}" refuses models it cannot price (unpriced: block), and ${provider}/${model}${why} has no price in @pydantic/genai-prices; to price it as the model it runs, map it under providers.${provider}.priceAs (e.g. priceAs: { "${model}": "<a model genai-prices prices>" }).`,
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The `level` an alert is remembered under: the level and the limits it was crossed against, so a
 * hot-reloaded limit (raised after it was exceeded, say) alerts again when the new one is crossed,
 * while calls under one limit still alert once per period; and the scope, not the name: renamed,
 * a budget warned again of the spend it had warned of (store.ts insertAlert).
 */
function alertKey(level: 'warn' | 'exceeded', b: BudgetPolicy): string {
  return `${level} usd=${b.usd ?? '-'} tokens=${b.tokens ?? '-'}${level === 'warn' ? ` at=${b.warnAt}` : ''} scope=${encodeURIComponent(foldTag(describeScope(b.scope)))}`;
}

function mark(level: BudgetMark['level'], c: BudgetCheck, used: number): BudgetMark {
  return { level, budget: c.budget.name, action: c.budget.action, used, resetsAt: c.end };
}
