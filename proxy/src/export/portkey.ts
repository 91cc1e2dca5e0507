/**
 * Policy → Portkey gateway config (the JSON sent as `x-portkey-config` or saved as a Portkey config).
 *
 * Routes become a `conditional` strategy on request metadata (`metadata.feature`, sent by clients
 * in `x-portkey-metadata`) and parameters (`params.model`). A tier rule becomes one condition per way
 * the proxy picks the request's provider, so a request keeps its provider. Fallbacks are `fallback`
 * strategies without `on_status_codes` (Portkey then moves on after any non-2xx answer, as Tollgate
 * does), attached wherever their model is the target, rule targets included. Cache and retry sit at
 * the top and are inherited by every target; nothing overrides the client's max_tokens. What the
 * open-source gateway (1.15.2, see versions.ts) does differently is a warning: no budgets, rate limits
 * or cache store, 408/500 where Tollgate answers 504/502, a fixed retry backoff.
 */
import type { Policy, ResolvedProvider, Scope } from '../policy/schema';
import { DEFAULT_FIRST_BYTE_MS, ruleRoutes, TIERS } from '../policy/schema';
import { PROTOCOLS } from '../providers/protocol';
import { fromGlobsOn, globCovers, globsOverlap } from './globOverlap';
import { renderReadme } from './readme';
import type { ModelRef } from './shared';
import { azureResource, budgetCap, describeOwner, earlierOverlaps, fallbackChain, fallbackRef, globToRegex, isDefault, isGlob, namedModels, privateNetworkHost, providersOf, providerTierModel, resolveModelRef, retryStatuses, readsSemanticThreshold, scopeKinds, skipMonitorOnlyBudget, tierProviders, uniqueNamer, Warnings, warnAzureVersion, warnLocalOnly, warnRuleTarget, zeroLimit } from './shared';
import type { Json } from './stable';
import { stableJson } from './stable';
import { GATEWAY_PINS } from './versions';
import { globMatch } from '../routing/glob';
import type { ExportResult, ExportSource } from './types';

const TARGET = 'Portkey';
/** The status Portkey's gateway answers with when a target exceeds its request_timeout. */
const TIMEOUT_STATUS = 408;
/** Hosts the gateway trusts as custom_host when TRUSTED_CUSTOM_HOSTS is unset. */
const PORTKEY_TRUSTED_HOSTS = new Set(['localhost', '127.0.0.1', '::1', 'host.docker.internal']);
/** The range Portkey accepts for cache.max_age, in seconds. */
const PORTKEY_CACHE_MIN_AGE_S = 60;
const PORTKEY_CACHE_MAX_AGE_S = 7_776_000;
/** Node's default limit on a request's headers (http.maxHeaderSize), which the self-hosted gateway keeps. */
const NODE_MAX_HEADER_BYTES = 16_384;
type JsonObject = { [key: string]: Json };

/** A custom_host the gateway (1.15.2) refuses before reading TRUSTED_CUSTOM_HOSTS: an api.portkey URL, a host name not of a-z, 0-9, `.`, `-`. */
const alwaysRefused = (baseUrl: string): boolean => baseUrl.toLowerCase().includes('api.portkey') || !/^[a-z0-9.-]+$/.test(new URL(baseUrl).hostname);

/** Where Portkey's provider adapters expect the base URL to end (Anthropic's includes /v1, Tollgate's does not). */
function customHost(p: ResolvedProvider): string | undefined {
  if (p.baseUrl === PROTOCOLS[p.kind].defaultBaseUrl) return undefined;
  return p.kind === 'anthropic' ? `${p.baseUrl}/v1` : p.baseUrl;
}

function providerTarget(p: ResolvedProvider, model?: string): JsonObject {
  const azure = azureResource(p);
  if (azure) return azureTarget(p, azure, model);
  const t: JsonObject = {
    provider: p.kind === 'anthropic' ? 'anthropic' : 'openai',
    // Portkey takes the provider key from the config only (never from the client once a config is
    // sent) and cannot read the environment: a `${NAME}` placeholder is rendered at deploy time.
    api_key: `\${${p.apiKeyEnv}}`,
    request_timeout: p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS,
  };
  const host = customHost(p);
  if (host) t.custom_host = host;
  if (model !== undefined) t.override_params = { model };
  return t;
}

/**
 * Portkey's azure-openai provider: the key in `api-key` (an Entra ID token as Bearer through
 * azure_ad_token), the URL built from the resource name, or custom_host for other hosts (it appends
 * /deployments/<deployment_id>/…?api-version=…). The deployment comes from the config, not from
 * the request, so only a target that names its model has one (see azureRoutes).
 */
function azureTarget(p: ResolvedProvider, azure: NonNullable<ReturnType<typeof azureResource>>, model?: string): JsonObject {
  const t: JsonObject = { provider: 'azure-openai', api_version: azure.apiVersion, request_timeout: p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS };
  t[azure.entra ? 'azure_ad_token' : 'api_key'] = `\${${p.apiKeyEnv}}`;
  if (azure.resourceName !== undefined) t.resource_name = azure.resourceName;
  else t.custom_host = `${azure.endpoint}/openai`;
  if (model !== undefined) {
    t.deployment_id = model;
    t.override_params = { model };
  }
  return t;
}

