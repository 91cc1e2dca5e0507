/**
 * Whether and when to retry a failed upstream attempt. Pure: the random source and the clock are
 * parameters, so the maths is testable.
 *
 * Exponential backoff with full jitter: delay = random() × min(maxBackoffMs, backoffMs × 2^(attempt−1)).
 * A `retry-after` (seconds or HTTP date; `retry-after-ms` first) from the upstream replaces the jittered delay; when it asks
 * for longer than maxBackoffMs we do not retry early against its wish but stop retrying, so the
 * caller moves on to the next fallback target instead. A 429 without `retry-after*` is read the same
 * way from the provider's own rate-limit reset headers (`rateLimitResetMs`).
 */
import type { Policy } from '../policy/schema';
import { parseRetryAfter, type UpstreamHeaders } from './retryAfter';

export { fallbackTargets, fallbacksWithinPrice, type FallbackTarget } from './fallback';
export { parseRetryAfter, requestedRetryAfter, type UpstreamHeaders } from './retryAfter';

export type RetryPolicy = Policy['retries'];

export interface AttemptFailure {
  /** Attempts made so far, including the one that just failed (1 after the first failure). */
  attempt: number;
  status?: number;
  /**
   * Network failures; `reset` (connection reset mid-request) is retried like `connect`; `setup` (an
   * untrusted certificate, a refusing company proxy: only a setting fixes it) never is.
   */
  errorKind?: 'connect' | 'timeout' | 'reset' | 'setup';
  /** The upstream's `retry-after` header value. */
  retryAfter?: string;
  /** The upstream's response headers: a 429's rate-limit reset headers when it sent no `retry-after`. */
  headers?: UpstreamHeaders;
  /** True once any byte of a streamed response reached the client: never retry then. */
  streamStarted?: boolean;
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  /** Why, for logs and tests. */
  reason: string;
}

export function retryDecision(
  failure: AttemptFailure,
  retries: RetryPolicy,
  random: () => number = Math.random,
  now: () => number = Date.now,
): RetryDecision {
  if (failure.streamStarted) return { retry: false, delayMs: 0, reason: 'stream already started' };
  if (!isRetryable(failure, retries)) return { retry: false, delayMs: 0, reason: 'not retryable' };
  // The provider's own word that this answer will not change on a retry (OpenAI and Anthropic send
  // `x-should-retry`; their SDKs obey it). The same target is not asked again; a fallback still is.
  if (failure.headers && headerValue(failure.headers, 'x-should-retry')?.toLowerCase() === 'false') return { retry: false, delayMs: 0, reason: 'upstream said x-should-retry: false' };
  if (failure.attempt > retries.attempts) return { retry: false, delayMs: 0, reason: `retries exhausted (${retries.attempts})` };
  const t = now();
  const retryAfter = failure.retryAfter !== undefined ? parseRetryAfter(failure.retryAfter, t) : undefined;
  // Reset headers only on a 429: other answers carry them too (OpenAI sends them on every
  // response), and there they say when a limit refills, not that the call was refused by it.
  const reset = retryAfter === undefined && failure.status === 429 && failure.headers ? rateLimitResetMs(failure.headers, t) : undefined;
  const asked = retryAfter ?? reset;
  const source = retryAfter !== undefined ? 'retry-after' : 'rate-limit reset';
  if (asked !== undefined) {
    if (asked > retries.maxBackoffMs) return { retry: false, delayMs: asked, reason: `${source} ${asked} ms exceeds maxBackoffMs` };
    return { retry: true, delayMs: asked, reason: source };
  }
  const ceiling = Math.min(retries.maxBackoffMs, retries.backoffMs * 2 ** Math.max(0, failure.attempt - 1));
  return { retry: true, delayMs: Math.floor(clamp01(random()) * ceiling), reason: 'backoff' };
}

export function isRetryable(failure: Pick<AttemptFailure, 'status' | 'errorKind'>, retries: Pick<RetryPolicy, 'retryOn'>): boolean {
  if (failure.errorKind === 'setup') return false;
  if (failure.errorKind) {
    const kind = failure.errorKind === 'reset' ? 'connect' : failure.errorKind;
    return retries.retryOn.includes(kind);
  }
  return failure.status !== undefined && retries.retryOn.includes(failure.status);
}

