/**
 * The state of one call as it moves through the pipeline. Stages read and fill it; the record
 * stage turns it into exactly one ledger row per attempt.
 */
import type { Request, Response } from 'express';
import type { CacheStatus, CallTags } from '../ledger/types';
import type { ResolvedProvider } from '../policy/schema';
import type { EndpointSpec, Json, NormalizedUsage } from '../providers/types';
import type { ProxyServices } from './services';

export interface CallContext {
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
  cacheStatus: CacheStatus;
  similarity?: number;
  sourceEntryId?: number;
  /** Headers Tollgate adds to the response (route, budget…). */
  extraHeaders: Record<string, string>;
  route?: string;
  budget?: string;
  reservationId?: string;
  attempt: number;
  /** Milliseconds spent waiting on the upstream (excluded from overhead). */
  upstreamMs: number;
  usage?: NormalizedUsage;
  tokensEstimated: boolean;
  costUsd: number;
  savedUsd: number;
  priced: boolean;
  status: number;
  errorType?: string;
  /** Final response body (JSON, or assembled from the stream) when the call succeeded. */
  responseBody?: Json;
  /** The stream ended with its terminal event (only complete streams are cached). */
  complete: boolean;
  responseHeaders: Record<string, string>;
  promptPreview?: string;
  lastUserText?: string;
  /** Set once a ledger row was written for the current attempt. */
  recorded: boolean;
  /** Id of the cache entry written for this call (semantic indexing uses it). */
  storedEntryId?: number;
  /** False when the client sent `x-tollgate-cache: no-store`. */
  cacheWrite: boolean;
  /** The model the cache key was computed for (a downgraded or fallback answer is not stored under it). */
  keyedModel?: string;
  /** Input tokens counted by the token worker (budgets, routing rules). */
  countedInputTokens?: number;
  /** Set when the request goes at OpenAI's flex tier (priced at batch rates). */
  serviceTier?: 'flex';
  /** Overrides the provider's first-byte timeout for this call (flex queues). */
  upstreamTimeoutMs?: number;
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
