/**
 * Governance in the pipeline, one stage per concern:
 *  - route (before the cache, since the model is part of the key): `model: "auto"` or a policy
 *    rule picks a tier's model; the response says where it went and why;
 *  - switched off (before the caches): a $0 budget with action block refuses even a free hit;
 *  - admit (after the caches, so free hits are otherwise never blocked): budgets and rate limits
 *    reserve the worst-case cost before forwarding and settle to the real cost after.
 * The governor returns plain decisions; the header text it adds is formatted here.
 */
import { isInFlightHold } from '../../../contract/api';
import { budgetPercent } from '../../../contract/format';
import { maxOutputTokens as catalogueMaxOutput, reasonsByDefault } from '../analysis/cost/max-output';
import { isoSeconds } from '../governance/format';
import type { Governor } from '../governance/governor';
import type { AdmitResult, BudgetMark } from '../governance/types';
import { isDiskFull, isWriteRefused, sqliteCodeName } from '../ledger/writeRefused';
import { arr, obj, type Json } from '../providers/types';
import { namedModelProvider } from '../policy/modelProvider';
import type { Policy, ResolvedProvider } from '../policy/schema';
import { globMatch } from '../routing/glob';
import { isAutoModel, RoutingError, routeRequest, type RouteDecision } from '../routing/route';
import { routingAsk, type ChatText } from '../routing/features';
import { carriesImages } from '../routing/vision';
import type { CallContext, Stage } from './context';
import { countInputTokens, imagesOnlyOutput, pricingModel, pricingProvider, reservationExtras, reservationInputTokens } from './cost';
import { partsText } from './parse';
import { failCall } from './errors';
import { switchProvider } from './providerSwitch';

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
  // A legacy completions prompt as the token estimate reads it (cost.ts inputParts): a string, or a
  // list of strings completed in one call, each a user turn (as a Responses `input` list's strings).
  // Token ids (`[9906, 1917]`, or a list of such) are counted there but hold no text to read.
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : arr(body.prompt);
  for (const p of prompts) if (typeof p === 'string') out.push({ role: 'user', text: p });
  return out;
}

function needsTokenCount(policy: Policy): boolean {
  return policy.routing.rules.some((r) => r.match.minInputTokens !== undefined || r.match.maxInputTokens !== undefined);
}


/**
 * Where a rule's exact `model` is served: the provider the policy names for it (a `provider/` prefix,
 * a provider's `models` glob, its tiers) when that provider speaks the request's protocol — a rule
 * `model: groq/llama-3.3-70b-versatile` sends the call to groq, without the prefix (with groq's
 * environment key when the call had the first provider's: providerSwitch.ts). Undefined keeps the
 * request's provider: no provider named, a provider of the other protocol (bodies are not
 * translated; `policy validate` warns at such a rule), one outside the rule's `match.provider`, or
 * one the client chose with `x-tollgate-provider`.
 */
function ruleTarget(ctx: CallContext, policy: Policy, decision: RouteDecision): { provider: ResolvedProvider; model: string } | undefined {
  if (!ctx.provider || ctx.req.headers['x-tollgate-provider'] !== undefined) return undefined;
  const target = namedModelProvider(policy, decision.model, ctx.services.providers(), ctx.endpoint.protocol);
  if (!target || target.provider.kind !== ctx.endpoint.protocol) return undefined;
  // A rule limited to providers the target is not among keeps them (policy/modelProvider.ts agrees).
  const only = decision.ruleProvider;
  if (only !== undefined && !globMatch(only, target.provider.name)) return undefined;
  return target;
}

