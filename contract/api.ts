/**
 * The proxy's local API, as both ends see it: the ledger row, pages and summaries, budgets, call
 * detail, and the query parameters of GET /tollgate/calls and /tollgate/summary. The proxy types
 * its routes against these; the extension's client and the webview read them. Types only.
 */

export type CacheStatus = 'miss' | 'exact' | 'semantic' | 'bypass';

export interface CallTags {
  team?: string;
  feature?: string;
  user?: string;
}

/** One row of the cost ledger: every call through the proxy, hit or miss, success or error. */
export interface CallRecord {
  /** Monotonic row id in the ledger. */
  id: number;
  requestId: string;
  /** Epoch milliseconds when the request arrived. */
  ts: number;
  /** Salted fingerprint of the API key (tg_…), never the key. */
  keyFingerprint: string;
  tags: CallTags;
  provider: string;
  /** e.g. "chat.completions", "messages", "responses", "embeddings". */
  endpoint: string;
  modelRequested: string;
  modelUsed: string;
  stream: boolean;
  cache: CacheStatus;
  /** Semantic hits: cosine similarity and the cache entry the answer came from. */
  similarity?: number;
  sourceEntryId?: number;
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (OpenAI cached / Anthropic cache read). */
  cachedTokens: number;
  /** Anthropic cache-creation input tokens. */
  cacheWriteTokens: number;
  /** True when some counts come from the local tokenizer (no usage from the upstream, or a cut answer). */
  tokensEstimated: boolean;
  costUsd: number;
  /** What the answer would have cost upstream, for cache hits. */
  savedUsd: number;
  /** False when the model has no known price (cost then reads 0). */
  priced: boolean;
  latencyMs: number;
  /** Latency minus the time spent waiting on the upstream (for streams: minus the generation). */
  overheadMs: number;
  /** HTTP status returned to the client. */
  status: number;
  errorType?: string;
  /** Routing decision ("medium; score=0.52; rule=…") when the model was chosen by Tollgate. */
  route?: string;
  /** Budget state seen by this call ("warn: team-daily 83%"). */
  budget?: string;
  /** 1 for the first upstream attempt; retries and fallbacks get their own rows. */
  attempt: number;
  /** Short preview of the last user turn (for the dashboard); never includes keys. */
  promptPreview?: string;
}

/** GET /tollgate/calls */
export interface CallPage {
  calls: CallRecord[];
  /** Pass as `before` to get the next (older) page; absent at the end. */
  nextBefore?: number;
  total: number;
}

export interface SummaryBucket {
  key: string;
  calls: number;
  costUsd: number;
  savedUsd: number;
  inputTokens: number;
  outputTokens: number;
  hits: number;
  /** Calls that used tokens of a model with no known price: their cost reads $0 but is unknown (absent from older proxies). */
  unpricedCalls?: number;
}

/** GET /tollgate/summary */
export interface Summary {
  from: number;
  to: number;
  totals: SummaryBucket;
  /**
   * The newest call id in the ledger when `totals` was read (0 when empty). A client adding live
   * calls to the totals re-adds those not covered (a larger id, or `ts` outside [from, to)), so a
   * summary read just before a call committed does not hide that call until the next refresh.
   */
  lastId?: number;
  by: SummaryBucket[];
  /** When `bucketMs` was asked: spend over time, oldest first. */
  series?: Array<{ t: number; costUsd: number; savedUsd: number; calls: number; hits: number }>;
}

/** GET /tollgate/calls/:id */
export type CallDetail = CallRecord & {
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  /** For a semantic hit: the prompt of the cache entry the answer came from. */
  sourcePrompt?: string;
};

/** One row of GET /tollgate/budgets. A budget may limit dollars, tokens or both. */
export interface BudgetStatus {
  name: string;
  /** e.g. "day", "week", "month". */
  period: string;
  /** Human-readable scope ("team=search", "global"). */
  scope: string;
  spentUsd: number;
  limitUsd?: number;
  spentTokens: number;
  limitTokens?: number;
  /**
   * Settled spend / limit of whichever limit is tighter (0..∞), the figure the gauges and the
   * budget alerts use. Calls still in flight are not in it: their worst-case reservations
   * (`reservedUsd`, `reservedTokens`) settle lower within seconds.
   */
  ratio: number;
  /** Worst cases held by calls still in flight, not yet in `ratio`. */
  reservedUsd?: number;
  reservedTokens?: number;
  /** Epoch ms when the current period started. */
  periodStart?: number;
  /** The budget's `warnAt` (fraction of the limit where it warns; 0.8 when a proxy does not say). */
  warnAt?: number;
  /** Projected spend at the end of the period at the current rate. */
  forecastUsd: number;
  /** Epoch ms when the period resets. */
  resetsAt: number;
}

/** Filters the proxy applies server-side to calls and summaries (query string). */
export interface CallFilter {
  team?: string;
  feature?: string;
  user?: string;
  model?: string;
  cache?: CacheStatus;
  /** "ok" (status < 400) or "error" (status ≥ 400). */
  status?: 'ok' | 'error';
  /** Epoch ms bounds. */
  from?: number;
  to?: number;
}

