/**
 * The state of one call as it moves through the pipeline. Stages read and fill it.
 *
 * What belongs to the call (body, identity, cache key, headers Tollgate adds) lives for the whole
 * request; what belongs to one upstream attempt (status, usage, cost, timings, the ledger row)
 * is an `AttemptState` that `startAttempt` replaces whole before a retry or fallback, so nothing
 * from a failed attempt leaks into the next one. `finishAttempt` closes an attempt exactly once.
 */
import { randomBytes } from 'node:crypto';
import type { CacheDirectives } from '../cache/directives';
import type { Req as Request, Res as Response } from '../http/http';
import type { CacheStatus, CallTags } from '../ledger/types';
import { DEFAULT_FIRST_BYTE_MS, type ResolvedProvider } from '../policy/schema';
import type { EndpointSpec, Json, NormalizedUsage } from '../providers/types';
import type { ProxyServices } from './services';

/** Everything one upstream attempt (or a cache hit) produces; replaced whole per attempt. */
export interface AttemptState {
  attempt: number;
  /** performance.now() when this attempt started (the first attempt starts at arrival). */
  attemptT0: number;
  /** Milliseconds spent waiting on the upstream (excluded from overhead). */
  upstreamMs: number;
  usage: NormalizedUsage | undefined;
  tokensEstimated: boolean;
  costUsd: number;
  priced: boolean;
  /** The family a snapshot newer than the price list is priced as (pricing `CallPrice.as`): `x-tollgate-priced-as`. */
  pricedAs: string | undefined;
  status: number;
  errorType: string | undefined;
  /** Final response body (JSON, or assembled from the stream); partial when the stream broke. */
  responseBody: Json | undefined;
  /** `responseBody` as the upstream sent it (a relayed JSON answer): the cache stores it without re-serialising. */
  responseText: string | undefined;
  /** The stream ended with its terminal event (only complete answers are cached). */
  complete: boolean;
  responseHeaders: Record<string, string>;
  /** Set once `finishAttempt` closed this attempt (ledger row written). */
  recorded: boolean;
}

export function freshAttempt(attempt: number, t0: number): AttemptState {
  return {
    attempt,
    attemptT0: t0,
    upstreamMs: 0,
    usage: undefined,
    tokensEstimated: false,
    costUsd: 0,
    priced: false,
    pricedAs: undefined,
    status: 0,
    errorType: undefined,
    responseBody: undefined,
    responseText: undefined,
    complete: false,
    responseHeaders: {},
    recorded: false,
  };
}

/** Starts the next attempt (retry or fallback) with a clean slate. */
export function startAttempt(ctx: CallContext): void {
  Object.assign(ctx, freshAttempt(ctx.attempt + 1, performance.now()));
}

export interface CallContext extends AttemptState {
  readonly services: ProxyServices;
  readonly req: Request;
  readonly res: Response;
  readonly endpoint: EndpointSpec;
  readonly requestId: string;
  /** performance.now() at arrival. */
  readonly t0: number;
  /** Date.now() at arrival. */
  readonly ts: number;
  /** Parsed request body (mutable: routing may change the model, streams may ask for usage). */
  body: Json;
  stream: boolean;
  /** The client asked for `stream_options.include_usage` itself. */
  clientWantsUsage: boolean;
  /** Set when Tollgate added include_usage and must strip the usage chunk. */
  stripUsageChunk: boolean;
  provider?: ResolvedProvider;
  modelRequested: string;
  modelUsed: string;
  /** The key sent upstream (from the client or the environment); never stored. */
  apiKey?: string;
  keyFingerprint: string;
  tags: CallTags;
  /** Namespace for cache isolation: salted key fingerprint + cache version. */
  namespace: string;
  cacheKey?: string;
  /** What the cache lookup did: miss, exact/semantic hit, or bypass (not looked up). */
  cacheStatus: CacheStatus;
  /**
   * What the request's headers allow the caches to do (look up, store), read once by the exact-cache
   * stage; undefined when the call is not cacheable (the stage bypassed it) or was refused for an
   * invalid directive. The semantic stage reads it here.
   */
  cacheDirectives?: CacheDirectives;
  /**
   * The store decision, made once by the exact-cache stage and independent of the lookup:
   * `no-cache` skips the lookup but still stores, `no-store` never stores.
   */
  cacheStore: boolean;
  similarity?: number;
  sourceEntryId?: number;
  /** What a cache hit saved (the stored answer's cost). */
  savedUsd: number;
  /** Headers Tollgate adds to the response (route, budget…). */
  extraHeaders: Record<string, string>;
  route?: string;
  budget?: string;
  reservationId?: string;
  promptPreview?: string;
  lastUserText?: string;
  /** Id of the cache entry written for this call (semantic indexing uses it). */
  storedEntryId?: number;
  /** Called right after the cache entry is committed (the semantic stage indexes it; a refresh replaced `replacedId`). */
  onStored?: (entryId: number, replacedId: number | undefined) => void;
  /** The model the cache key was computed for (a downgraded or fallback answer is not stored under it). */
  keyedModel?: string;
  /** Input tokens counted by the token worker (budgets, routing rules). */
  countedInputTokens?: number;
  /** The model a `downgrade` budget sent this call to: fallbacks stay at or below its price. */
  downgradedTo?: { provider: string; model: string; budget: string };
  /** Set when the request goes at OpenAI's flex tier (priced at batch rates). */
  serviceTier?: 'flex';
  /** Overrides the provider's first-byte timeout for this call (flex queues). */
  upstreamTimeoutMs?: number;
}