export const routeStage: Stage = async (ctx, next) => {
  const policy = ctx.services.policy.policy;
  // Tiers and rules name chat models: an embedding, image or audio call keeps the model it asked for.
  if (!ctx.endpoint.billable || !ctx.endpoint.routable || !ctx.provider) return next();
  if (!isAutoModel(ctx.modelRequested) && policy.routing.rules.length === 0) return next();
  let after: (() => void) | undefined;
  try {
    const messages = chatTexts(ctx.body);
    // What the router reads of the conversation, once: features, embedding and memory all use it.
    const ask = routingAsk(messages);
    const router = policy.routing.router === 'learned' ? ctx.services.router : undefined;
    const decision = routeRequest({
      policy,
      provider: ctx.provider.name,
      model: ctx.modelUsed,
      messages,
      ask,
      ...(ctx.tags.feature ? { feature: ctx.tags.feature } : {}),
      headers: ctx.req.headers,
      // A tier whose model reads no images is passed over for a request that carries some.
      images: carriesImages(ctx.body),
      inputTokens: needsTokenCount(policy) ? await countInputTokens(ctx) : 0,
      ...(router ? await router.inputsFor(messages, ctx, ask) : { embeddingUnavailable: 'no embedder' }),
    });
    if (decision?.tier) router?.remember(ctx.requestId, messages, ask);
    if (decision?.tier && ctx.services.router) after = () => ctx.services.router!.afterCall(policy, ctx, decision.tier!, messages);
    if (decision) {
      // The policy the decision came from: a reload while the stage awaited must not mix two policies.
      const moved = decision.tier === undefined ? ruleTarget(ctx, policy, decision) : undefined;
      if (moved) switchProvider(ctx, moved.provider, moved.model);
      else {
        ctx.modelUsed = decision.model;
        ctx.body.model = decision.model;
      }
      ctx.route = decision.header;
      ctx.extraHeaders['x-tollgate-route'] = decision.header;
      ctx.countedInputTokens = undefined; // the tokenizer may differ for the routed model
    }
  } catch (err) {
    if (err instanceof RoutingError) return failCall(ctx, 400, 'invalid_request_error', `Tollgate routing: ${err.message}`);
    throw err;
  }
  await next();
  after?.(); // quality sampling, in the background
};