export interface CallQuery extends CallFilter {
  limit?: number;
  /** Row id cursor: only calls older than this id. */
  before?: number;
}

/**
 * Tag filters match as budgets count (proxy/src/ledger/tagFold.ts says why): composed (NFC), then
 * lower-cased, so the dashboard's live rows and the proxy's pages pick the same calls.
 */
export const foldTag = (tag: string): string => tag.normalize('NFC').toLowerCase();
/** A filter or summary key for calls without the tag (`tag IS NULL`); no tag can be spelt that way. */
export const UNTAGGED = '(none)';

/** What GET /tollgate/summary can group by (`by=`). */
export const SUMMARY_DIMENSIONS = ['model', 'feature', 'team', 'user', 'provider', 'cache', 'endpoint'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];

export interface SummaryQuery extends CallFilter {
  by?: SummaryDimension;
  bucketMs?: number;
  /**
   * The client's UTC offset in ms (UTC+2 → 7200000, UTC−8 → −28800000; at most ±14 h): buckets then
   * start at local midnight and local hours instead of UTC ones. Series `t` stays a UTC timestamp.
   */
  bucketOffsetMs?: number;
  /** The client's IANA time zone (Europe/Berlin): buckets start at its local hours and midnights, DST days included; bucketOffsetMs is ignored with it; a name no zone has is a 400. */
  tz?: string;
}

/** The largest UTC offset there is (UTC+14), in ms. */
export const MAX_UTC_OFFSET_MS = 14 * 3_600_000;

/** POST /tollgate/cache/clear → */
export interface CacheClearResult {
  removed: number;
}

/** POST /tollgate/router/feedback → the tier the call was labelled with and the team's exemplar count. */
export interface RouteFeedbackResult {
  tier: string;
  exemplars: number;
}

/** GET /tollgate/cache/quality → the semantic cache's measured quality, per feature tag. */
export interface SemanticQualityReport {
  from: number;
  /** The default operating point last used by a lookup (null before the first judged lookup). */
  defaultMinProbability: number | null;
  features: SemanticFeatureQuality[];
}

export interface SemanticFeatureQuality {
  feature: string;
  lookups: number;
  hits: number;
  /** Reported false hits (evictions, feedback calls, bad-hit headers). */
  badHits: number;
  hitRate: number;
  /** Reported false hits per lookup. */
  falseHitRate: number;
  /** Required P(same) now (before the per-call expected-value rule), and its shift from the default. */
  minProbability: number;
  adjustment: number;
  feedback: number;
  /** Per UTC day (YYYY-MM-DD), oldest first. */
  series: Array<{ day: string; lookups: number; hits: number; badHits: number }>;
}

/** The error body of the local API (provider-style). */
export interface ApiError {
  error: { type: string; message: string };
}

/**
 * `/healthz` `dataFileProblem`, present once the proxy stopped writing to its data file: another
 * process (a newer Tollgate) migrated it to a format this proxy does not know, or it was removed or
 * replaced (the data directory deleted, an older copy restored). The proxy still answers, but
 * writes nothing and refuses calls (503) until it is restarted.
 */
export interface HealthDataFileProblem {
  reason: 'newer-format' | 'replaced';
  /** newer-format: the file's data format now (PRAGMA user_version), above the proxy's own. */
  format?: number;
  /** What happened and what to do, for the user. */
  message: string;
}

/** The error type of a write (or call) refused because a newer Tollgate migrated the data file. */
export const NEWER_DATA_FORMAT_ERROR = 'tollgate_newer_data_format';
/** The error type of a write (or call) refused because the data file was removed or replaced under the proxy. */
export const DATA_FILE_REPLACED_ERROR = 'tollgate_data_file_replaced';

/** True for a call the proxy refused because a budget is used up (its own 429, not the provider's or a rate limit's). */
export function isBudgetBlock(c: Pick<CallRecord, 'status' | 'errorType' | 'budget'>): boolean {
  if (c.status !== 429) return false;
  if (c.errorType === 'budget_exceeded') return true;
  // Rows from before the ledger recorded the reason: Anthropic's generic type with a budget's summary.
  return c.errorType === 'rate_limit_error' && /^block: (?!rate limit )/.test(c.budget ?? '');
}

/**
 * The tail of a ledger row's `budget` text ("block: team-daily 104% (held: calls in flight)") when
 * a budget refused the call only because calls still in flight hold their worst case: a short hold
 * (`retry-after: 2`), not an exhausted budget. The governor writes it, the status bar reads it.
 */
export const IN_FLIGHT_HOLD_TAIL = ' (held: calls in flight)';

/** True when a ledger row's `budget` text is an in-flight hold (see IN_FLIGHT_HOLD_TAIL). */
export function isInFlightHold(budget: string | undefined): boolean {
  return budget?.endsWith(IN_FLIGHT_HOLD_TAIL) ?? false;
}

/** True for a call the provider refused for its credentials. */
export function isAuthFailure(c: Pick<CallRecord, 'status'>): boolean {
  return c.status === 401 || c.status === 403;
}

/** Query string for a CallQuery/SummaryQuery: only the fields that are set. */
export function toQueryString(q: object): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
