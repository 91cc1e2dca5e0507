/**
 * Governance in the pipeline, one stage per concern:
 *  - route (before the cache, since the model is part of the key): `model: "auto"` or a policy
 *    rule picks a tier's model; the response says where it went and why;
 *  - admit (after the caches, so free hits are never blocked): budgets and rate limits reserve the
 *    worst-case cost before forwarding and settle to the real cost after;
 *  - forward with retries and fallbacks: each attempt gets its own ledger row.
 */
import type { Governor } from '../governance/governor';
import { fallbackTargets, retryDecision } from '../governance/retry';
import { arr, obj, type Json } from '../providers/types';
import { flexFallback } from '../batch/flex';
import { RoutingError, routeRequest } from '../routing/route';
import type { ChatText } from '../routing/features';
import type { CallContext, Stage } from './context';
import { inputParts } from './cost';
import { partsText } from './parse';
import { failCall } from './errors';
import { callUpstream, RetryableUpstreamError } from './forward';
import { writeLedgerRow } from './record';

const textOfContent = (content: unknown): string => partsText(content) ?? '';

/** The conversation as plain text turns (system prompt included) for the router. */
export function chatTexts(body: Json): ChatText[] {
  const out: ChatText[] = [];
  const system = body.system ?? body.instructions;
  if (system !== undefined) out.push({ role: 'system', text: textOfContent(system) });
  for (const m of arr(body.messages)) {
    const msg = obj(m);
    if (msg) out.push({ role: String(msg.role ?? 'user'), text: textOfContent(msg.content) });
  }
  if (typeof body.input === 'string') out.push({ role: 'user', text: body.input });
  else for (const it of arr(body.input)) out.push({ role: String(obj(it)?.role ?? 'user'), text: typeof it === 'string' ? it : textOfContent(obj(it)?.content) });
  if (typeof body.prompt === 'string') out.push({ role: 'user', text: body.prompt });
  return out;
}

/** Input tokens, counted off the event loop (memoised on the context). */
async function inputTokens(ctx: CallContext): Promise<number> {
  if (ctx.countedInputTokens !== undefined) return ctx.countedInputTokens;
  const { messages, texts } = inputParts(ctx.body);
  const r = await ctx.services.tokens.count(ctx.modelUsed, messages, texts);
  ctx.countedInputTokens = r.tokens;
  return r.tokens;
}

function needsTokenCount(ctx: CallContext): boolean {
  return ctx.services.policy.policy.routing.rules.some((r) => r.match.minInputTokens !== undefined || r.match.maxInputTokens !== undefined);
}

export const routeStage: Stage = async (ctx, next) => {
  const policy = ctx.services.policy.policy;
  if (!ctx.endpoint.billable || ctx.endpoint.id === 'embeddings' || !ctx.provider) return next();
  if (ctx.modelRequested !== 'auto' && policy.routing.rules.length === 0) return next();
  try {
    const decision = routeRequest({
      policy,
      provider: ctx.provider.name,
      model: ctx.modelUsed,
      messages: chatTexts(ctx.body),
      ...(ctx.tags.feature ? { feature: ctx.tags.feature } : {}),
      headers: ctx.req.headers,
      inputTokens: needsTokenCount(ctx) ? await inputTokens(ctx) : 0,
    });
    if (decision) {
      ctx.modelUsed = decision.model;
      ctx.body.model = decision.model;
      ctx.route = decision.header;
      ctx.extraHeaders['x-tollgate-route'] = decision.header;
      ctx.countedInputTokens = undefined; // the tokenizer may differ for the routed model
    }
  } catch (err) {
    if (err instanceof RoutingError) return failCall(ctx, 400, 'invalid_request_error', `Tollgate routing: ${err.message}`);
    throw err;
  }
  await next();
};

