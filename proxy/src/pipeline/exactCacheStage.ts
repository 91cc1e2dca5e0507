/**
 * Exact cache stage: serve a stored answer for an identical request (replayed as SSE or JSON to
 * match the request), else decide whether the answer may be stored and continue; `finishAttempt`
 * commits the entry before the answer's last byte. `x-tollgate-cache: no-cache` skips the lookup
 * (the fresh answer is still stored), `no-store` skips both.
 */
import { exactCacheKey } from '../cache/canonical';
import type { CacheEntry } from '../cache/exactCache';
import type { CallContext, Stage } from './context';
import { finishAttempt } from './finishAttempt';
import { queryOf } from './identity';

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
  ctx.cacheStore = directives.store;
  ctx.keyedModel = ctx.modelUsed;
  // The query string reaches the upstream as it is (Azure's `api-version`), so it is part of what
  // was asked: requests with different query strings never share an exact entry.
  const query = queryOf(ctx.req.url);
  ctx.cacheKey = exactCacheKey(ctx.namespace, query === '' ? ctx.endpoint.id : `${ctx.endpoint.id}?${query}`, ctx.provider.name, ctx.body);
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
};

/** Replays a stored answer in the framing the client asked for. */
export async function serveFromCache(ctx: CallContext, entry: CacheEntry, status: 'exact' | 'semantic'): Promise<void> {
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
  for (const k in ctx.extraHeaders) res.setHeader(k, ctx.extraHeaders[k]!);
  res.setHeader('x-tollgate-cache', status);
  res.setHeader('x-tollgate-cost-usd', '0');
  res.setHeader('x-tollgate-saved-usd', entry.costUsd.toFixed(8));
  res.setHeader('x-tollgate-request-id', ctx.requestId);
  if (ctx.similarity !== undefined) res.setHeader('x-tollgate-similarity', ctx.similarity.toFixed(4));
  res.setHeader('x-tollgate-overhead-ms', (performance.now() - ctx.t0).toFixed(3));
  await finishAttempt(ctx); // before the answer leaves (see finishAttempt.ts)
  if (ctx.stream && ctx.endpoint.replay) {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.end(ctx.endpoint.replay(entry.body, { includeUsage: ctx.clientWantsUsage }).join(''));
  } else {
    res.status(200).jsonText(entry.bodyText);
  }
}