/**
 * How long the upstream's first byte is waited for: a flex call's own limit; the provider's
 * `timeoutMs` when the policy sets one; else the client's own timeout, which the OpenAI and
 * Anthropic SDKs state in seconds (600 unless set): `X-Stainless-Timeout` from Node,
 * `X-Stainless-Read-Timeout` ("600.0") from Python. A reasoning model's JSON answer takes minutes:
 * giving up before the client does failed calls a direct one finished.
 */
export function firstByteWaitMs(ctx: CallContext, p: ResolvedProvider): number {
  if (ctx.upstreamTimeoutMs !== undefined) return ctx.upstreamTimeoutMs;
  const h = ctx.req.headers;
  const stated = Number(h['x-stainless-timeout'] ?? h['x-stainless-read-timeout']) * 1000;
  return p.timeoutMs ?? (stated > 0 ? Math.min(Math.ceil(stated), 3_600_000) : DEFAULT_FIRST_BYTE_MS);
}

/** A short, unique, time-ordered id: the process's start and a counter (no random source per request). */
const ID_PREFIX = `tg_${Date.now().toString(36)}${randomBytes(4).toString('hex')}_`;
let idCounter = 0;

export function newRequestId(): string {
  return `${ID_PREFIX}${(idCounter++).toString(36)}`;
}

export function newCallContext(services: ProxyServices, endpoint: EndpointSpec, req: Request, res: Response): CallContext {
  const t0 = performance.now();
  // The attempt's fields, then the call's, added one by one (V8 reuses each step of the shape). Not
  // `{ ...freshAttempt(), … }`: a spread followed by more properties took V8's slow path, ~0.1 ms a call.
  const ctx = freshAttempt(1, t0) as { -readonly [K in keyof CallContext]: CallContext[K] };
  ctx.services = services;
  ctx.req = req;
  ctx.res = res;
  ctx.endpoint = endpoint;
  ctx.requestId = newRequestId();
  ctx.t0 = t0;
  ctx.ts = Date.now();
  ctx.body = {};
  ctx.stream = false;
  ctx.clientWantsUsage = false;
  ctx.stripUsageChunk = false;
  ctx.modelRequested = '';
  ctx.modelUsed = '';
  ctx.keyFingerprint = 'tg_anonymous';
  ctx.tags = {};
  ctx.namespace = '';
  ctx.cacheStatus = 'miss';
  ctx.cacheStore = false;
  ctx.savedUsd = 0;
  ctx.extraHeaders = {};
  return ctx;
}

export type Stage = (ctx: CallContext, next: () => Promise<void>) => Promise<void>;

/** Runs stages in order; each calls `next()` to continue or returns to short-circuit. */
export function compose(stages: Stage[]): (ctx: CallContext) => Promise<void> {
  return (ctx) => {
    const run = (i: number): Promise<void> => {
      const stage = stages[i];
      return stage ? stage(ctx, () => run(i + 1)) : Promise.resolve();
    };
    return run(0);
  };
}
