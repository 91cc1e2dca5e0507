/**
 * Public shapes of the governor (budgets, rate limits, reservations). Shared by the proxy pipeline
 * and the local API; pure types.
 */
import type { BudgetAlert } from '../../../contract/events';
import type { Scope } from '../policy/schema';
import type { CallIdentity } from './scope';
import type { BudgetPeriod } from './periods';

export interface AdmitRequest {
  identity: CallIdentity;
  /** The policy's name for the provider (routing tiers are keyed by it). */
  provider: string;
  /**
   * The provider id the call is priced under (pricing/price.ts `pricedAs`: by base URL, so "fast"
   * at api.groq.com is Groq); absent → `provider`.
   */
  pricedAs?: string;
  model: string;
  /**
   * The model id the call is priced as, when it differs from `model` (a provider's `priceAs` maps a
   * deployment name such as `prod-4o` to a model genai-prices knows); absent → `model`.
   */
  pricedModel?: string;
  /** Counted input tokens of the request. */
  inputTokens: number;
  /** The request's output limit; absent → policy `defaults.maxOutputTokens`. */
  maxOutputTokens?: number;
  /** A precomputed worst case in USD (a batch at its discounted rate); absent → priced from model and tokens. */
  worstCaseUsd?: number;
  /**
   * Refuse when this request's worst case would take a block budget past its limit, not only once
   * the budget is already spent (a batch commits its whole worst case at once).
   */
  refuseIfWorstCaseExceeds?: boolean;
  /**
   * The request carries an image (routing/vision.ts carriesImages): a downgrade skips tiers whose
   * model reads none, and refuses the call when no tier is left. Default: false.
   */
  images?: boolean;
  /**
   * The request's endpoint has no cheaper tier to move to (embeddings, images, audio: the tiers
   * are chat models): a downgrade budget over its limit refuses it instead. Default: downgradable.
   */
  noDowngrade?: string;
}

export type AdmitDecision = 'allow' | 'warn' | 'block' | 'downgrade';

/** A budget past its warnAt (or its limit) at admission. */
export interface BudgetMark {
  level: 'warn' | 'exceeded';
  budget: string;
  action: 'block' | 'downgrade' | 'allow';
  /** Fraction of the limit: committed before this call when exceeded, with its worst case when warned. */
  used: number;
  resetsAt: number;
}

/** The rate limit that refused a call. */
export interface RateLimitHit {
  name: string;
  rpm?: number;
  tpm?: number;
  windowS: number;
}

export interface AdmitResult {
  /**
   * allow: forward. warn: forward, a budget is past warnAt (or past 100 % with action allow).
   * downgrade: forward to `downgrade.to`. block: refuse with `message` and `retryAfterSec`.
   */
  decision: AdmitDecision;
  /**
   * Present when something was reserved (not blocked, and at least one budget or rate limit applies):
   * pass it to settle() or release() once the call ends. Absent → nothing to settle.
   */
  reservationId?: string;
  /** Budgets past warnAt or their limit (exceeded first), in policy order. */
  marks: BudgetMark[];
  /** Set when a rate limit refused the call. */
  rateLimit?: RateLimitHit;
  /** Set on a downgrade decision; `to` equals `from` when the model is already the cheapest tier. */
  downgrade?: { from: string; to: string; budget: string };
  message?: string;
  retryAfterSec?: number;
  /** Name of the budget (or rate limit) that decided, for the ledger's `budget` column. */
  budget?: string;
  /** Short form for the ledger: "warn: team-daily 83%", "block: rpm-global", … */
  summary?: string;
  /** Worst-case figures reserved for this call. */
  reservedUsd?: number;
  reservedTokens?: number;
}

export type BudgetLevel = 'ok' | 'warn' | 'exceeded';

/** The live `budget` event, as the contract declares it, with the policy's period type. */
export type BudgetEvent = BudgetAlert & { period: BudgetPeriod };

export interface BudgetStatus {
  name: string;
  scope: Scope;
  /** "team=search" or "global". */
  scopeLabel: string;
  period: BudgetPeriod;
  action: 'block' | 'downgrade' | 'allow';
  warnAt: number;
  periodStart: number;
  resetsAt: number;
  limitUsd?: number;
  limitTokens?: number;
  spentUsd: number;
  reservedUsd: number;
  spentTokens: number;
  reservedTokens: number;
  /**
   * Settled spend / limit, the larger of the $ and token figures: the API's `ratio`, what gauges,
   * levels and alerts show. Reservations are worst cases that settle lower within seconds, so a
   * budget full only of calls in flight does not read as used up (it holds calls briefly).
   */
  used: number;
  /** (spent + reserved) / limit, the larger of the $ and token figures: what admission checks. */
  committed: number;
  /** From `used`. */
  level: BudgetLevel;
  forecast: {
    usd?: number;
    tokens?: number;
    /** Forecast / limit (larger of $ and tokens). */
    used: number;
    usdPerHour?: number;
    /** Epoch ms when the forecast crosses the limit within this period. */
    exceedsAt?: number;
  };
}

export interface RateLimitStatus {
  name: string;
  scopeLabel: string;
  rpm?: number;
  tpm?: number;
  /** Requests and tokens in the last 60 s (all scopes' events summed for this limit). */
  requests: number;
  tokens: number;
}

export interface GovernorEvents {
  budget: [BudgetEvent];
}
