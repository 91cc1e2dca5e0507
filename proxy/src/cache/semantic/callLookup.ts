/**
 * The semantic lookup for one proxied call, behind one function the pipeline stage calls:
 * feedback header → judge decision (expected value, per-feature operating point) → optional
 * verification of an uncertain candidate → the entry to replay, or nothing. Without a judge for
 * the loaded embedder it falls back to the cosine threshold and the lexical guard.
 */
import { evictCacheEntry } from '../clearInBatches';
import type { CacheEntry } from '../exactCache';
import type { SemanticCache } from '../semanticCache';
import type { CallContext } from '../../pipeline/context';
import type { ServeRule } from './decide';
import { verifySameRequest } from './verify/verify';

export interface CallLookup {
  entry?: CacheEntry;
  similarity?: number;
  probability?: number;
}

export const FEEDBACK_HEADER = 'x-tollgate-feedback';
export const PROBABILITY_HEADER = 'x-tollgate-hit-probability';
/** Why this call was not looked up semantically, or why its candidates were refused: text the embedder cannot judge. */
export const SKIPPED_HEADER = 'x-tollgate-semantic-skipped';

/** Records on the response (and so in the ledger row's details) that the embedder cannot judge this call. */
export function recordSkipped(ctx: CallContext, reason: string): void {
  ctx.extraHeaders[SKIPPED_HEADER] = reason;
}

/**
 * `x-tollgate-feedback: bad-hit` on a call reports the last semantic hit this key got in this
 * feature as false: the entry is evicted and the feature's operating point tightens. Applied on
 * every call that reaches the semantic stage, whatever the call itself may do (no-store, an
 * excluded feature, semantic caching off); the response always says whether it was recorded.
 */
export function applyFeedbackHeader(semantic: SemanticCache, ctx: CallContext): void {
  const v = ctx.req.headers[FEEDBACK_HEADER];
  if (typeof v !== 'string') return;
  if (v.trim().toLowerCase() !== 'bad-hit') {
    ctx.extraHeaders[FEEDBACK_HEADER] = `ignored; unknown value ${JSON.stringify(v.slice(0, 40))} (only "bad-hit")`;
    return;
  }
  const r = semantic.quality.onLastHitFeedback(ctx.namespace, ctx.tags.feature, semantic.baseMinProbability());
  if (r.ok && r.entryId !== undefined) {
    evictCacheEntry(semantic, ctx.services.exactCache, r.entryId, false);
    ctx.extraHeaders[FEEDBACK_HEADER] = `recorded; feature=${r.feature}${r.minProbability !== undefined ? `; min-probability=${r.minProbability.toFixed(3)}` : ''}`;
  } else if (!r.ok) {
    ctx.extraHeaders[FEEDBACK_HEADER] = `ignored; ${r.reason}`;
  }
}

/** `threshold`: the cosine floor from header / route / policy (0 when only the judge decides). */
export async function semanticLookupForCall(semantic: SemanticCache, ctx: CallContext, namespace: string, vector: Float32Array, text: string, threshold: number): Promise<CallLookup> {
  const cfg = ctx.services.policy.policy.cache.semantic;
  const live = (id: number): CacheEntry | undefined => {
    const e = ctx.services.exactCache.getById(id);
    return e && e.expiresAt > Date.now() && e.namespace === ctx.namespace ? e : undefined;
  };
  const judge = cfg.judge ? semantic.judge() : undefined;
  if (!judge) {
    const match = semantic.lookup(namespace, vector, text, threshold);
    if (match && 'miss' in match && match.vetoed?.startsWith('embedder cannot judge')) recordSkipped(ctx, match.vetoed);
    if (!match || 'miss' in match) return {};
    const entry = live(match.entryId);
    return entry ? { entry, similarity: match.similarity } : {};
  }
  const base = cfg.maxFalseHitRisk !== undefined ? 1 - cfg.maxFalseHitRisk : judge.minProbability;
  const rule: ServeRule = { baseMinProbability: base, wrongAnswerCostUsd: cfg.wrongAnswerCostUsd, ...(cfg.verify.enabled ? { verifyFrom: cfg.verify.fromProbability } : {}) };
  const feature = ctx.tags.feature;
  semantic.quality.countLookup(feature);
  const decision = semantic.decide({ namespace, vector, text, ...(feature ? { feature } : {}) }, rule, (id) => {
    const e = live(id);
    if (!e) return undefined;
    return e.costUsd;
  });
  if (!decision) return {};
  if (!decision.serve && decision.vetoed?.startsWith('embedder cannot judge')) recordSkipped(ctx, decision.vetoed);
  let chosen = decision.serve ? decision : undefined;
  if (!decision.serve && decision.reason === 'verify' && decision.verify && ctx.provider) {
    const model = cfg.verify.model ?? ctx.services.policy.policy.routing.tiers[ctx.provider.name]?.small ?? ctx.modelRequested;
    const v = await verifySameRequest({ provider: ctx.provider, ...(ctx.apiKey ? { apiKey: ctx.apiKey } : {}), model, query: text, stored: decision.verify.matchedText, timeoutMs: cfg.verify.timeoutMs, dispatcher: ctx.services.dispatcher });
    recordVerification(ctx, model, v);
    if (v.same === true) chosen = { serve: true, ...decision.verify };
  }
  if (!chosen || chosen.similarity < threshold) return {};
  const entry = live(chosen.entryId);
  if (!entry) return {};
  semantic.quality.recordHit({ requestId: ctx.requestId, keyNamespace: ctx.namespace, feature: feature ?? '', entryId: entry.id, probability: chosen.probability, queryVector: vector });
  ctx.extraHeaders[PROBABILITY_HEADER] = chosen.probability.toFixed(4);
  return { entry, similarity: chosen.similarity, probability: chosen.probability };
}

/** The verification call is a call of its own in the ledger (its cost counts against the saving). */
function recordVerification(ctx: CallContext, model: string, v: Awaited<ReturnType<typeof verifySameRequest>>): void {
  ctx.services.ledger.record({
    requestId: ctx.requestId,
    ts: Date.now(),
    keyFingerprint: ctx.keyFingerprint,
    tags: ctx.tags,
    provider: ctx.provider?.name ?? 'none',
    endpoint: 'chat.completions',
    modelRequested: model,
    modelUsed: model,
    stream: false,
    cache: 'bypass',
    inputTokens: v.inputTokens,
    outputTokens: v.outputTokens,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    tokensEstimated: false,
    costUsd: v.costUsd,
    savedUsd: 0,
    priced: v.priced,
    latencyMs: v.ms,
    overheadMs: 0,
    status: v.error ? 502 : 200,
    ...(v.error ? { errorType: 'semantic_verification_failed' } : {}),
    route: `semantic-cache verification: ${v.same === true ? 'same' : v.same === false ? 'different' : 'no verdict'}`,
    attempt: 0,
  });
  ctx.upstreamMs += v.ms;
}
