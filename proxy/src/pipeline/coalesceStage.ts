/**
 * Request coalescing: identical cacheable JSON requests that arrive while the first of them is
 * still at the upstream (JSON or streamed) wait for it, then are answered from the cache entry it stored, instead of each
 * going upstream and paying for the same answer (20 identical calls from a burst cost 20× before).
 *
 * "Identical" is the exact cache's key, which holds the key's namespace (one tenant never waits on
 * another's call) and not the `stream` flag: a waiter gets the stored answer in its own framing, as
 * any cache hit does, and its ledger row is an exact hit. Only requests the cache would store and
 * look up take part (no `no-cache`/`no-store`, nothing stateful).
 *
 * Bounded: a waiter waits at most the provider's first-byte timeout, and stops waiting when its own
 * client leaves. When the first call stored nothing (an error, a 499, an answer the cache refuses,
 * a downgrade) or the wait ends, each waiter carries on as its own call — as without coalescing.
 * Per process: in-flight calls of other processes sharing the database are not seen.
 */
import type { ExactCache } from '../cache/exactCache';
import { type CallContext, firstByteWaitMs, type Stage } from './context';
import { serveFromCache } from './exactCacheStage';

/** Per cache (one per running proxy): cache key → settles when the call that first asked for it has finished. */
const inFlightByCache = new WeakMap<ExactCache, Map<string, Promise<void>>>();

function inFlightOf(cache: ExactCache): Map<string, Promise<void>> {
  let m = inFlightByCache.get(cache);
  if (!m) {
    m = new Map();
    inFlightByCache.set(cache, m);
  }
  return m;
}

/** Resolves when the leader finished, the wait bound passed, or the waiter's client left. */
function waitForLeader(ctx: CallContext, leader: Promise<void>, maxMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    // Already gone: its 'close' has fired, so waiting would last until the leader ends.
    if (ctx.res.destroyed) return resolve();
    const done = () => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    ctx.res.on('close', done);
    void leader.then(done, done);
  });
}

export const coalesceStage: Stage = async (ctx, next) => {
  const key = ctx.cacheKey;
  // A bypass (no lookup asked, or not cacheable) or a no-store call must not share an answer.
  if (!key || !ctx.provider || ctx.cacheStatus !== 'miss' || !ctx.cacheStore) return next();
  const inFlight = inFlightOf(ctx.services.exactCache);
  const leader = inFlight.get(key);
  // A stream never waits: its client reads tokens as they come, and a wait would hold back its
  // first token for the leader's whole generation (the replay comes once the entry is stored).
  // It still leads, so JSON requests behind it wait for its answer.
  if (leader && ctx.stream) return next();
  if (leader) {
    await waitForLeader(ctx, leader, firstByteWaitMs(ctx, ctx.provider));
    const hit = ctx.res.destroyed ? undefined : ctx.services.exactCache.get(key);
    if (hit) return serveFromCache(ctx, hit, 'exact');
    return next();
  }
  let finished!: () => void;
  inFlight.set(
    key,
    new Promise<void>((resolve) => {
      finished = resolve;
    }),
  );
  try {
    await next();
  } finally {
    inFlight.delete(key);
    finished();
  }
};
