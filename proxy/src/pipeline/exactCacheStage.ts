/**
 * Exact cache stage: serve a stored answer for an identical request (replayed as SSE or JSON to
 * match the request), else decide whether the answer may be stored and continue; `finishAttempt`
 * commits the entry before the answer's last byte. `x-tollgate-cache: no-cache` (or a standard
 * `Cache-Control: no-cache`) skips the lookup (the fresh answer is still stored), `no-store` skips
 * both (`Cache-Control: no-store` only the store); an unknown `x-tollgate-cache` value is a 400. A request that continues state the
 * provider keeps (cache/stateful.ts) is never cached.
 */
import { exactCacheKey, keyHeaders } from '../cache/canonical';
import { cacheDirectivesOf } from '../cache/directives';
import { withRequestEcho } from '../cache/echo';
import type { CacheEntry } from '../cache/exactCache';
import { statefulReason } from '../cache/stateful';
import { PROTOCOLS } from '../providers/protocol';
import type { CallContext, Stage } from './context';
import { failCall } from './errors';
import { finishAttempt } from './finishAttempt';
import { queryOf } from './identity';

/**
 * What a request is asked against besides its body, shared by both caches: the endpoint with the
 * query string (it reaches the upstream as it is, e.g. Azure's `api-version`) and the forwarded
 * headers that change the answer (`keyHeaders`).
 */
export function requestScope(ctx: CallContext): { endpoint: string; headers: Record<string, string> } {
  const query = queryOf(ctx.req.url);
  const provider = ctx.provider;
  return {
    endpoint: query === '' ? ctx.endpoint.id : `${ctx.endpoint.id}?${query}`,
    headers: provider ? keyHeaders(ctx.req.headers, provider.headers, PROTOCOLS[provider.kind].requiredHeaders) : {},
  };
}

export const exactCacheStage: Stage = async (ctx, next) => {
  const policy = ctx.services.policy.policy;
  if (!ctx.endpoint.cacheable || !policy.cache.enabled || !ctx.provider || statefulReason(ctx.endpoint.id, ctx.body) !== undefined) {
    ctx.cacheStatus = 'bypass';
    return next();
  }
  // What the request allows (cache/directives.ts: `x-tollgate-cache` and the standard Cache-Control /
  // Pragma), read once here; the semantic stage reads it from the context.
  const directives = cacheDirectivesOf(ctx.req.headers);
  if ('error' in directives) return failCall(ctx, 400, 'invalid_request_error', directives.error);
  ctx.cacheDirectives = directives;
  ctx.cacheStore = directives.store;
  ctx.keyedModel = ctx.modelUsed;
  const scope = requestScope(ctx);
  ctx.cacheKey = exactCacheKey(ctx.namespace, scope.endpoint, ctx.provider.name, ctx.body, scope.headers);
  if (directives.lookup) {
    const hit = ctx.services.exactCache.get(ctx.cacheKey);
    if (hit) return serveFromCache(ctx, hit, 'exact');
  } else {
    ctx.cacheStatus = 'bypass';
  }
  await next();
};

/**
 * Replays a stored answer in the framing the client asked for, echoing this request's attribution
 * fields, and counts the hit. The stream is built before the hit is counted or recorded (an answer
 * too deep to replay is never stored or read back: cache/storable.ts).
 */
export async function serveFromCache(ctx: CallContext, entry: CacheEntry, status: 'exact' | 'semantic'): Promise<void> {
  // Fields the answer echoes from its request (Responses `metadata`, `user`, …) are this request's.
  const echoed = withRequestEcho(ctx.endpoint.id, entry.body, ctx.body);
  const body = echoed ?? entry.body;
  const replayed = ctx.stream && ctx.endpoint.replay ? ctx.endpoint.replay(body, { includeUsage: ctx.clientWantsUsage }).join('') : undefined;
  ctx.services.exactCache.markHit(entry.id);
  ctx.cacheStatus = status;
  ctx.status = 200;
  ctx.complete = true;
  ctx.responseBody = body;
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
  if (replayed !== undefined) {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.end(replayed);
  } else {
    res.status(200).jsonText(echoed ? JSON.stringify(echoed) : entry.bodyText);
  }
}