function refTarget(ref: ModelRef): JsonObject {
  return providerTarget(ref.provider, ref.model);
}

/** Portkey tests `$regex` with `new RegExp(pattern)`, no `u` flag (its query router, @portkey-ai/gateway 1.15.2): a glob's `?` takes a surrogate pair whole. */
const regexOf = (glob: string): string => globToRegex(glob, '(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^])');

function matchValue(pattern: string): Json {
  return isGlob(pattern) ? { $regex: regexOf(pattern) } : { $eq: pattern };
}

/** A target that tries `ref` and then, on any failure, the fallbacks the proxy would try after it. */
function withFallbacks(policy: Policy, ref: ModelRef, track: (p: ResolvedProvider) => void): JsonObject {
  track(ref.provider);
  const chain = fallbackChain(policy, ref.provider, ref.model);
  if (chain.length === 0) return refTarget(ref);
  for (const c of chain) track(c.provider);
  // No on_status_codes: Portkey then moves on after any non-2xx answer, as Tollgate does.
  return { strategy: { mode: 'fallback' }, targets: [refTarget(ref), ...chain.map(refTarget)] };
}

/** How the proxy picks a request's provider, as Portkey queries, in the proxy's order; the last one (openai) matches everything. */
interface ProviderSelector {
  provider: ResolvedProvider;
  query?: JsonObject;
  /** A provider picked by its model globs: the globs, and the regex its query tests the model with. */
  models?: { globs: readonly string[]; regex: string };
}

function providerSelectors(policy: Policy, providers: ResolvedProvider[]): ProviderSelector[] {
  const out: ProviderSelector[] = [];
  const overlaps = earlierOverlaps(policy);
  const body = (globs: readonly string[]): string => globs.map((g) => regexOf(g).slice(1, -1)).join('|');
  for (const p of providers.filter((x) => x.models.length > 0 && x.name !== 'openai')) {
    // Conditions are tried in name order, the proxy's globs in its own: a name an earlier provider's
    // glob also matches is left to that provider (its condition, or the openai default) by a lookahead.
    const earlier = [...new Set((overlaps.get(p.name) ?? []).map((o) => o.glob))];
    // Every glob taken by an earlier one (two providers listing the same model): the condition could never match.
    if (p.models.every((g) => earlier.some((e) => globCovers(e, g)))) continue;
    const exclude = earlier.length > 0 ? `(?!(?:${body(earlier)})$)` : '';
    const regex = `^${exclude}(?:${body(p.models)})$`;
    // The proxy gives a provider only requests of its own protocol (chooseProvider): an
    // Anthropic-protocol request for a name an OpenAI-type provider's glob matches stays on
    // anthropic (Portkey's openai adapter would answer it 500 "messages is not supported").
    const path = { 'url.pathname': { [p.kind === 'anthropic' ? '$eq' : '$ne']: PROTOCOLS.anthropic.chatPath } };
    out.push({ provider: p, query: and({ 'params.model': { $regex: regex } }, path), models: { globs: p.models, regex } });
  }
  const anthropic = providers.find((p) => p.name === 'anthropic') as ResolvedProvider;
  if (anthropic.kind === 'anthropic') out.push({ provider: anthropic, query: { 'url.pathname': { $eq: PROTOCOLS.anthropic.chatPath } } });
  out.push({ provider: providers.find((p) => p.name === 'openai') as ResolvedProvider });
  return out;
}

/**
 * Whether a request for a model matching `pattern` can reach selector `s`'s condition: a model-glob
 * provider's globs must share a name with the pattern (one its query's regex accepts), and a
 * protocol selector (anthropic-protocol, the openai default) must not have every such name taken
 * first by a model-glob provider of its protocol.
 */