/**
 * The providers' own rate-limit headers: each limit's reset and, where sent, what remains of it.
 *  - OpenAI (and Groq, and OpenAI-compatible servers copying it): `x-ratelimit-reset-requests` /
 *    `-tokens`, the time until the limit is back to its initial state as a Go-style duration
 *    (`1s`, `6m0s`, `20ms`, `1h2m3.5s`), next to `x-ratelimit-remaining-requests` / `-tokens`
 *    (platform.openai.com/docs/guides/rate-limits, console.groq.com/docs/rate-limits). Azure
 *    OpenAI sends whole seconds there, and `-1` remaining with a `0` reset when it does not say.
 *  - Anthropic: `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-reset`, an RFC 3339
 *    timestamp, next to `…-remaining` (docs.anthropic.com/en/api/rate-limits).
 *  - OpenRouter and others: `x-ratelimit-reset` next to `x-ratelimit-remaining`; OpenRouter's is an
 *    epoch in milliseconds (openrouter.ai/docs/api-reference/limits), most others' an epoch in
 *    seconds, told apart by magnitude; a small number is seconds from now (the IETF draft's form).
 */
const RESET_HEADERS: ReadonlyArray<{ reset: string; remaining: string; form: 'duration' | 'timestamp' | 'epoch' }> = [
  { reset: 'x-ratelimit-reset-requests', remaining: 'x-ratelimit-remaining-requests', form: 'duration' },
  { reset: 'x-ratelimit-reset-tokens', remaining: 'x-ratelimit-remaining-tokens', form: 'duration' },
  ...['requests', 'tokens', 'input-tokens', 'output-tokens'].map((limit) => ({
    reset: `anthropic-ratelimit-${limit}-reset`,
    remaining: `anthropic-ratelimit-${limit}-remaining`,
    form: 'timestamp' as const,
  })),
  { reset: 'x-ratelimit-reset', remaining: 'x-ratelimit-remaining', form: 'epoch' },
];

/**
 * How long a 429's rate-limit headers ask to wait, in ms from `now`: the reset of the limit that
 * was exhausted (remaining 0; the latest if several were), else, when none says so, the latest
 * reset. Undefined when there is no readable reset header.
 */
export function rateLimitResetMs(headers: UpstreamHeaders, now: number): number | undefined {
  const limits: Array<{ waitMs: number; exhausted: boolean }> = [];
  for (const h of RESET_HEADERS) {
    const value = headerValue(headers, h.reset);
    if (value === undefined) continue;
    const at = h.form === 'duration' ? parseDuration(value) : h.form === 'timestamp' ? parseTimestamp(value, now) : parseEpoch(value, now);
    if (at === undefined) continue;
    const remaining = Number(headerValue(headers, h.remaining) ?? Number.NaN);
    // Azure OpenAI answers `-1` remaining and a `0` reset when it does not say (a blind retry, not "now").
    if (remaining < 0) continue;
    limits.push({ waitMs: at, exhausted: remaining === 0 });
  }
  const exhausted = limits.filter((l) => l.exhausted);
  const pool = exhausted.length > 0 ? exhausted : limits;
  if (pool.length === 0) return undefined;
  return Math.max(...pool.map((l) => l.waitMs));
}

/** A header by name, whatever its case (undici lower-cases them; a test or another client may not). */
function headerValue(headers: UpstreamHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name) continue;
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

const DURATION_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };

/** A Go duration (`6m0s`, `1h2m3.5s`, `20ms`), or a bare number of seconds; ms, rounded up. */
export function parseDuration(value: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(value)) return undefined;
  let ms = 0;
  for (const m of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(m[1]) * (DURATION_UNIT_MS[m[2] ?? ''] ?? 0);
  return Math.ceil(ms);
}

function parseTimestamp(value: string, now: number): number | undefined {
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Epoch milliseconds (≥ 10^11: year 1973 in ms, year 5138 in seconds), epoch seconds (≥ 10^9), else seconds from now. */
function parseEpoch(value: string, now: number): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(value)) return parseTimestamp(value, now);
  const n = Number(value);
  if (n >= 1e11) return Math.max(0, Math.ceil(n - now));
  if (n >= 1e9) return Math.max(0, Math.ceil(n * 1000 - now));
  return Math.ceil(n * 1000);
}

function clamp01(x: number): number {
  return Math.min(Math.max(x, 0), 0.999999);
}
