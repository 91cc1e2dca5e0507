/**
 * Semantic cache stage (after an exact miss): when the model is loaded, embed the last user turn
 * and look for an earlier prompt that means the same within the same namespace — same API key,
 * endpoint and query string, answer-changing headers, model, system prompt, earlier turns, tools
 * and parameters — guarded against numbers/negations/entities that differ. A hit replays that
 * entry's answer; a miss goes upstream and indexes the new answer. While the model loads, calls
 * pass straight through (never wait).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { canonicalJson, sha256 } from '../cache/canonical';
import type { SemanticCache } from '../cache/semanticCache';
import { applyFeedbackHeader, recordSkipped, semanticLookupForCall } from '../cache/semantic/callLookup';
import { semanticKey, type SemanticEndpoint } from '../cache/semantic/namespace';
import { embedRequestText } from '../embedding/requestEmbedding';
import { globMatch } from '../routing/glob';
import { ruleMatches, type RuleSubject } from '../routing/route';
import type { CallContext, Stage } from './context';
import { countInputTokens } from './cost';
import { failCall } from './errors';
import { requestScope, serveFromCache } from './exactCacheStage';

const SEMANTIC_ENDPOINTS = new Set<string>(['chat.completions', 'messages', 'responses', 'completions']);

/**
 * Header, then the first routing rule with a threshold whose `match` fits the request (the same
 * matcher routing uses, so header and token conditions count), then the policy, then the
 * backend's calibrated default.
 */
export async function semanticThreshold(ctx: CallContext, backendDefault: number): Promise<number | { error: string }> {
  const header = ctx.req.headers['x-tollgate-semantic-threshold'];
  if (typeof header === 'string') {
    // A plain decimal only: Number() would read "" and " " as 0 and "0x1" as 1.
    const trimmed = header.trim();
    const v = /^(?:\d+(?:\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isFinite(v) || v < 0 || v > 1) return { error: `x-tollgate-semantic-threshold must be a number from 0 to 1 (got ${JSON.stringify(header)})` };
    return v;
  }
  const policy = ctx.services.policy.policy;
  const rules = policy.routing.rules.filter((r) => r.semanticThreshold !== undefined);
  if (rules.length > 0) {
    const needsTokens = rules.some((r) => r.match.minInputTokens !== undefined || r.match.maxInputTokens !== undefined);
    const subject: RuleSubject = {
      model: ctx.modelRequested,
      ...(ctx.provider ? { provider: ctx.provider.name } : {}),
      ...(ctx.tags.feature ? { feature: ctx.tags.feature } : {}),
      headers: ctx.req.headers,
      inputTokens: needsTokens ? await countInputTokens(ctx) : 0,
    };
    const rule = rules.find((r) => ruleMatches(r, subject));
    if (rule?.semanticThreshold !== undefined) return rule.semanticThreshold;
  }
  return policy.cache.semantic.threshold ?? backendDefault;
}

/**
 * `x-tollgate-feedback: bad-hit` reports the last semantic hit of this key and feature, whatever
 * this call itself does: it runs before the exact cache, so a call that is an exact hit, no-store,
 * in an excluded feature or with semantic caching off still records it (docs: "on the next call").
 */
export function semanticFeedbackStage(semantic: SemanticCache): Stage {
  return async (ctx, next) => {
    applyFeedbackHeader(semantic, ctx);
    return next();
  };
}

export function semanticCacheStage(semantic: SemanticCache): Stage {
  return async (ctx, next) => {
    const policy = ctx.services.policy.policy;
    const cfg = policy.cache.semantic;
    const directives = ctx.cacheDirectives;
    // A hit already answered; no key (nor directives) means not cacheable; nothing to do when neither
    // looking up nor storing (an invalid directive was refused by the exact stage, which sets both).
    if (!directives || !cfg.enabled || !SEMANTIC_ENDPOINTS.has(ctx.endpoint.id) || !ctx.cacheKey || !ctx.provider) return next();
    if (ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic' || !(directives.lookup || ctx.cacheStore)) return next();
    if (ctx.tags.feature && cfg.excludeFeatures.some((g) => globMatch(g, ctx.tags.feature!))) return next();
    const key = semanticKey(ctx.endpoint.id as SemanticEndpoint, ctx.body);
    if (!key.eligible) return next();
    // A prompt the embedder cannot judge — longer than it reads (the rest never changes the vector),
    // long code, or another language for an English-only model — is neither embedded, looked up
    // nor indexed (the exact cache still serves it), and the reason is on the response.
    const cannot = semantic.cannotJudgeReason(key.lastUserText);
    if (cannot !== undefined) {
      recordSkipped(ctx, `embedder cannot judge: ${cannot}`);
      return next();
    }
    const pending = embedRequestText(ctx, key.lastUserText, semantic); // shared with the router
    if (!pending) return next();
    let vector: Float32Array | undefined;
    const timeout = new AbortController();
    try {
      // A stuck or overloaded embedder must never hold a call: past the timeout it is a plain miss.
      vector = await Promise.race([pending, delay(cfg.embedTimeoutMs, undefined, { signal: timeout.signal }).catch(() => undefined)]);
    } catch (err) {
      ctx.services.log.warn(`semantic cache skipped: ${(err as Error).message}`);
    } finally {
      timeout.abort();
    }
    if (!vector) return next();
    // The API-key namespace (salted fingerprint + cache version) scopes everything else, and the
    // query string and answer-changing headers as in the exact key. Without either (the common
    // case) the namespace is the one earlier versions indexed under.
    const scope = requestScope(ctx);
    const scoped = scope.endpoint === ctx.endpoint.id && Object.keys(scope.headers).length === 0 ? '' : `|${scope.endpoint}|${canonicalJson(scope.headers)}`;
    const namespace = sha256(`${ctx.namespace}|${ctx.provider.name}|${key.contextHash}${scoped}`).slice(0, 32);

    if (directives.lookup) {
      // With `judge: false` the backend's calibrated threshold applies (not the judge's 0).
      const threshold = await semanticThreshold(ctx, semantic.defaultThreshold(cfg.judge) ?? 1);
      if (typeof threshold === 'object') return failCall(ctx, 400, 'invalid_request_error', threshold.error);
      const { entry, similarity } = await semanticLookupForCall(semantic, ctx, namespace, vector, key.lastUserText, threshold);
      if (entry) {
        ctx.similarity = similarity;
        return serveFromCache(ctx, entry, 'semantic');
      }
    }
    // Indexed as the entry is committed (before the answer's last byte), not after.
    const text = key.lastUserText;
    ctx.onStored = (entryId, replacedId) => semantic.index(entryId, namespace, vector, text, Date.now() + policy.cache.ttlSeconds * 1000, replacedId);
    await next();
  };
}