function maxOutputTokens(body: Json): number | undefined {
  for (const k of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    const v = body[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}

/**
 * The most output a call can generate: its limit (or the policy default) once per choice asked
 * for. OpenAI's `n` generates n choices and `best_of` (legacy completions) that many server-side,
 * each billed up to the limit: reserved for one choice, a call could cost n times its reservation
 * and concurrent calls overshoot a budget by far more than one. Undefined when the default applies
 * to a single choice.
 *
 * A model that reasons by default (o-series, gpt-5, Gemini 2.5) spends hidden thinking tokens out of
 * the same output, so without a limit it bills far past the policy default (o3 up to 100,000
 * tokens): it reserves its catalogue maximum output instead, never less than the default.
 */
function outputReservation(body: Json, fallback: number, model: string): number | undefined {
  const limit = maxOutputTokens(body) ?? (reasonsByDefault(model) ? Math.max(fallback, catalogueMaxOutput(model) ?? fallback) : undefined);
  const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v > 1 ? Math.min(v, 128) : 1);
  const choices = Math.max(count(body.n), count(body.best_of));
  return choices === 1 ? limit : (limit ?? fallback) * choices;
}

/** `warn; name=team-daily; used=83%; resets=2026-11-24T00:00:00Z` (exceeded adds the action). */
export function budgetHeader(m: BudgetMark): string {
  const parts = [m.level, `name=${m.budget}`, `used=${budgetPercent(m.used)}%`, `resets=${isoSeconds(m.resetsAt)}`];
  if (m.level === 'exceeded') parts.push(`action=${m.action}`);
  return parts.join('; ');
}

/** The response headers of an admission: x-tollgate-budget, -ratelimit, -downgrade and retry-after. */
export function admitHeaders(r: AdmitResult): Record<string, string> {
  const h: Record<string, string> = {};
  const d = r.downgrade;
  if (d) h['x-tollgate-downgrade'] = d.to !== d.from ? `${d.from} -> ${d.to}; budget=${d.budget}` : `${d.from} (already the cheapest tier); budget=${d.budget}`;
  if (r.marks.length > 0) h['x-tollgate-budget'] = r.marks.map(budgetHeader).join(', ');
  const l = r.rateLimit;
  if (l) h['x-tollgate-ratelimit'] = `name=${l.name}; ${l.rpm !== undefined ? `rpm=${l.rpm}; ` : ''}${l.tpm !== undefined ? `tpm=${l.tpm}; ` : ''}window=${l.windowS}s`;
  if (r.decision === 'block' && r.retryAfterSec !== undefined) h['retry-after'] = String(r.retryAfterSec);
  return h;
}

/**
 * A 429 in the client's protocol. A rate-limit refusal is labelled as the provider labels its own
 * (OpenAI: code `rate_limit_exceeded`, type `tokens` or `requests` on api.openai.com — Tollgate uses
 * `rate_limit_exceeded` for both; Anthropic: `rate_limit_error`), a budget refusal `budget_exceeded`
 * (Anthropic has no such type: `rate_limit_error`), with code `insufficient_quota` once it is spent.
 * The ledger's errorType is the reason (`rate_limit_exceeded` or `budget_exceeded`) on both
 * protocols, so the dashboard tells them apart.
 */
function refuse(ctx: CallContext, result: AdmitResult): void {
  const reason = result.rateLimit !== undefined ? 'rate_limit_exceeded' : 'budget_exceeded';
  const type = ctx.endpoint.protocol === 'anthropic' ? 'rate_limit_error' : reason;
  const message = result.message ?? (reason === 'rate_limit_exceeded' ? 'Tollgate: rate limit exceeded.' : 'Tollgate: budget exceeded.');
  const headers: Record<string, string> = result.retryAfterSec !== undefined ? { 'retry-after': String(result.retryAfterSec) } : {};
  // A budget that is spent (not one held by calls in flight, which settle in seconds) stays spent
  // until its reset, hours away: an automatic retry only repeats the refusal. Codex slept for the
  // whole `retry-after` (a day, silently "Reconnecting... 1/5"); OpenAI's `insufficient_quota` code
  // (its own "out of credit") makes it stop, as it does other retry helpers, and `x-should-retry:
  // false` stops the OpenAI and Anthropic SDKs at once instead of after their own retries.
  const spent = reason === 'budget_exceeded' && !isInFlightHold(result.summary);
  if (spent) headers['x-should-retry'] = 'false';
  // OpenAI SDKs and retry helpers key off `code: rate_limit_exceeded`.
  const code = reason === 'rate_limit_exceeded' ? reason : spent ? 'insufficient_quota' : undefined;
  failCall(ctx, 429, type, message, headers, { reason, ...(code !== undefined ? { code } : {}) });
}

/**
 * A budget cannot hold a call it cannot record: when SQLite refuses the reservation (the disk is
 * full, another program holds the file's write lock), the call is refused with a 503 that says so
 * — not relayed unaccounted, and not a bare 500 the SDKs retry at once. Nothing was forwarded.
 * A refusal waiting cannot mend (a trigger or constraint a newer version put on the file, a
 * read-only file) is a 503 with `x-should-retry: false` naming SQLite's code: it was a generic 500
 * the SDKs retried twice.
 */
let refusalLoggedAt = 0;

/** What a refused reservation tells the log (its cause) and the client (why, retry headers, ledger reason). */
function reservationRefusal(err: unknown, code: string): { cause: string; why: string; headers: Record<string, string>; reason: string } {
  if (!isWriteRefused(err)) {
    const cause = `${code}: ${err instanceof Error ? err.message : String(err)}`;
    return { cause, why: `its data file refused the write (${code}); see the proxy log`, headers: { 'x-should-retry': 'false' }, reason: 'data_file_refused' };
  }
  if (isDiskFull(err)) return { cause: 'disk full', why: "the disk holding Tollgate's data directory is full: free some space", headers: { 'x-should-retry': 'false' }, reason: 'disk_full' };
  return {
    cause: 'file busy',
    why: 'another program holds the write lock on its data file (a second proxy, the CLI, a sqlite3 shell): try again shortly',
    headers: { 'retry-after': '1' },
    reason: 'data_file_busy',
  };
}

function admitOrRefuse(ctx: CallContext, admit: () => AdmitResult): AdmitResult | undefined {
  try {
    return admit();
  } catch (err) {
    const code = sqliteCodeName(err);
    if (code === undefined) throw err;
    const refusal = reservationRefusal(err, code);
    // Logged once a minute at most: every call under a budget meets it while it lasts.
    if (Date.now() - refusalLoggedAt > 60_000) {
      refusalLoggedAt = Date.now();
      ctx.services.log.warn(`budget reservation refused by SQLite (${refusal.cause}); calls under budgets or rate limits are refused until it can write`);
    }
    failCall(ctx, 503, 'api_error', `Tollgate cannot record this call's budget use, so it was not forwarded: ${refusal.why}.`, refusal.headers, { reason: refusal.reason });
    return undefined;
  }
}

/** Before the caches: a caller a $0 block budget switched off gets no answer, not even a free hit. */
export function switchedOffStage(governor: Governor): Stage {
  return async (ctx, next) => {
    if (ctx.services.policy.policy.budgets.length === 0 || !ctx.endpoint.billable) return next();
    const result = governor.switchedOff({ keyFingerprint: ctx.keyFingerprint, ...ctx.tags });
    if (!result) return next();
    Object.assign(ctx.extraHeaders, admitHeaders(result));
    if (result.summary) ctx.budget = result.summary;
    refuse(ctx, result);
  };
}

export function admitStage(governor: Governor): Stage {
  return async (ctx, next) => {
    const policy = ctx.services.policy.policy;
    if (policy.budgets.length === 0 && policy.rateLimits.length === 0) return next();
    const identity = { keyFingerprint: ctx.keyFingerprint, ...ctx.tags };
    if (!ctx.endpoint.billable) {
      // A poll or a cancel costs nothing and is not admitted, but its answer may carry the bill of
      // a background response (pipeline/cost.ts): that goes to the budgets without a reservation.
      await next();
      const tokens = (ctx.usage?.inputTokens ?? 0) + (ctx.usage?.outputTokens ?? 0);
      if (ctx.costUsd > 0 || tokens > 0) governor.charge(identity, { costUsd: ctx.costUsd, tokens, ts: ctx.ts });
      return;
    }
    // An Images API call whose images are estimated (reservationExtras) writes no text to reserve:
    // the policy's text-output default on top held a low-quality gpt-image-1 image at ~16 times its bill.
    const limit = ctx.endpoint.noOutput || imagesOnlyOutput(ctx) ? 0 : outputReservation(ctx.body, policy.defaults.maxOutputTokens, pricingModel(ctx));
    // Never waits for the token worker's encoders (an upper bound until they are built).
    const inputTokens = await reservationInputTokens(ctx);
    const result = admitOrRefuse(ctx, () => governor.admit({
      identity,
      // Tiers are keyed by the policy's provider name; prices by what the ledger bills the call as.
      provider: ctx.provider?.name ?? 'openai',
      pricedAs: pricingProvider(ctx) ?? 'openai',
      model: ctx.modelUsed,
      pricedModel: pricingModel(ctx),
      inputTokens,
      // A downgrade passes over tiers whose model reads no images, as `auto` routing does.
      images: carriesImages(ctx.body),
      ...reservationExtras(ctx, inputTokens),
      ...(limit !== undefined ? { maxOutputTokens: limit } : {}),
      ...(ctx.endpoint.routable ? {} : { noDowngrade: `${ctx.req.path} has no cheaper tier to downgrade to (the routing tiers are chat models)` }),
    }));
    if (!result) return;
    Object.assign(ctx.extraHeaders, admitHeaders(result));
    if (result.summary) ctx.budget = result.summary;
    if (result.decision === 'block') return refuse(ctx, result);
    if (result.decision === 'downgrade' && result.downgrade) {
      ctx.modelUsed = result.downgrade.to;
      ctx.body.model = result.downgrade.to;
      // The forward stage keeps fallbacks at or below this price (a fallback must not undo it).
      ctx.downgradedTo = { provider: ctx.provider?.name ?? 'openai', model: result.downgrade.to, budget: result.downgrade.budget };
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