function maxOutputTokens(body: Json): number | undefined {
  for (const k of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const v = body[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

export function admitStage(governor: Governor): Stage {
  return async (ctx, next) => {
    const policy = ctx.services.policy.policy;
    if (!ctx.endpoint.billable || (policy.budgets.length === 0 && policy.rateLimits.length === 0)) return next();
    const limit = maxOutputTokens(ctx.body);
    const result = governor.admit({
      identity: { keyFingerprint: ctx.keyFingerprint, ...ctx.tags },
      // Tiers and prices are keyed by provider name (an openrouter provider is not priced as openai).
      provider: ctx.provider?.name ?? 'openai',
      model: ctx.modelUsed,
      inputTokens: await inputTokens(ctx),
      ...(limit !== undefined ? { maxOutputTokens: limit } : {}),
    });
    Object.assign(ctx.extraHeaders, result.headers);
    if (result.summary) ctx.budget = result.summary;
    if (result.decision === 'block') {
      const retryAfter: Record<string, string> = result.retryAfterSec !== undefined ? { 'retry-after': String(result.retryAfterSec) } : {};
      return failCall(ctx, 429, ctx.endpoint.protocol === 'anthropic' ? 'rate_limit_error' : 'budget_exceeded', result.message ?? 'Tollgate: budget exceeded.', retryAfter);
    }
    if (result.decision === 'downgrade' && result.downgradeTo) {
      ctx.modelUsed = result.downgradeTo;
      ctx.body.model = result.downgradeTo;
    }
    try {
      await next();
    } finally {
      if (result.reservationId) {
        const tokens = (ctx.usage?.inputTokens ?? 0) + (ctx.usage?.outputTokens ?? 0);
        if (ctx.costUsd > 0 || tokens > 0) governor.settle(result.reservationId, { costUsd: ctx.costUsd, tokens });
        else governor.release(result.reservationId);
      }
    }
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Clears what one failed attempt left on the context, so the next attempt gets a fresh ledger row. */
function resetForNextAttempt(ctx: CallContext): void {
  ctx.attempt += 1;
  ctx.recorded = false;
  ctx.status = 0;
  ctx.errorType = undefined;
  ctx.usage = undefined;
  ctx.costUsd = 0;
  ctx.priced = false;
  ctx.tokensEstimated = false;
  ctx.responseHeaders = {};
  ctx.upstreamMs = 0;
}

/** Forward with retries (exponential backoff + jitter, honouring retry-after), then fallbacks. */
export const forwardWithRetries: Stage = async (ctx) => {
  const policy = ctx.services.policy.policy;
  const fallbacks = ctx.provider ? fallbackTargets(ctx.modelUsed, ctx.provider.name, policy) : [];
  let retriesOnTarget = 0;
  for (;;) {
    try {
      await callUpstream(ctx);
      return;
    } catch (err) {
      if (!(err instanceof RetryableUpstreamError)) throw err;
      retriesOnTarget += 1;
      const decision = retryDecision(
        { attempt: retriesOnTarget, ...(err.status !== undefined ? { status: err.status } : {}), ...(err.kind ? { errorKind: err.kind } : {}), ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}) },
        policy.retries,
      );
      // Flex without capacity: straight back at the default tier, before any retry or fallback.
      const toDefaultTier = flexFallback(ctx, err.status);
      const next = decision.retry || toDefaultTier ? undefined : fallbacks.shift();
      if (!decision.retry && !next && !toDefaultTier) {
        err.respond();
        return;
      }
      // Record the failed attempt as its own ledger row, then try again.
      ctx.status = err.status ?? (err.kind === 'timeout' ? 504 : 502);
      ctx.errorType = err.status ? `upstream_${err.status}` : `upstream_${err.kind ?? 'error'}`;
      writeLedgerRow(ctx);
      resetForNextAttempt(ctx);
      if (toDefaultTier) {
        retriesOnTarget = 0; // no wait: the default tier has its own capacity
      } else if (decision.retry) {
        await sleep(decision.delayMs);
      } else if (next) {
        const provider = ctx.services.providers().get(next.provider);
        // A fallback must speak the client's protocol: Tollgate does not translate request bodies.
        if (!provider || provider.kind !== ctx.endpoint.protocol) {
          err.respond();
          return;
        }
        ctx.provider = provider;
        ctx.modelUsed = next.model;
        ctx.body.model = next.model;
        ctx.extraHeaders['x-tollgate-fallback'] = `${next.provider}/${next.model}`;
        retriesOnTarget = 0;
      }
      if (ctx.res.destroyed) {
        ctx.status = 499;
        ctx.errorType = 'client_closed_request';
        return;
      }
    }
  }
};
