/**
 * Closes one attempt, exactly once, before its last byte reaches the client: settles the cost
 * (estimating what the upstream did not report, including the output of a cut stream), commits
 * the cache entry of a complete answer, and writes the ledger row with the attempt's timings.
 *
 * "Before the last byte" is the crash promise (a client that has its answer finds the call in the
 * ledger) and the cache promise (an identical request sent right after finds the entry). The
 * record stage calls it again in a `finally`; the second call is a no-op, so an error anywhere still
 * leaves exactly one row per attempt.
 *
 * The cache entry and the ledger row go in one transaction: one WAL commit per miss instead of
 * two (the commit, not the INSERT, is most of a write's cost), and a crash leaves both or neither.
 * Should that transaction fail (disk full, a cache row too large), the row is written alone: an
 * answer the cache could not keep is still a call the ledger must hold.
 */
import type { StoredEntry } from '../cache/exactCache';
import type { NewCallRecord } from '../ledger/ledger';
import type { CallRecord } from '../ledger/types';
import type { CallContext } from './context';
import { settleCost } from './cost';

export async function finishAttempt(ctx: CallContext): Promise<CallRecord | undefined> {
  if (ctx.recorded) return undefined;
  ctx.recorded = true;
  if (ctx.status === 0) {
    // The pipeline threw before answering: the error handler sends a 500.
    ctx.status = 500;
    ctx.errorType ??= 'internal_error';
  }
  await settleCost(ctx);
  const { ledger, db } = ctx.services;
  const row = ledgerRow(ctx);
  let stored: StoredEntry | undefined;
  let rec: CallRecord;
  if (shouldStore(ctx)) {
    try {
      [stored, rec] = db.transaction(() => [putCacheEntry(ctx), ledger.insert(row)] as const).immediate();
    } catch (err) {
      ctx.services.log.warn(`cache entry not stored: ${err instanceof Error ? err.message : String(err)}`);
      stored = undefined;
      rec = ledger.insert(row);
    }
  } else {
    rec = ledger.insert(row);
  }
  // Listeners (live feed, retention) and the semantic index see committed rows only.
  if (stored !== undefined) {
    ctx.storedEntryId = stored.id;
    ctx.onStored?.(stored.id, stored.replacedId);
  }
  ledger.announce(rec);
  ctx.services.metrics.observe(rec);
  return rec;
}

/** A complete, successful upstream answer that may be stored under the key it was requested with. */
function shouldStore(ctx: CallContext): boolean {
  if (!ctx.cacheStore || ctx.storedEntryId !== undefined || ctx.modelUsed !== ctx.keyedModel) return false;
  if (ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic') return false;
  // A whole JSON answer whose client left before it came (499, complete) is stored too: it was
  // billed, and the identical call the client's SDK sends after its timeout is answered from it (or
  // waits for it, coalesced) instead of being generated and billed again.
  return !!ctx.cacheKey && !!ctx.provider && (ctx.status === 200 || ctx.status === 499) && ctx.complete && !!ctx.responseBody;
}

function putCacheEntry(ctx: CallContext): StoredEntry {
  const cache = ctx.services.policy.policy.cache;
  return ctx.services.exactCache.put(
    {
      key: ctx.cacheKey!,
      namespace: ctx.namespace,
      endpoint: ctx.endpoint.id,
      provider: ctx.provider!.name,
      model: ctx.modelUsed,
      body: ctx.responseBody!,
      ...(ctx.responseText !== undefined ? { bodyText: ctx.responseText } : {}),
      usage: ctx.usage ?? NO_USAGE,
      costUsd: ctx.costUsd,
      prompt: ctx.lastUserText ?? null,
      ttlSeconds: cache.ttlSeconds,
    },
    cache.maxEntries,
  );
}

const NO_USAGE = Object.freeze({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 });

/** Absent fields are `undefined` (the ledger skips them): one literal, no conditional spreads. */
function ledgerRow(ctx: CallContext): NewCallRecord {
  const latencyMs = performance.now() - ctx.attemptT0;
  const usage = ctx.usage ?? NO_USAGE;
  return {
    requestId: ctx.requestId,
    ts: ctx.ts,
    keyFingerprint: ctx.keyFingerprint,
    tags: ctx.tags,
    provider: ctx.provider?.name ?? 'none',
    endpoint: ctx.endpoint.id,
    modelRequested: ctx.modelRequested,
    modelUsed: ctx.modelUsed,
    stream: ctx.stream,
    cache: ctx.cacheStatus,
    similarity: ctx.similarity,
    sourceEntryId: ctx.sourceEntryId,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    cacheWriteTokens: usage.cacheWriteTokens,
    tokensEstimated: ctx.tokensEstimated,
    costUsd: ctx.costUsd,
    savedUsd: ctx.savedUsd,
    priced: ctx.priced,
    latencyMs,
    overheadMs: Math.max(0, latencyMs - ctx.upstreamMs),
    status: ctx.status,
    errorType: ctx.errorType || undefined,
    route: ctx.route || undefined,
    budget: ctx.budget || undefined,
    attempt: ctx.attempt,
    promptPreview: ctx.promptPreview || undefined,
    details: { responseHeaders: headersSent(ctx) },
  };
}

/** The relayed upstream headers and the x-tollgate-* ones (the dashboard shows "headers Tollgate added"). */
function headersSent(ctx: CallContext): Record<string, string> {
  // Copied by assignment: two spreads of these header records took V8's slow path (~20 µs a call).
  const out: Record<string, string> = {};
  for (const k in ctx.responseHeaders) out[k] = ctx.responseHeaders[k]!;
  for (const k in ctx.extraHeaders) out[k] = ctx.extraHeaders[k]!;
  const sent = ctx.res.getHeaders();
  for (const k in sent) {
    const v = sent[k];
    if (k.startsWith('x-tollgate-') && v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  // The cost header is set after the row (JSON) or travels in a trailer (streams): record it here.
  if (ctx.endpoint.billable && out['x-tollgate-cost-usd'] === undefined) out['x-tollgate-cost-usd'] = ctx.costUsd.toFixed(8);
  if (ctx.pricedAs) out['x-tollgate-priced-as'] = ctx.pricedAs;
  return out;
}
