/**
 * Exact cache stage: serve a stored answer for an identical request (replayed as SSE or JSON to
 * match the request), else continue and store the answer once it completed successfully.
 * `x-tollgate-cache: no-cache` skips the lookup, `no-store` skips the write.
 */
import { exactCacheKey } from '../cache/canonical';
import type { CacheEntry } from '../cache/exactCache';
import type { CallContext, Stage } from './context';
import { writeLedgerRow } from './record';

export function cacheDirectives(ctx: CallContext): { lookup: boolean; store: boolean } {
  const h = String(ctx.req.headers['x-tollgate-cache'] ?? '').toLowerCase();
  return { lookup: !h.includes('no-cache') && !h.includes('no-store'), store: !h.includes('no-store') };
}

export const exactCacheStage: Stage = async (ctx, next) => {
  const policy = ctx.services.policy.policy;
  if (!ctx.endpoint.cacheable || !policy.cache.enabled || !ctx.provider) {
    ctx.cacheStatus = 'bypass';
    return next();
  }
  const directives = cacheDirectives(ctx);
  ctx.cacheWrite = directives.store;
  ctx.keyedModel = ctx.modelUsed;
  ctx.cacheKey = exactCacheKey(ctx.namespace, ctx.endpoint.id, ctx.provider.name, ctx.body);
  if (directives.lookup) {
    const hit = ctx.services.exactCache.get(ctx.cacheKey);
    if (hit) {
      ctx.services.exactCache.markHit(hit.id);
      return serveFromCache(ctx, hit, 'exact');
    }
  } else {
    ctx.cacheStatus = 'bypass';
  }
  await next();
  storeIfComplete(ctx);
};

/** Writes the answer to the exact cache once (idempotent; later stages may call it first). */
export function storeIfComplete(ctx: CallContext): void {
  const policy = ctx.services.policy.policy;
  if (ctx.storedEntryId !== undefined || !ctx.cacheWrite || ctx.modelUsed !== ctx.keyedModel) return;
  if (!ctx.cacheKey || !ctx.provider || ctx.status !== 200 || !ctx.complete || !ctx.responseBody || ctx.cacheStatus !== 'miss') return;
  const id = ctx.services.exactCache.put(
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
      ttlSeconds: policy.cache.ttlSeconds,
    },
    policy.cache.maxEntries,
  );
  ctx.storedEntryId = id;
}

/** Replays a stored answer in the framing the client asked for. */
export function serveFromCache(ctx: CallContext, entry: CacheEntry, status: 'exact' | 'semantic'): void {
  ctx.cacheStatus = status;
  ctx.status = 200;
  ctx.complete = true;
  ctx.responseBody = entry.body;
  ctx.usage = entry.usage;
  ctx.sourceEntryId = entry.id;
  ctx.savedUsd = entry.costUsd;
  ctx.costUsd = 0;
  ctx.priced = true;
  const res = ctx.res;
  const headers: Record<string, string> = {
    ...ctx.extraHeaders,
    'x-tollgate-cache': status,
    'x-tollgate-cost-usd': '0',
    'x-tollgate-saved-usd': entry.costUsd.toFixed(8),
    'x-tollgate-request-id': ctx.requestId,
    ...(ctx.similarity !== undefined ? { 'x-tollgate-similarity': ctx.similarity.toFixed(4) } : {}),
    'x-tollgate-overhead-ms': (performance.now() - ctx.t0).toFixed(3),
  };
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  writeLedgerRow(ctx); // before the answer leaves (see forward.ts)
  if (ctx.stream && ctx.endpoint.replay) {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.end(ctx.endpoint.replay(entry.body, { includeUsage: ctx.clientWantsUsage }).join(''));
  } else {
    res.status(200).json(entry.body);
  }
}
