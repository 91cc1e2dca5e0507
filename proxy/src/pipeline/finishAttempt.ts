/**
 * Closes one attempt, exactly once, before its last byte reaches the client: settles the cost
 * (estimating what the upstream did not report, including the output of a cut stream), commits
 * the cache entry of a complete answer, and writes the ledger row with the attempt's timings.
 *
 * "Before the last byte" is the crash promise (a client that has its answer finds the call in the
 * ledger) and the cache promise (an identical request sent right after finds the entry). The
 * record stage calls it again in a `finally`; the second call is a no-op, so an error anywhere still
 * leaves exactly one row per attempt.
 */
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
  commitCacheEntry(ctx);
  return writeLedgerRow(ctx);
}

/** Stores a complete, successful upstream answer under the key it was requested with. */
function commitCacheEntry(ctx: CallContext): void {
  if (!ctx.cacheStore || ctx.storedEntryId !== undefined || ctx.modelUsed !== ctx.keyedModel) return;
  if (ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic') return;
  if (!ctx.cacheKey || !ctx.provider || ctx.status !== 200 || !ctx.complete || !ctx.responseBody) return;
  const cache = ctx.services.policy.policy.cache;
  ctx.storedEntryId = ctx.services.exactCache.put(
    {
      key: ctx.cacheKey,
      namespace: ctx.namespace,
      endpoint: ctx.endpoint.id,
      provider: ctx.provider.name,
      model: ctx.modelUsed,
      body: ctx.responseBody,
      usage: ctx.usage ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 },
      costUsd: ctx.costUsd,
      prompt: ctx.lastUserText ?? null,
      ttlSeconds: cache.ttlSeconds,
    },
    cache.maxEntries,
  );
  ctx.onStored?.(ctx.storedEntryId);
}

function writeLedgerRow(ctx: CallContext): CallRecord {
  const latencyMs = performance.now() - ctx.attemptT0;
  const usage = ctx.usage ?? { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 };
  const rec = ctx.services.ledger.record({
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
    ...(ctx.similarity !== undefined ? { similarity: ctx.similarity } : {}),
    ...(ctx.sourceEntryId !== undefined ? { sourceEntryId: ctx.sourceEntryId } : {}),
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
    ...(ctx.errorType ? { errorType: ctx.errorType } : {}),
    ...(ctx.route ? { route: ctx.route } : {}),
    ...(ctx.budget ? { budget: ctx.budget } : {}),
    attempt: ctx.attempt,
    ...(ctx.promptPreview ? { promptPreview: ctx.promptPreview } : {}),
    details: { responseHeaders: { ...ctx.responseHeaders, ...tollgateHeadersSent(ctx) } },
  });
  ctx.services.metrics.observe(rec);
  return rec;
}

/** The x-tollgate-* headers on the response (the dashboard shows "headers Tollgate added"). */
function tollgateHeadersSent(ctx: CallContext): Record<string, string> {
  const out: Record<string, string> = { ...ctx.extraHeaders };
  for (const [k, v] of Object.entries(ctx.res.getHeaders())) {
    if (k.startsWith('x-tollgate-') && v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  // The cost header is set after the row (JSON) or travels in a trailer (streams): record it here.
  if (ctx.endpoint.billable && out['x-tollgate-cost-usd'] === undefined) out['x-tollgate-cost-usd'] = ctx.costUsd.toFixed(8);
  return out;
}
