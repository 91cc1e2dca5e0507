/**
 * The wait an upstream's answer asks for (`retry-after-ms`, `retry-after`). No imports: the forward
 * path's retries (retry.ts) and the upstream embedder's worker (embedding/backends/upstream.ts) read it alike.
 */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/**
 * The wait an upstream's headers ask for, as a `retry-after` value: OpenAI's `retry-after-ms`
 * first (its SDKs prefer it, and it is the only one on some 429s), in seconds, else `retry-after`.
 */
export function requestedRetryAfter(headers: UpstreamHeaders): string | undefined {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && /^\d+(\.\d+)?$/.test(ms.trim())) return String(Number(ms.trim()) / 1000);
  const s = headers['retry-after'];
  return typeof s === 'string' ? s : undefined;
}

/** `retry-after` as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if unparseable. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Both: the wait the headers ask for in ms from `now` (lower-case names, as `Object.fromEntries(fetchHeaders)` gives). */
export function retryAfterMs(headers: UpstreamHeaders, now: number): number | undefined {
  const asked = requestedRetryAfter(headers);
  return asked === undefined ? undefined : parseRetryAfter(asked, now);
}
