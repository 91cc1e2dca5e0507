/**
 * Record stage: wraps the rest of the pipeline and writes exactly one ledger row for the call,
 * whatever happened (success, hit, error, abort), then updates metrics and the live event bus.
 */
import type { CallRecord } from '../ledger/types';
import type { CallContext, Stage } from './context';

export const record: Stage = async (ctx, next) => {
  try {
    await next();
  } finally {
    writeLedgerRow(ctx);
  }
};

export function writeLedgerRow(ctx: CallContext): CallRecord | undefined {
  if (ctx.recorded) return undefined;
  ctx.recorded = true;
  if (ctx.status === 0) {
    // The pipeline threw before answering: the error handler sends a 500.
    ctx.status = 500;
    ctx.errorType ??= 'internal_error';
  }
  const latencyMs = performance.now() - ctx.t0;
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
  // For streams the cost travels in a trailer; record it here too.
  if (ctx.stream && ctx.endpoint.billable && out['x-tollgate-cost-usd'] === undefined) out['x-tollgate-cost-usd'] = ctx.costUsd.toFixed(8);
  return out;
}
