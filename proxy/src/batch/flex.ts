/**
 * Flex processing for synchronous callers that can wait: a request matching a `routing.flex` rule
 * goes to OpenAI with `service_tier: "flex"` (batch prices, slower, sometimes no capacity), with the
 * rule's longer timeout. When the provider answers 429 (flex capacity unavailable) the retry stage
 * sends it once more at the default tier (see `flexFallback`). A rule that matches a provider or
 * model without flex is reported once in the log and said in `x-tollgate-route`, never ignored silently.
 */
import type { CallContext, Stage } from '../pipeline/context';
import { ruleMatches } from '../routing/route';
import type { ResolvedProvider } from '../policy/schema';
import { type Discount, flexDiscount } from './discounts';
import { batchUpstream } from './rates';

const FLEX_ENDPOINTS = new Set(['chat.completions', 'responses']);
const reported = new Set<string>();

/**
 * The flex tier this provider's upstream bills a model at, if any: FLEX_TIERS looked up by what the
 * upstream is (batchUpstream: its host, Azure's marks, else a name that is exactly `openai`), not by
 * what the policy calls it. By name, OpenAI itself named `openai-prod` sent no flex request and was
 * billed at standard rates, and an OpenAI-compatible server named `openai` was sent
 * `service_tier: "flex"` and billed at half price. `ask` false (Azure): bill its flex answers, but
 * never send a request there at flex.
 */
export function flexTierOf(p: Pick<ResolvedProvider, 'name' | 'baseUrl' | 'kind' | 'authHeader'>, model: string): (Discount & { ask: boolean }) | undefined {
  return flexDiscount(batchUpstream(p), model);
}

function appendRoute(ctx: CallContext, part: string): void {
  const route = ctx.route ? `${ctx.route}; ${part}` : part;
  ctx.route = route;
  ctx.extraHeaders['x-tollgate-route'] = route;
}

export const flexStage: Stage = async (ctx, next) => {
  const rules = ctx.services.policy.policy.routing.flex;
  if (rules.length === 0 || !ctx.provider || !FLEX_ENDPOINTS.has(ctx.endpoint.id) || ctx.body.service_tier !== undefined) return next();
  const provider = ctx.provider.name;
  const rule = rules.find((r) =>
    ruleMatches(r, {
      model: ctx.modelUsed,
      provider,
      headers: ctx.req.headers,
      inputTokens: ctx.countedInputTokens ?? 0,
      ...(ctx.tags.feature ? { feature: ctx.tags.feature } : {}),
    }),
  );
  if (!rule) return next();
  const tier = flexTierOf(ctx.provider, ctx.modelUsed);
  if (!tier?.ask) {
    const key = `${rule.name}|${ctx.provider.name}|${ctx.modelUsed}`;
    if (!reported.has(key)) {
      // Keyed by the model a client asked for (typos included): bounded, at worst a warning repeated.
      if (reported.size >= 1_000) reported.clear();
      reported.add(key);
      const why = tier ? `Tollgate does not ask ${ctx.provider.name} for flex (Azure answers 400 for a deployment without it; set service_tier yourself where it has)` : `${ctx.provider.name} offers no flex tier for ${ctx.modelUsed}`;
      ctx.services.log.warn(`flex rule "${rule.name}": ${why}; such requests go at the default tier`);
    }
    appendRoute(ctx, `flex unavailable for ${ctx.modelUsed}; rule=${rule.name}`);
    return next();
  }
  ctx.body.service_tier = 'flex';
  ctx.serviceTier = 'flex';
  ctx.upstreamTimeoutMs = rule.timeoutMs;
  appendRoute(ctx, `flex; rule=${rule.name}`);
  return next();
};

/** After a failed attempt: a flex request the provider had no capacity for (429 Resource Unavailable). */
export function isFlexRefusal(ctx: CallContext, status: number | undefined): boolean {
  return ctx.serviceTier === 'flex' && status === 429;
}

/** The next attempt goes at the default tier, at once; the response says why. */
export function switchToDefaultTier(ctx: CallContext): void {
  delete ctx.body.service_tier;
  ctx.serviceTier = undefined;
  ctx.upstreamTimeoutMs = undefined;
  appendRoute(ctx, 'fallback=default (flex capacity unavailable)');
}