function canTake(selectors: ProviderSelector[], s: ProviderSelector, pattern: string): boolean {
  if (s.models) {
    const { globs, regex } = s.models;
    return globs.some((g) => [globsOverlap(g, pattern.replaceAll('*', 'x*')), globsOverlap(g, pattern)].some((w) => w !== undefined && new RegExp(regex).test(w)));
  }
  const before = selectors.slice(0, selectors.indexOf(s));
  return !before.some((o) => o.models && o.provider.kind === s.provider.kind && o.models.globs.some((g) => globCovers(g, pattern)) && !/\(\?!/.test(o.models.regex));
}

/** Models the policy names with a `provider/` prefix naming one of its providers, e.g. a fallback's `mistral/mistral-small-latest`. */
function prefixedNames(policy: Policy, providers: ResolvedProvider[]): string[] {
  const names = new Set(providers.map((p) => p.name));
  return namedModels(policy).filter((m) => {
    const slash = m.indexOf('/');
    return slash > 0 && names.has(m.slice(0, slash));
  });
}

/**
 * Globs in the policy with a `provider/` prefix naming one of its providers: a fallback's `from`, a
 * provider's `models` (a rule's prefixed `match.model` never matches in Tollgate: policy validate). The proxy strips the prefix from any name they match;
 * Portkey can only rewrite exact names (one condition each).
 */
function prefixedGlobs(policy: Policy, providers: ResolvedProvider[]): Array<{ field: string; name: string; provider: string; server?: ResolvedProvider }> {
  const names = new Set(providers.map((p) => p.name));
  const out: Array<{ field: string; name: string; provider: string; server?: ResolvedProvider }> = [];
  const check = (field: string, name: string | undefined, server?: ResolvedProvider): void => {
    const slash = name?.indexOf('/') ?? -1;
    if (name !== undefined && slash > 0 && names.has(name.slice(0, slash)) && isGlob(name)) out.push({ field, name, provider: name.slice(0, slash), ...(server ? { server } : {}) });
  };
  policy.fallbacks.forEach((f, i) => check(`fallbacks[${i}].from`, f.from));
  for (const p of providers) p.models.forEach((g, j) => check(`providers.${p.name}.models[${j}]`, g, p));
  return out;
}

/** One fallback condition of a provider's requests: the model test, and the chain Tollgate tries after the model. */
interface FallbackRoute {
  /** The fallbacks (policy indices) whose `from` the models it takes match. */
  indices: number[];
  match: Json;
  chain: ModelRef[];
  /** It takes every request of its provider, whose own condition could then never match. */
  covers: boolean;
}

/** Regions of overlapping fallback globs one provider's conditions spell out at most; past it, warned. */
const MAX_FALLBACK_REGIONS = 64;

/**
 * The fallback conditions for requests the proxy gives selector `s`, in the order Portkey must try
 * them. The proxy merges the `to` lists of every fallback matching a model (in policy order, the
 * failing model left out), Portkey takes the first condition that matches: so a model matching
 * several globs gets one condition per set of globs it can match together (`gpt-4o*` and `*-mini`),
 * larger sets first, and a name the policy names (an exact `from`, a `to` model the globs match)
 * its own `$eq` condition where its chain differs from its globs' (it is not tried after itself).
 */
function fallbackRoutes(policy: Policy, providers: ResolvedProvider[], selectors: ProviderSelector[], s: ProviderSelector, w: Warnings): FallbackRoute[] {
  // A `name/…` from applies to provider name's requests only, matched without the prefix. Any other
  // from also takes the models whose `provider/model` it matches, as the proxy's does: `*/gpt-4o`
  // takes a plain gpt-4o request, which Portkey sees without the provider.
  const applicable: Array<{ index: number; pattern: string }> = [];
  policy.fallbacks.forEach((f, index) => {
    const slash = f.from.indexOf('/');
    const named = slash > 0 ? providers.find((p) => p.name === f.from.slice(0, slash)) : undefined;
    const patterns = named ? [f.from.slice(slash + 1)] : fromGlobsOn(f.from, s.provider.name);
    if (!named || named.name === s.provider.name) for (const pattern of patterns) if (canTake(selectors, s, pattern)) applicable.push({ index, pattern });
  });
  const groups: Array<{ pattern: string; indices: number[] }> = [];
  for (const a of applicable.filter((x) => isGlob(x.pattern))) {
    const g = groups.find((x) => x.pattern === a.pattern);
    if (g) g.indices.push(a.index);
    else groups.push({ pattern: a.pattern, indices: [a.index] });
  }
  const key = (chain: ModelRef[]): string => chain.map((c) => `${c.provider.name}/${c.model}`).join('\u0000');
  const indicesOf = (gs: typeof groups): number[] => [...new Set(gs.flatMap((g) => g.indices))].sort((a, b) => a - b);
  const out: FallbackRoute[] = [];

  const names = new Set(applicable.filter((a) => !isGlob(a.pattern)).map((a) => a.pattern));
  for (const a of applicable)
    for (const t of policy.fallbacks[a.index]!.to) {
      const ref = fallbackRef(providers, s.provider, t);
      if (ref.provider === s.provider) names.add(ref.model);
    }
  for (const name of names) {
    const matched = applicable.filter((a) => globMatch(a.pattern, name));
    if (matched.length === 0 || !canTake(selectors, s, name)) continue;
    const chain = fallbackChain(policy, s.provider, name);
    const globs = groups.filter((g) => globMatch(g.pattern, name));
    if (globs.length > 0 && key(chain) === key(fallbackChain(policy, s.provider, new Set(indicesOf(globs))))) continue;
    out.push({ indices: [...new Set(matched.map((a) => a.index))], match: { $eq: name }, chain, covers: false });
  }

  // Every set of globs that can match one name together, unless a glob outside it covers one inside
  // (then no name matches the set alone, and its condition could never be taken).
  let regions: Array<typeof groups> = [];
  const grow = (chosen: typeof groups, from: number): void => {
    for (let j = from; j < groups.length && regions.length <= MAX_FALLBACK_REGIONS; j++) {
      const g = groups[j]!;
      if (!chosen.every((c) => globsOverlap(c.pattern, g.pattern) !== undefined)) continue;
      regions.push([...chosen, g]);
      grow([...chosen, g], j + 1);
    }
  };
  grow([], 0);
  const complete = regions.length <= MAX_FALLBACK_REGIONS;
  regions = regions.filter((r) => !groups.some((q) => !r.includes(q) && r.some((p) => globCovers(q.pattern, p.pattern))));
  if (!complete) {
    w.add('fallbacks', `more than ${MAX_FALLBACK_REGIONS} combinations of overlapping fallback globs for provider ${s.provider.name}: ${TARGET} takes the first matching condition, so a model matching several gets only the first fallback's targets there, where Tollgate tries every matching fallback's in turn`);
    regions = groups.map((g) => [g]);
  }
  regions.sort((a, b) => b.length - a.length);
  for (const r of regions) {
    const body = (p: string): string => regexOf(p).slice(1, -1);
    const match = r.length === 1 ? matchValue(r[0]!.pattern) : { $regex: `^${r.map((g) => `(?=${body(g.pattern)}$)`).join('')}` };
    const covers = r.length === 1 && (s.models ? s.models.globs.every((g) => globCovers(r[0]!.pattern, g)) : globCovers(r[0]!.pattern, '*'));
    const indices = indicesOf(r);
    out.push({ indices, match, chain: fallbackChain(policy, s.provider, new Set(indices)), covers });
  }
  return out;
}

/** Both queries, as one flat `$and` (Portkey reads only the `$and` of an object that has one). */
function and(a: JsonObject, b: JsonObject | undefined): JsonObject {
  const parts = [a, b].flatMap((q): Json[] => (!q || Object.keys(q).length === 0 ? [] : Array.isArray(q.$and) ? q.$and : [q]));
  return parts.length === 1 ? (parts[0] as JsonObject) : parts.length === 0 ? {} : { $and: parts };
}

export function exportPortkey(policy: Policy, source: ExportSource): ExportResult {
  const w = new Warnings();
  warnLocalOnly(policy, w, TARGET);
  const providers = providersOf(policy);
  const used = new Set<string>();
  const track = (p: ResolvedProvider): void => {
    used.add(p.name);
  };
  const selectors = providerSelectors(policy, providers);
  const selectorName = (s: ProviderSelector): string => (s.query?.['url.pathname'] ? 'provider-anthropic-protocol' : `provider-${s.provider.name}`);

  const conditions: Json[] = [];
  const named: JsonObject[] = [];
  const ruleName = uniqueNamer(['default']);

  // Route rules first, in policy order (Portkey takes the first condition that matches, as Tollgate does).
  policy.routing.rules.forEach((r, i) => {
    const field = `routing.rules[${i}]`;
    if (readsSemanticThreshold(policy, r)) w.add(`${field}.semanticThreshold`, `${TARGET} has no similarity threshold per route (nor a configurable one at all)`);
    if (!ruleRoutes(r)) return;
    const m = r.match;
    const skipped: string[] = [];
    if (m.header !== undefined) skipped.push('match.header');
    if (m.provider !== undefined) skipped.push('match.provider');
    if (m.minInputTokens !== undefined) skipped.push('match.minInputTokens');
    if (m.maxInputTokens !== undefined) skipped.push('match.maxInputTokens');
    if (skipped.length > 0) {
      for (const s of skipped)
        w.add(`${field}.${s}`, `${TARGET} conditions see request metadata and parameters only, not ${s === 'match.header' ? 'arbitrary headers' : s === 'match.provider' ? "the provider Tollgate resolved" : 'token counts'}; rule "${r.name}" is not exported rather than exported broader than it is, so requests it matches keep their model on ${TARGET}`);
      return;
    }
    const query: JsonObject = {};
    if (m.feature !== undefined) query['metadata.feature'] = matchValue(m.feature);
    if (m.model !== undefined) query['params.model'] = matchValue(m.model);
    // An empty model is no model: the proxy then routes by the rule's tier (route.ts tests `rule.model` for truth).
    if (r.model) {
      warnRuleTarget(policy, w, TARGET, i);
      const name = ruleName(`rule-${r.name}`);
      conditions.push({ query, then: name });
      named.push({ name, ...withFallbacks(policy, resolveModelRef(policy, r.model), track) });
      return;
    }
    if (r.tier === undefined) return w.add(field, `rule "${r.name}" names neither a model nor a tier; there is nothing to route to`);
    // A tier rule keeps the request on its own provider: one condition per way the proxy picks a
    // provider, each sending to that provider's tier model (or, without tiers, leaving the request alone).
    const served = tierProviders(policy, r.tier);
    if (served.length === 0) return w.add(`${field}.tier`, `no provider configures the "${r.tier}" tier, so rule "${r.name}" has no target`);
    for (const s of selectors) {
      if (!canTake(selectors, s, m.model ?? '*')) continue;
      const ref = providerTierModel(policy, s.provider, r.tier);
      if (ref) {
        const name = ruleName(`rule-${r.name}-${selectorName(s).replace(/^provider-/, '')}`);
        conditions.push({ query: and(query, s.query), then: name });
        named.push({ name, ...withFallbacks(policy, ref, track) });
      } else {
        conditions.push({ query: and(query, s.query), then: 'default' });
      }
    }
  });

  // Default, as the proxy chooses: fallbacks by requested model, then the provider whose model
  // globs match, else anthropic for Anthropic-protocol requests (/v1/messages), else openai.
  const byModel: Json[] = [];
  const targets: JsonObject[] = [];
  const defaultName = uniqueNamer();
  let openaiTarget = 'provider-openai';
  // The proxy sends `name/model` to provider `name` with the prefix removed; a Portkey condition
  // cannot rewrite the model, so each prefixed name the policy itself names gets its own condition
  // (first: the proxy reads the prefix before globs and fallbacks) with the bare model as override.
  const prefixed = prefixedNames(policy, providers);
  for (const name of prefixed) {
    const ref = resolveModelRef(policy, name);
    // The proxy only honours a prefix naming a provider of the request's protocol.
    const query = and({ 'params.model': { $eq: name } }, { 'url.pathname': { [ref.provider.kind === 'anthropic' ? '$eq' : '$ne']: PROTOCOLS.anthropic.chatPath } });
    const target = defaultName(`prefixed-${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}`);
    byModel.push({ query, then: target });
    targets.push({ name: target, ...withFallbacks(policy, ref, track) });
  }
  // Portkey's Azure targets carry their deployment, so a request reaches an Azure provider's
  // deployment only through a condition naming its model: one per model the policy names there.
  const azureNamed = new Map<string, string[]>();
  for (const name of namedModels(policy)) {
    if (prefixed.includes(name) || isGlob(name)) continue;
    const ref = resolveModelRef(policy, name);
    if (!azureResource(ref.provider) || ref.model !== name) continue;
    azureNamed.set(ref.provider.name, [...(azureNamed.get(ref.provider.name) ?? []), name]);
    const target = defaultName(`azure-${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}`);
    byModel.push({ query: and({ 'params.model': { $eq: name } }, { 'url.pathname': { $ne: PROTOCOLS.anthropic.chatPath } }), then: target });
    targets.push({ name: target, ...withFallbacks(policy, ref, track) });
  }
  for (const p of providers)
    if (azureResource(p) && p.models.some(isGlob))
      w.add(
        `providers.${p.name}.models`,
        `${TARGET}'s azure-openai provider takes the deployment from the config, not from the request, so only the models the policy names for provider ${p.name} (${(azureNamed.get(p.name) ?? []).join(', ') || 'none'}) reach their deployment; any other model matching ${p.models.filter(isGlob).join(', ')}, which Tollgate sends to the deployment of that name, reaches Azure without one and fails. Name each deployment in the policy (an exact entry in models)`,
      );
  // Only where the policy itself names `provider/model`s (its clients use the prefix): the exact
  // names have their own condition above, and any other prefixed request keeps its prefix on Portkey.
  if (prefixed.length > 0)
    w.add(
      'providers',
      `Tollgate sends a model asked for as "<provider>/<model>" to that provider without the prefix; a ${TARGET} config cannot rewrite the requested model, so only the prefixed names the policy names (${prefixed.join(', ')}) are routed that way, and any other "<provider>/<model>" request goes to the default route with the prefix still in the model name, which the upstream rejects. Clients of ${TARGET} should send the bare model name`,
    );
  // A prefixed glob cannot get a condition per name: every model it stands for keeps its prefix.
  const kindOf = new Map(providers.map((p) => [p.name, p.kind]));
  for (const { field, name, provider, server } of prefixedGlobs(policy, providers)) {
    // The prefix names a provider only for clients of its protocol (providers/index.ts
    // chooseProvider): OpenRouter's "anthropic/*" stays on openrouter for OpenAI-protocol clients,
    // and the condition sends every such request there, prefix and all, which it accepts.
    const owner = kindOf.get(provider);
    if (server && owner !== undefined && owner !== server.kind) {
      w.add(
        field,
        `Tollgate sends ${server.kind}-protocol requests for models matching "${name}" to provider ${server.name} unchanged, as ${TARGET} does, but ${owner}-protocol ones to provider ${provider} without the "${provider}/" prefix; ${TARGET}'s condition sends those to provider ${server.name} as well. ${owner}-protocol clients should send the bare model name`,
      );
      continue;
    }
    w.add(
      field,
      `Tollgate sends a model matching "${name}" to provider ${provider} without the "${provider}/" prefix; a ${TARGET} config cannot rewrite the requested model, so on ${TARGET} such requests reach the upstream with the prefix still in the model name, which it rejects. Clients of ${TARGET} should send the bare model name`,
    );
  }
  // Per way the proxy picks a provider, in its order: the fallback conditions for that provider's
  // requests, then its own condition, so every request of a provider is decided inside its block.
  for (const s of selectors) {
    const last = s === selectors[selectors.length - 1];
    const suffix = (base: string): string => (last ? base : `${base}-${selectorName(s).replace(/^provider-/, '')}`);
    const routes = fallbackRoutes(policy, providers, selectors, s, w);
    let cover: string | undefined;
    for (const r of routes) {
      track(s.provider);
      for (const c of r.chain) track(c.provider);
      const name = defaultName(suffix(`fallback-${r.indices.join('+')}`));
      byModel.push({ query: and({ 'params.model': r.match }, s.query), then: name });
      if (cover === undefined && r.covers) cover = name;
      // No on_status_codes: Portkey then falls back after any non-2xx answer, as Tollgate does.
      targets.push({ name, strategy: { mode: 'fallback' }, targets: [providerTarget(s.provider), ...r.chain.map(refTarget)] });
    }
    track(s.provider);
    // A provider whose every request a fallback takes has no condition of its own (it could never match).
    if (cover !== undefined) {
      if (!s.query) openaiTarget = cover;
      continue;
    }
    const name = defaultName(selectorName(s));
    if (s.query) byModel.push({ query: s.query, then: name });
    else openaiTarget = name;
    targets.push({ name, ...providerTarget(s.provider) });
  }
  const fallbackTarget: JsonObject = { strategy: { mode: 'conditional', conditions: byModel, default: openaiTarget }, targets };

  const top: JsonObject =
    conditions.length > 0
      ? { strategy: { mode: 'conditional', conditions, default: 'default' }, targets: [...named, { name: 'default', ...fallbackTarget }] }
      : { ...fallbackTarget };

  for (const p of providers)
    for (const tier of TIERS) {
      const model = policy.routing.tiers[p.name]?.[tier];
      if (model && !policy.routing.rules.some((r) => r.tier === tier && r.match.header === undefined && r.match.minInputTokens === undefined && r.match.maxInputTokens === undefined))
        w.add(`routing.tiers.${p.name}.${tier}`, `${TARGET} has no model groups; ${model} is reachable only through a route naming the "${tier}" tier, and no exported route does, so requests that Tollgate would send to it (model "auto") get ${TARGET}'s 4xx for an unknown model instead`);
    }

  // --- retries ----------------------------------------------------------------------------
  const statuses = retryStatuses(policy);
  const retryOn = new Set(policy.retries.retryOn);
  // Portkey answers a request that exceeds request_timeout with 408 itself, so retrying timeouts is status 408.
  const onStatus = [...new Set([...statuses, ...(retryOn.has('timeout') ? [TIMEOUT_STATUS] : [])])].sort((a, b) => a - b);
  top.retry = { attempts: policy.retries.attempts, on_status_codes: onStatus };
  if (policy.retries.attempts > 0 && !retryOn.has('connect'))
    w.add('retries.retryOn', `${TARGET} always retries a failed connection (refused, reset, DNS) up to ${policy.retries.attempts} time(s); Tollgate's retryOn leaves "connect" out, so those requests are retried in production but not locally. Nothing in a Portkey config turns this off`);
  if (policy.retries.attempts > 0 && !retryOn.has('timeout') && statuses.includes(TIMEOUT_STATUS))
    w.add('retries.retryOn', `${TARGET} reports its own request_timeout as status 408, so retrying 408 also retries timed-out requests, which Tollgate's retryOn (no "timeout") does not`);
  if (policy.retries.attempts > 0)
    w.add(
      'retries.backoffMs',
      `${TARGET} waits a fixed 1 s, 2 s, 4 s … between retries (async-retry defaults, no jitter, not configurable); Tollgate waits a random 0–${policy.retries.backoffMs} ms doubling per attempt up to ${policy.retries.maxBackoffMs} ms. Retried requests take longer on ${TARGET}; lower retry.attempts there if latency matters${policy.retries.attempts > 5 ? `. Its hosted gateway retries at most 5 times (the open-source build all ${policy.retries.attempts}), so ${policy.retries.attempts - 5} of Tollgate's retries are not made there` : ''}`,
    );
  w.add(
    policy.fallbacks.length > 0 ? 'fallbacks' : 'retries.attempts',
    `when every retry and fallback fails, ${TARGET} answers a timeout with 408 and a refused connection with 500 ("fetch failed"), where Tollgate answers 504 and 502; clients that branch on the status should accept both`,
  );

  // --- cache ------------------------------------------------------------------------------
  const c = policy.cache;
  if (c.enabled) {
    // Portkey's max_age is in seconds, 60 s to 90 days (docs.portkey.ai, "Cache TTL"; the bundled
    // cache API's setWithTtl takes seconds too). The open-source gateway stores nothing, so the unit
    // only matters where the config takes effect: Portkey's hosted gateway or a build with a store.
    const maxAge = Math.min(Math.max(c.ttlSeconds, PORTKEY_CACHE_MIN_AGE_S), PORTKEY_CACHE_MAX_AGE_S);
    top.cache = { mode: c.semantic.enabled ? 'semantic' : 'simple', max_age: maxAge };
    if (maxAge !== c.ttlSeconds)
      w.add('cache.ttlSeconds', `${TARGET} keeps cached answers for ${PORTKEY_CACHE_MIN_AGE_S} s to ${PORTKEY_CACHE_MAX_AGE_S} s (90 days); ${c.ttlSeconds} s was written as max_age ${maxAge}, so entries live ${maxAge > c.ttlSeconds ? 'longer' : 'shorter'} than in Tollgate`);
    w.add(
      'cache.enabled',
      `the open-source ${TARGET} gateway (npm @portkey-ai/gateway) has no cache store: every request reaches the upstream (x-portkey-cache-status: DISABLED), where Tollgate answers repeated requests from its cache for ${c.ttlSeconds} s. The exported cache block (max_age ${maxAge} s) takes effect on Portkey's hosted gateway or a build with a cache store (an organisation-level TTL below it wins there); otherwise keep Tollgate or another cache in front`,
    );
  }
  if (c.enabled && c.semantic.enabled)
    w.add('cache.semantic.enabled', `${TARGET}'s open-source gateway never stores semantic-cache entries; similar (not identical) prompts are answered by the upstream every time. Semantic caching needs Portkey's hosted gateway`);
  if (c.enabled && c.semantic.enabled)
    w.add('cache.semantic.backend', `${TARGET} embeds with its own model for semantic caching; Tollgate's local embedding backend is not carried over`);
  if (c.enabled && c.semantic.enabled && c.semantic.threshold !== undefined)
    w.add('cache.semantic.threshold', `${TARGET}'s semantic cache threshold is fixed by Portkey; ${c.semantic.threshold} cannot be set`);
  // Both only matter where Tollgate caches: excludeFeatures only narrows the semantic cache.
  if (c.enabled && c.semantic.enabled && c.semantic.excludeFeatures.length > 0)
    w.add('cache.semantic.excludeFeatures', `${TARGET} cannot skip the semantic cache by feature; give those clients a config with cache mode "simple"`);
  if (c.enabled && !isDefault(c.version, (p) => p.cache.version))
    w.add('cache.version', `${TARGET} has no cache namespace to bump; send x-portkey-cache-force-refresh: true to refresh entries`);

  // --- defaults ---------------------------------------------------------------------------
  // Not exported: override_params.max_tokens would overwrite every client's own max_tokens.
  if (!isDefault(policy.defaults.maxOutputTokens, (p) => p.defaults.maxOutputTokens))
    w.add('defaults.maxOutputTokens', `not exported: Tollgate only assumes ${policy.defaults.maxOutputTokens} output tokens to reserve budget for requests without a limit, and ${TARGET}'s open-source gateway has no budgets to reserve; requests keep their own max_tokens`);

  // --- what Portkey's config cannot hold --------------------------------------------------
  for (const p of providers) {
    if (!used.has(p.name)) continue;
    // '' for a public custom_host, undefined for the provider's own URL (no custom_host to check).
    const host = customHost(p) && (privateNetworkHost(p.baseUrl) ?? '');
    if (host !== undefined && alwaysRefused(p.baseUrl))
      w.add(`providers.${p.name}.baseUrl`, `${TARGET} refuses custom_host ${p.baseUrl} whatever its TRUSTED_CUSTOM_HOSTS lists (it takes host names of a-z, 0-9, "." and "-" only, no IPv6 literal, and no Portkey URL), so every request to provider ${p.name} fails with 400 "Invalid custom host"; reach the upstream through a host name of those characters (a DNS name or an /etc/hosts entry)`);
    else if (host && !PORTKEY_TRUSTED_HOSTS.has(host))
      w.add(`providers.${p.name}.baseUrl`, `${TARGET} refuses custom_host ${p.baseUrl} (a private-network address) unless its TRUSTED_CUSTOM_HOSTS environment variable lists "${host}"; until then every request to provider ${p.name} fails with 400 "Invalid custom host". The default trust list is localhost, 127.0.0.1, ::1 and host.docker.internal`);
    w.add(`providers.${p.name}.apiKeyEnv`, `${TARGET} configs cannot reference environment variables; the config holds the placeholder \${${p.apiKeyEnv}}: render it at deploy time (envsubst) without committing the result, or replace api_key with a Portkey virtual_key`);
    if (Object.keys(p.headers).length > 0) w.add(`providers.${p.name}.headers`, `${TARGET} configs cannot add fixed upstream headers`);
    if (!isDefault(p.idleTimeoutMs, () => 120_000)) w.add(`providers.${p.name}.idleTimeoutMs`, `${TARGET} has a total request_timeout only, no idle timeout inside a stream`);
    const azure = azureResource(p);
    if (azure) {
      warnAzureVersion(p, w, TARGET);
      if (azure.entra)
        w.add(`providers.${p.name}.authHeader`, `${TARGET} sends \${${p.apiKeyEnv}} as a Microsoft Entra ID token (azure_ad_token), as Tollgate does; such a token expires within hours, so use ${TARGET}'s Entra or managed-identity auth (azure_auth_mode) instead of a fixed token`);
    } else if (p.authHeader !== PROTOCOLS[p.kind].authHeader)
      w.add(`providers.${p.name}.authHeader`, `${TARGET} sends keys the way its ${p.kind} adapter does; "${p.authHeader}" needs a provider set up by hand`);
  }
  policy.budgets.forEach((b, i) => {
    const field = `budgets[${i}]`;
    if (skipMonitorOnlyBudget(b, field, w, TARGET)) return;
    // Portkey's budget limits start at $1 and 100 tokens (portkey.ai/docs/aigw/product/ai-gateway/virtual-keys/budget-limits): none holds a frozen scope.
    // Said with its owner: a policy has many budgets, and the key to set one on is its owner's.
    const who = describeOwner(b.scope);
    const where = zeroLimit(b)
      ? `refuses every call of ${who} in Tollgate, and Portkey budget limits start at $1 and 100 tokens: disable ${scopeKinds(b.scope).length === 0 ? "the Portkey workspace's API keys" : portkeyHome(b.scope)} instead (or issue none)`
      : `caps ${who}, so it must be set as a budget limit on ${portkeyHome(b.scope)}`;
    // Its limits reset weekly (Monday) or monthly (the 1st), 00:00 UTC (portkey.ai/docs help-center/when-do-budget-limits-reset).
    const under = zeroLimit(b) ? [] : [(b.usd ?? 1) < 1 && '$1', (b.tokens ?? 100) < 100 && '100 tokens'].filter(Boolean);
    const floor = under.length > 0 ? `; Portkey takes no limit under ${under.join(' or ')}, so the least it enforces lets more through than this budget` : '';
    const daily = b.period === 'day' && !zeroLimit(b) ? "; Portkey resets limits weekly or monthly, never daily, so a weekly limit of 7 days' budget lets a week's spend through in one day" : '';
    w.add(field, `Portkey's open-source gateway has no budgets; "${b.name}" (${budgetCap(b)} per ${b.period}) ${where}${floor}${daily}`);
  });
  for (const [i, r] of policy.rateLimits.entries())
    w.add(`rateLimits[${i}]`, `Portkey's open-source gateway has no rate limits; "${r.name}" limits ${describeOwner(r.scope)}, so it must be set as a rate limit on ${portkeyHome(r.scope)}`);
  policy.tags.keys.forEach((_, i) => w.add(`tags.keys[${i}]`, `${TARGET} cannot map client keys to tags; clients send their tags in x-portkey-metadata`));

  // The gateway runs on Node's HTTP server, which answers 431 to request headers over 16 KiB in all.
  const headerBytes = Buffer.byteLength(JSON.stringify(top));
  if (headerBytes > NODE_MAX_HEADER_BYTES)
    w.add('providers', `the config is ${headerBytes} bytes on one line, more than the ${NODE_MAX_HEADER_BYTES} bytes of headers the self-hosted ${TARGET} gateway (Node) accepts, so sent as x-portkey-config every request gets 431; save it as a config in ${TARGET} and send its id, or start the gateway with NODE_OPTIONS=--max-http-header-size=65536`);
  const warnings = w.all();
  return {
    files: [
      { path: 'config.json', content: stableJson(top) },
      {
        path: 'README.md',
        content: renderReadme(
          'Portkey gateway export',
          source,
          [
            '`config.json` is a Portkey config template: provider keys are `${NAME}` placeholders (Portkey configs cannot read the environment, and the gateway ignores the client\'s Authorization header once a config is sent). Render it where it is deployed, e.g. `envsubst < config.json > /run/portkey-config.json`, and never commit the rendered file; on Portkey\'s hosted platform replace `api_key` with a `virtual_key`.',
            'Send the rendered config as the `x-portkey-config` header, or save it as a config in Portkey and send its id.',
            'Routes match on `metadata.feature`: clients send their feature tag as `x-portkey-metadata: {"feature": "…"}` (Tollgate reads it from `x-tollgate-feature`).',
          ],
          warnings,
          GATEWAY_PINS.portkey,
        ),
      },
    ],
    warnings,
  };
}

/**
 * Where Portkey holds a budget or rate limit of this scope: the workspace for everyone, else the key its owner calls with.
 * Portkey's limits are on workspaces and keys only (portkey.ai/docs product/administration/enforce-budget-and-rate-limit):
 * a feature is a request tag and a glob names no one owner, so their calls need a key of their own.
 */
function portkeyHome(scope: Scope): string {
  const kinds = scopeKinds(scope);
  const none = scope.feature !== undefined ? 'Portkey has no per-feature budgets or limits' : kinds.some((k) => isGlob(scope[k] as string)) ? 'a Portkey key belongs to one owner, not a pattern' : undefined;
  if (kinds.length === 0) return 'the Portkey workspace';
  return none ? `a Portkey API key or virtual key that only the calls of ${describeOwner(scope)} use (${none})` : `the Portkey virtual key or API key of ${describeOwner(scope)}`;
}
