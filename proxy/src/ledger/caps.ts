/**
 * Length caps on every stored request field. Anything a client sends can be huge (a model name of
 * 18 MB was accepted and stored twice per row); the ledger keeps a bounded prefix, marked with "…",
 * so one row stays a few kilobytes however hostile the request, and the read API stays fast.
 */
import type { CallDetails, NewCallRecord } from './ledger';
import type { CallRecord, CallTags } from './types';

export const CAPS = {
  id: 64,
  tag: 128,
  name: 64,
  model: 256,
  label: 512,
  preview: 200,
  headerValue: 1024,
  headerCount: 64,
  sourcePrompt: 4000,
} as const;

/** `s` cut to at most `max` characters (the last one "…" when cut). */
export function cap(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The stored headers and source prompt, bounded. */
export function capDetails(d: CallDetails | undefined): CallDetails | undefined {
  if (!d) return undefined;
  const out: CallDetails = {};
  if (d.responseHeaders) {
    const headers: Record<string, string> = {};
    let n = 0;
    for (const k in d.responseHeaders) {
      if (n++ === CAPS.headerCount) break;
      headers[cap(k, CAPS.name * 2)] = cap(String(d.responseHeaders[k]), CAPS.headerValue);
    }
    out.responseHeaders = headers;
  }
  if (d.sourcePrompt !== undefined) out.sourcePrompt = cap(d.sourcePrompt, CAPS.sourcePrompt);
  return out;
}

/**
 * The record as it will be stored, every free-text field bounded, without its details (`id` is
 * set by the insert). One literal and plain assignments: rest/spread of a record this size took
 * V8's slow path (tens of µs per call).
 */
export function capRecord(rec: NewCallRecord): CallRecord {
  const tags: CallTags = {};
  if (rec.tags.team !== undefined) tags.team = cap(rec.tags.team, CAPS.tag);
  if (rec.tags.feature !== undefined) tags.feature = cap(rec.tags.feature, CAPS.tag);
  if (rec.tags.user !== undefined) tags.user = cap(rec.tags.user, CAPS.tag);
  const out: CallRecord = {
    id: 0,
    requestId: cap(rec.requestId, CAPS.id),
    ts: rec.ts,
    keyFingerprint: cap(rec.keyFingerprint, CAPS.id),
    tags,
    provider: cap(rec.provider, CAPS.name),
    endpoint: cap(rec.endpoint, CAPS.name),
    modelRequested: cap(rec.modelRequested, CAPS.model),
    modelUsed: cap(rec.modelUsed, CAPS.model),
    stream: rec.stream,
    cache: rec.cache,
    inputTokens: rec.inputTokens,
    outputTokens: rec.outputTokens,
    cachedTokens: rec.cachedTokens,
    cacheWriteTokens: rec.cacheWriteTokens,
    tokensEstimated: rec.tokensEstimated,
    costUsd: rec.costUsd,
    savedUsd: rec.savedUsd,
    priced: rec.priced,
    latencyMs: rec.latencyMs,
    overheadMs: rec.overheadMs,
    status: rec.status,
    attempt: rec.attempt,
  };
  if (rec.similarity !== undefined) out.similarity = rec.similarity;
  if (rec.sourceEntryId !== undefined) out.sourceEntryId = rec.sourceEntryId;
  if (rec.errorType !== undefined) out.errorType = cap(rec.errorType, CAPS.name);
  if (rec.route !== undefined) out.route = cap(rec.route, CAPS.label);
  if (rec.budget !== undefined) out.budget = cap(rec.budget, CAPS.label);
  if (rec.promptPreview !== undefined) out.promptPreview = cap(rec.promptPreview, CAPS.preview);
  return out;
}
