/**
 * Whether and when to retry a failed upstream attempt. Pure: the random source and the clock are
 * parameters, so the maths is testable.
 *
 * Exponential backoff with full jitter: delay = random() × min(maxBackoffMs, backoffMs × 2^(attempt−1)).
 * A `retry-after` (seconds or HTTP date; `retry-after-ms` first) from the upstream replaces the jittered delay; when it asks
 * for longer than maxBackoffMs we do not retry early against its wish but stop retrying, so the
 * caller moves on to the next fallback target instead.
 */
import type { Policy } from '../policy/schema';

export { fallbackTargets, fallbacksWithinPrice, type FallbackTarget } from './fallback';

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
  if (failure.attempt > retries.attempts) return { retry: false, delayMs: 0, reason: `retries exhausted (${retries.attempts})` };
  const asked = failure.retryAfter !== undefined ? parseRetryAfter(failure.retryAfter, now()) : undefined;
  if (asked !== undefined) {
    if (asked > retries.maxBackoffMs) return { retry: false, delayMs: asked, reason: `retry-after ${asked} ms exceeds maxBackoffMs` };
    return { retry: true, delayMs: asked, reason: 'retry-after' };
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
 * The wait an upstream's headers ask for, as a `retry-after` value: OpenAI's `retry-after-ms`
 * first (its SDKs prefer it, and it is the only one on some 429s), in seconds, else `retry-after`.
 */
export function requestedRetryAfter(headers: Record<string, string | string[] | undefined>): string | undefined {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && /^\d+(\.\d+)?$/.test(ms.trim())) return String(Number(ms.trim()) / 1000);
  const s = headers['retry-after'];
  return typeof s === 'string' ? s : undefined;
}

/** `retry-after` as milliseconds from now: delta-seconds or an HTTP date; undefined if unparseable. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function clamp01(x: number): number {
  return Math.min(Math.max(x, 0), 0.999999);
}
