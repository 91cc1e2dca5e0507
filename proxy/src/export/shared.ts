/**
 * What all three exporters need from a policy: providers in a stable order, model references
 * resolved to a provider, tiers per provider, period/duration spellings, and a warning collector.
 * Everything iterates in sorted or declared order so the input's key order never shows in output.
 */
import type { BudgetPolicy, Policy, ResolvedProvider, Scope, Tier } from '../policy/schema';
import { fallbackTargets } from '../governance/fallback';
import { modelProvider, ruleTargetMessage, ruleTargetSplit } from '../policy/modelProvider';
import { DEFAULT_POLICY, resolveProviders, TIERS } from '../policy/schema';
import { isAzureProvider } from '../providers/azure';
import { isAzureHost } from '../providers/protocol';
import { globsOverlap } from './globOverlap';
import { sha256 } from '../cache/canonical';
import { byCodePoint } from './stable';
import type { ExportWarning } from './types';

/** Collects warnings in generation order (which is deterministic) without duplicates. */
export class Warnings {
  private readonly list: ExportWarning[] = [];
  private readonly seen = new Set<string>();

  add(field: string, message: string): void {
    const key = `${field}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ field, message });
  }

  all(): ExportWarning[] {
    return [...this.list];
  }
}

/**
 * `prefix + name` when the name has no character `unsafe` matches (a global regex) and `keep` accepts the
 * result, so ids earlier exports wrote stay; otherwise the name spelled in the safe characters (accents
 * dropped, any other run a `-`) plus 8 hex digits of its SHA-256, so "a/b" and "a b" stay two ids and an
 * id does not move when other names are added or the policy is reordered.
 */
export function spelledIn(prefix: string, name: string, unsafe: RegExp, keep: (id: string) => boolean = () => true): string {
  if (name.replace(unsafe, '') === name && keep(prefix + name)) return prefix + name;
  const slug = name.normalize('NFKD').replace(/\p{M}/gu, '').replace(unsafe, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
  return `${prefix}${slug ? `${slug}-` : ''}${sha256(name).slice(0, 8)}`;
}

/** Resolved providers sorted by name (the built-in openai and anthropic are always present). */
export function providersOf(policy: Policy): ResolvedProvider[] {
  // Asked for by nearly every helper of every export, and resolving parses each provider entry
  // (a fifth of an export's time); a policy is never changed once parsed. The list is a copy.
  let resolved = resolvedOf.get(policy);
  if (!resolved) {
    resolved = [...resolveProviders(policy).values()].map((p) => ({ ...p, apiKeyEnv: exportedKeyEnv(p.apiKeyEnv) })).sort((a, b) => byCodePoint(a.name, b.name));
    resolvedOf.set(policy, resolved);
  }
  return [...resolved];
}
const resolvedOf = new WeakMap<Policy, ResolvedProvider[]>();

/** What shells, `docker --env-file` and envsubst accept as a variable name. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The key variable written to a gateway config. Derived names are valid ones (`_9ROUTER_API_KEY`
 * for a provider named "9router", policy/schema.ts `derivedKeyEnv`); an `apiKeyEnv` the user allowed
 * with TOLLGATE_ALLOW_KEY_ENV may not be (`MY-KEY`): no shell can set it and envsubst leaves
 * `${MY-KEY}` in a Portkey config, so exports write `_MY_KEY` instead and warn (warnKeyEnv).
 */
export function exportedKeyEnv(name: string): string {
  return ENV_NAME.test(name) ? name : `_${name.replace(/[^A-Z0-9_]/g, '_')}`;
}

function warnKeyEnv(policy: Policy, w: Warnings, target: string): void {
  for (const p of resolveProviders(policy).values())
    if (exportedKeyEnv(p.apiKeyEnv) !== p.apiKeyEnv)
      w.add(
        `providers.${p.name}.apiKeyEnv`,
        `${p.apiKeyEnv}, the key variable of provider ${p.name}, is not a valid environment variable name, so ${target} reads ${exportedKeyEnv(p.apiKeyEnv)} instead while the local proxy still reads ${p.apiKeyEnv}; set apiKeyEnv in the policy to a name of capital letters, digits and _ that starts with a letter to use one name in both places`,
      );
}

/**
 * The Azure OpenAI data-plane version a gateway sends on every request. Tollgate needs none: it
 * forwards the api-version each client sends (classic `…/openai` base URL) or calls the v1 API
 * (`…/openai/v1`, no version). Gateways call the deployment routes with one fixed version, so the
 * export writes Azure's latest GA dated version and says so (warnAzure).
 */
export const AZURE_API_VERSION = '2024-10-21';

/** What a gateway's own Azure provider needs from a Tollgate Azure provider (providers/azure.ts isAzureProvider). */
export interface AzureResource {
  /** The resource endpoint without `/openai` or `/openai/v1` (`https://contoso.openai.azure.com`, or an API Management URL). */
  endpoint: string;
  /** `contoso` for `contoso.openai.azure.com`: Portkey builds that host from it. Undefined on other hosts. */
  resourceName?: string;
  /** The api-version the gateway sends: a fixed `api-version` header in the policy, else AZURE_API_VERSION. */
  apiVersion: string;
  /** `authHeader: authorization` on Azure: the key variable holds a Microsoft Entra ID token, sent as a Bearer token. */
  entra: boolean;
}

/**
 * The provider as an Azure OpenAI resource, or undefined when it is none. Azure takes its key in
 * `api-key` (or an Entra ID token as Bearer) and serves models as deployments under the resource
 * endpoint, so gateways need their Azure provider for it, never their OpenAI one (which would send
 * the key as `Authorization: Bearer`, refused with 401). The deployment is the requested model,
 * as in Tollgate (a v1 request's model, a classic route's path segment).
 */
export function azureResource(p: ResolvedProvider): AzureResource | undefined {
  if (!isAzureProvider(p)) return undefined;
  // `authHeader: api-key` elsewhere is Azure's API only where the path says so (API Management's
  // `…/openai`); another server taking api-key (`http://host/v1`) gets OpenAI-style requests from
  // Tollgate, which no gateway's Azure provider sends, so it stays an OpenAI upstream (warned).
  if (!isAzureHost(p.baseUrl) && !/\/openai(?:\/v1)?$/i.test(p.baseUrl)) return undefined;
  const header = Object.entries(p.headers).find(([k]) => k.toLowerCase() === 'api-version')?.[1];
  // The resource endpoint is everything before `/openai` (a base URL may go on to `/v1` or to one deployment).
  const endpoint = p.baseUrl.replace(/\/openai(?:\/.*)?$/i, '');
  const resourceName = /^([a-z0-9][a-z0-9-]*)\.openai\.azure\.com$/i.exec(new URL(p.baseUrl).hostname)?.[1];
  const base = { endpoint, apiVersion: header ?? AZURE_API_VERSION, entra: p.authHeader === 'authorization' };
  return resourceName === undefined ? base : { ...base, resourceName };
}

/** A base URL naming one deployment (`…/openai/deployments/gpt-4o`): Tollgate sends everything there, gateways the deployment the model names. */
export function warnAzureDeployment(p: ResolvedProvider, w: Warnings, target: string): void {
  const azure = azureResource(p);
  const deployment = /\/openai\/deployments\/([^/]+)/i.exec(p.baseUrl)?.[1];
  if (azure && deployment !== undefined)
    w.add(`providers.${p.name}.baseUrl`, `Tollgate sends every request of provider ${p.name} to deployment ${deployment}, the one its base URL names; ${target} sends each request to the deployment named by its model, at ${azure.endpoint}. Name the deployment as the model in the clients, or end the base URL at /openai`);
}

/** Whether Tollgate calls Azure's v1 API for this provider (a base URL ending in `/openai/v1`), which takes no api-version. */
export function isAzureV1BaseUrl(p: ResolvedProvider): boolean {
  return /\/openai\/v1$/i.test(p.baseUrl);
}

/** What changes for an Azure provider on a gateway that calls the deployment routes: the fixed api-version, a base URL fixed to one deployment. */
export function warnAzureVersion(p: ResolvedProvider, w: Warnings, target: string): void {
  const azure = azureResource(p);
  if (!azure) return;
  warnAzureDeployment(p, w, target);
  if (azure.apiVersion !== AZURE_API_VERSION) return;
  const v1 = isAzureV1BaseUrl(p);
  w.add(
    `providers.${p.name}.baseUrl`,
    `${target} calls Azure's deployment routes of provider ${p.name} (${azure.endpoint}, the requested model as the deployment, as in Tollgate) with api-version ${AZURE_API_VERSION}, Azure's latest GA version, on every request, where Tollgate ${v1 ? 'calls the v1 API, which needs no version' : 'forwards the api-version each client sends'}; a deployment whose model or parameters need a newer (preview) version fails there until api_version is raised in the export, or set as an api-version header of the provider in the policy`,
  );
}

export interface ModelRef {
  provider: ResolvedProvider;
  /** Model id as sent upstream (any `provider/` prefix stripped). */
  model: string;
}

/**
 * Which provider serves a model reference, mirroring the proxy's choice (policy/modelProvider.ts): a
 * `provider/` prefix, else the first provider whose `models` globs match in the proxy's order (not
 * by name: between overlapping globs the order decides), else a provider whose tiers name the
 * model, else the built-in openai provider.
 */
export function resolveModelRef(policy: Policy, ref: string): ModelRef {
  const found = modelProvider(policy, ref);
  const exported = providersOf(policy).find((p) => p.name === found.provider.name) as ResolvedProvider;
  return { provider: exported, model: found.model };
}

/**
 * A rule the target exports whose model Tollgate sends to other providers than the export does
 * (policy/modelProvider.ts ruleTargetSplit): warned at the rule, as `policy validate` does.
 */
export function warnRuleTarget(policy: Policy, w: Warnings, target: string, index: number): void {
  const rule = policy.routing.rules[index];
  const split = rule && ruleTargetSplit(policy, rule);
  if (rule && split) w.add(`routing.rules[${index}].model`, ruleTargetMessage(rule, split, `${target} sends`));
}

/** Whether Tollgate reads a rule's semanticThreshold: only while its semantic cache is on (else the export need not warn it). */
export const readsSemanticThreshold = (policy: Policy, rule: Policy['routing']['rules'][number]): boolean =>
  rule.semanticThreshold !== undefined && policy.cache.enabled && policy.cache.semantic.enabled;

/**
 * For each provider, the globs of providers before it in the proxy's order (openai, anthropic, then
 * the policy's providers as written) that speak its protocol and overlap one of its own globs: the
 * proxy sends a model both match to the earlier provider. Exports list providers sorted by name, and
 * gateways order patterns their own way, so these are the names they must leave to the other one.
 */
export function earlierOverlaps(policy: Policy): Map<string, Array<{ provider: ResolvedProvider; glob: string; own: string; example: string }>> {
  const order = [...resolveProviders(policy).values()];
  const out = new Map<string, Array<{ provider: ResolvedProvider; glob: string; own: string; example: string }>>();
  order.forEach((later, i) => {
    const found: Array<{ provider: ResolvedProvider; glob: string; own: string; example: string }> = [];
    for (const earlier of order.slice(0, i)) {
      if (earlier.kind !== later.kind) continue;
      for (const glob of earlier.models)
        for (const own of later.models) {
          // A name with text where a star is (gpt-4o-x, not gpt-4o-) reads as a model; any witness will do.
          const example = globsOverlap(glob, own.replaceAll('*', 'x*')) ?? globsOverlap(glob, own);
          if (example !== undefined) found.push({ provider: earlier, glob, own, example });
        }
    }
    if (found.length > 0) out.set(later.name, found);
  });
  return out;
}

/** Tiers that at least one provider configures. */
export function configuredTiers(policy: Policy): Tier[] {
  return TIERS.filter((t) => providersOf(policy).some((p) => policy.routing.tiers[p.name]?.[t] !== undefined));
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * A glob as an anchored regular expression (same semantics as routing/glob). `.` is one code point in
 * RE2 (Bifrost's CEL), but one UTF-16 unit in a JavaScript RegExp without the `u` flag (Portkey's), so
 * Portkey passes `codePoint`: a surrogate pair, else any one unit.
 */
export function globToRegex(pattern: string, codePoint = '.'): string {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replaceAll('?', codePoint);
  return `^${body}$`;
}

/** Every concrete (non-glob) model the policy names: tiers, rule targets, fallbacks, provider lists. */
export function namedModels(policy: Policy): string[] {
  const names = new Set<string>();
  for (const p of providersOf(policy)) {
    for (const t of TIERS) {
      const m = policy.routing.tiers[p.name]?.[t];
      if (m) names.add(m);
    }
    for (const g of p.models) if (!isGlob(g)) names.add(g);
  }
  for (const r of policy.routing.rules) {
    if (r.model) names.add(r.model);
    if (r.match.model && !isGlob(r.match.model)) names.add(r.match.model);
  }
  for (const f of policy.fallbacks) {
    if (!isGlob(f.from)) names.add(f.from);
    for (const t of f.to) names.add(t);
  }
  return [...names].sort();
}

export type ScopeField = keyof Scope;
export const SCOPE_FIELDS: readonly ScopeField[] = ['team', 'user', 'feature', 'key'];

/** The scope's named fields, e.g. `['team']`; empty means global. */
export function scopeKinds(scope: Scope): ScopeField[] {
  return SCOPE_FIELDS.filter((k) => scope[k] !== undefined);
}

/** Whom a budget or limit covers, as a warning says it: `team search`, `team a and user b`, `everyone`. */
export function describeOwner(scope: Scope): string {
  const kinds = scopeKinds(scope);
  return kinds.length === 0 ? 'everyone' : kinds.map((k) => `${k} ${scope[k]}`).join(' and ');
}

/**
 * Tollgate matches team and user names whatever their case (governance/scope.ts): budgets for team
 * "Search" and team "search" cap the same calls. The gateways key teams and users by exact id, where
 * the two spellings were two teams, each charged by its own keys and neither seeing the whole spend.
 * Each exact name is rewritten to the spelling the policy uses first (budgets, rate limits, then
 * tags.keys, whatever the file's key order), and every other spelling is warned where it is written.
 * Globs are left alone: no gateway exports them. `kinds` are the owners the target exports.
 */
export function foldScopeNames(policy: Policy, w: Warnings, kinds: ReadonlyArray<'team' | 'user'>): Policy {
  const first = new Map<string, { name: string; field: string }>();
  let changed = false;
  const fold = (kind: 'team' | 'user', name: string, field: string): string => {
    if (isGlob(name)) return name;
    const key = `${kind}\u0000${name.toLowerCase()}`;
    const seen = first.get(key);
    if (!seen) first.set(key, { name, field });
    else if (seen.name !== name) {
      changed = true;
      w.add(field, `Tollgate matches ${kind} names whatever their case, so ${kind} "${name}" here and "${seen.name}" (${seen.field}) are one ${kind}: exported once, as ${kind} "${seen.name}". Write the name one way in the policy`);
    }
    return seen?.name ?? name;
  };
  const folded = <T extends { team?: string | undefined; user?: string | undefined }>(o: T, field: string): T => {
    const out = { ...o };
    for (const kind of kinds) {
      const name = o[kind];
      if (name !== undefined) out[kind] = fold(kind, name, `${field}.${kind}`);
    }
    return out;
  };
  const budgets = policy.budgets.map((b, i) => ({ ...b, scope: folded(b.scope, `budgets[${i}].scope`) }));
  const rateLimits = policy.rateLimits.map((r, i) => ({ ...r, scope: folded(r.scope, `rateLimits[${i}].scope`) }));
  const keys = policy.tags.keys.map((k, i) => folded(k, `tags.keys[${i}]`));
  // An unchanged policy stays the same object, so what is cached per policy (providersOf) is kept.
  return changed ? { ...policy, budgets, rateLimits, tags: { ...policy.tags, keys } } : policy;
}

export type Period = BudgetPolicy['period'];

/** A budget period as a duration string; LiteLLM spells a month `1mo`, Bifrost `1M`. */
export function periodDuration(period: Period, style: 'litellm' | 'bifrost'): string {
  if (period === 'day') return '1d';
  if (period === 'week') return style === 'litellm' ? '7d' : '1w';
  return style === 'litellm' ? '1mo' : '1M';
}

/** JSON-equality against the schema default: a field left at its default was not asked for. */
export function isDefault<T>(value: T, pick: (p: Policy) => T): boolean {
  return JSON.stringify(value) === JSON.stringify(pick(DEFAULT_POLICY));
}

/**
 * Warnings common to every target: settings that only make sense for the local proxy, and the
 * complexity-score tier routing no gateway reproduces.
 */
export function warnLocalOnly(policy: Policy, w: Warnings, target: string, pricedAs: PricedAs = () => false): void {
  warnKeyEnv(policy, w, target);
  warnPriceAs(policy, w, target, pricedAs);
  if (!isDefault(policy.server.port, (p) => p.server.port))
    w.add('server.port', `the local proxy port does not apply to ${target}; configure the gateway's listen port where you deploy it`);
  if (!isDefault(policy.server.maxBodyBytes, (p) => p.server.maxBodyBytes) && target !== 'Bifrost')
    w.add('server.maxBodyBytes', `${target} has no request-body limit in this config; set it on the gateway's HTTP server or load balancer`);
  if (!isDefault(policy.cache.maxEntries, (p) => p.cache.maxEntries))
    w.add('cache.maxEntries', `${target} bounds its cache by TTL and its store's memory policy, not by an entry count`);
  if (!isDefault(policy.cache.semantic.backend, (p) => p.cache.semantic.backend) && !policy.cache.semantic.enabled)
    w.add('cache.semantic.backend', `the local embedding backend cannot be carried over to ${target}; it uses its own embedding setup`);
  if (!isDefault(policy.cache.semantic.allowModelDownload, (p) => p.cache.semantic.allowModelDownload))
    w.add('cache.semantic.allowModelDownload', `the local embedding model download setting does not apply to ${target}`);
  if (!isDefault(policy.cache.semantic.embedTimeoutMs, (p) => p.cache.semantic.embedTimeoutMs))
    w.add('cache.semantic.embedTimeoutMs', `${target} has no embedding time limit for cache lookups in this config`);
  // Bifrost and LiteLLM export model "auto" as their own complexity routers (and warn there).
  if (configuredTiers(policy).length > 0 && target === 'Portkey')
    w.add(
      'routing.thresholds',
      `${target} cannot score prompt complexity, so requests for model "auto" (tier by complexity, thresholds medium ${policy.routing.thresholds.medium}, large ${policy.routing.thresholds.large}) get ${target}'s error for an unknown model; tier models are reachable only through routes naming a tier. Send such clients through Tollgate or name a model`,
    );
  warnTollgateOnly(policy, w, target);
  warnCrossProtocolFallbacks(policy, w, target);
  if (policy.tags.required.length > 0 && target !== 'Bifrost')
    w.add('tags.required', `${target} cannot reject requests that lack the tags ${policy.tags.required.join(', ')}; enforce them in the clients`);
}

/** Whether the export itself prices a provider's name as its priceAs says. */
type PricedAs = (p: ResolvedProvider, name: string) => boolean;

/** What each gateway charges a call priceAs maps, and how to price it there (none reads Tollgate's priceAs). */
const PRICE_AS_CHARGE: Record<string, string> = {
  LiteLLM: "LiteLLM charges such a call its own price for the name it sends (nothing when it has none, as for an Azure deployment name) unless the deployment's model_info.base_model names another; the export sets base_model only on the deployments of models the policy names (a tier, a rule, a fallback or a provider's models), so name these models there",
  Bifrost: 'Bifrost charges such a call its model catalog\'s price for the name it sends, and charges nothing for a name its catalog lacks (an Azure deployment name), so its budgets see no spend for it; add a custom pricing override for the name with the priced model\'s rates (Bifrost\'s Custom Pricing, /api/governance/pricing-overrides)',
  Portkey: "Portkey's open-source gateway prices no call, so these are charged nothing there; on the hosted platform set the model pricing for the name",
};

/**
 * `providers.*.priceAs` prices a provider's own names (an Azure deployment) as a model genai-prices
 * knows; said per provider with what the gateway charges instead and how to price the name there.
 */
function warnPriceAs(policy: Policy, w: Warnings, target: string, pricedAs: PricedAs): void {
  for (const p of resolveProviders(policy).values()) {
    const entries = Object.entries(p.priceAs ?? {}).filter(([from]) => !pricedAs(p, from)).sort(([a], [b]) => byCodePoint(a, b));
    if (entries.length === 0) continue;
    w.add(`providers.${p.name}.priceAs`, `Tollgate prices ${entries.map(([from, to]) => `${from} as ${to}`).join(', ')} (priceAs); ${PRICE_AS_CHARGE[target]}`);
  }
}

/**
 * The proxy relays bodies untranslated, so it tries a `provider/model` fallback target only for
 * clients of that provider's protocol and skips it for the others (governance/fallback.ts). Every
 * gateway translates between protocols, so there clients of the other protocol fall back to it too.
 */
function warnCrossProtocolFallbacks(policy: Policy, w: Warnings, target: string): void {
  const providers = resolveProviders(policy);
  const kinds = new Set([...providers.values()].map((p) => p.kind));
  policy.fallbacks.forEach((f, i) => {
    for (const t of f.to) {
      const slash = t.indexOf('/');
      const p = slash > 0 ? providers.get(t.slice(0, slash)) : undefined;
      const other = p && [...kinds].find((k) => k !== p.kind);
      if (!p || !other) continue;
      w.add(
        `fallbacks[${i}].to`,
        `Tollgate falls back to ${t} only for ${p.kind}-protocol clients (it does not translate request bodies) and skips it for ${other}-protocol clients whose ${f.from} call fails; ${target} translates between protocols, so there those clients fall back to ${t} too and get its answer where Tollgate returns the error`,
      );
    }
  });
}

/** Header names Tollgate reads tags from; exported routes match on the same names where they can. */
export const TAG_HEADER: Record<'team' | 'user' | 'feature', string> = {
  team: 'x-tollgate-team',
  user: 'x-tollgate-user',
  feature: 'x-tollgate-feature',
};

/** Statuses in `retries.retryOn`, without the connect/timeout pseudo-codes. */
export function retryStatuses(policy: Policy): number[] {
  return policy.retries.retryOn.filter((c): c is number => typeof c === 'number').sort((a, b) => a - b);
}


/**
 * The tier model a provider serves, as the proxy picks it (routing/route.ts): the wanted tier, else
 * the nearest configured one, larger first. Undefined when the provider has no tiers at all, and
 * then a tier rule does not apply to that provider's requests.
 */
export function providerTierModel(policy: Policy, provider: ResolvedProvider, wanted: Tier): ModelRef | undefined {
  const models = policy.routing.tiers[provider.name];
  if (!models) return undefined;
  const i = TIERS.indexOf(wanted);
  for (const t of [...TIERS.slice(i), ...TIERS.slice(0, i).reverse()]) {
    const m = models[t];
    if (m) return resolveTierRef(policy, provider, m);
  }
  return undefined;
}

/** A tier model named by a provider: an explicit `other/model` prefix still wins, as in the proxy. */
function resolveTierRef(policy: Policy, provider: ResolvedProvider, model: string): ModelRef {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const named = providersOf(policy).find((p) => p.name === model.slice(0, slash));
    if (named) return { provider: named, model: model.slice(slash + 1) };
  }
  return { provider, model };
}

/** Providers that serve a tier for their own requests (tier model present, nearest-tier rule). */
export function tierProviders(policy: Policy, tier: Tier): Array<{ provider: ResolvedProvider; ref: ModelRef }> {
  const out: Array<{ provider: ResolvedProvider; ref: ModelRef }> = [];
  for (const p of providersOf(policy)) {
    const ref = providerTierModel(policy, p, tier);
    if (ref) out.push({ provider: p, ref });
  }
  return out;
}

/**
 * The `to` chain the proxy tries after `model` (served by `provider`) fails, as "provider/model"
 * refs: the proxy's own (governance/fallback.ts). Given the indices of the fallbacks a model
 * matches instead, the chain of any such model the chain does not name.
 */
export function fallbackChain(policy: Policy, provider: ResolvedProvider, model: string | ReadonlySet<number>): ModelRef[] {
  const providers = providersOf(policy);
  // Those fallbacks matching every name, asked for a name no policy can hold (NUL).
  const targets = typeof model === 'string' ? fallbackTargets(model, provider.name, policy) : fallbackTargets('\u0000', provider.name, { ...policy, fallbacks: policy.fallbacks.filter((_, i) => model.has(i)).map((f) => ({ ...f, from: '*' })) });
  return targets.map((t) => ({ provider: providers.find((p) => p.name === t.provider) as ResolvedProvider, model: t.model }));
}

/** A fallback `to` entry: `name/model` on provider `name`, else the model on the provider that failed. */
export function fallbackRef(providers: ResolvedProvider[], failing: ResolvedProvider, entry: string): ModelRef {
  const slash = entry.indexOf('/');
  const named = slash > 0 ? providers.find((p) => p.name === entry.slice(0, slash)) : undefined;
  return named ? { provider: named, model: entry.slice(slash + 1) } : { provider: failing, model: entry };
}

/**
 * Whether a base URL points into a private or reserved network (RFC 1918, loopback, link-local,
 * CGNAT, or a local-only DNS suffix). Portkey and Bifrost both refuse such upstreams by default.
 */
export function privateNetworkHost(baseUrl: string): string | undefined {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  if (host === 'localhost' || host === '::1' || host.endsWith('.localhost')) return host;
  if (['.local', '.localdomain', '.internal', '.intranet', '.lan', '.home', '.corp', '.test'].some((s) => host.endsWith(s))) return host;
  const parts = host.split('.');
  if (parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p))) {
    const [a, b] = parts.map(Number) as [number, number];
    if (a === 10 || a === 127 || a === 0) return host;
    if (a === 172 && b >= 16 && b <= 31) return host;
    if (a === 192 && b === 168) return host;
    if (a === 169 && b === 254) return host;
    if (a === 100 && b >= 64 && b <= 127) return host;
  }
  if (/^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:')) return host;
  return undefined;
}

/**
 * A budget with `action: allow` never refuses a request in Tollgate: past its cap the proxy only
 * marks and warns (governance/governor.ts). Every gateway budget refuses requests once spent, so
 * exporting it as one would turn a monitoring budget into an outage; it is left out, warned.
 */
export function skipMonitorOnlyBudget(b: BudgetPolicy, field: string, w: Warnings, target: string): boolean {
  if (b.action !== 'allow') return false;
  w.add(
    `${field}.action`,
    `budget "${b.name}" (${budgetCap(b)} per ${b.period}) only warns in Tollgate (action: allow) and never refuses a request; a ${target} budget refuses requests once it is spent, so it is not exported as one. Use ${target}'s spend alerts to watch it`,
  );
  return true;
}

/** A budget's caps as a warning names them: `$5`, `1000 tokens`, or both (`$5 and 1000 tokens`). */
export function budgetCap(b: BudgetPolicy): string {
  return [b.usd !== undefined ? `$${b.usd}` : undefined, b.tokens !== undefined ? `${b.tokens} tokens` : undefined].filter(Boolean).join(' and ');
}

/**
 * A limit of 0 freezes its scope in Tollgate: every call it covers is refused (or downgraded) until
 * the policy raises it (governance/format.ts). Gateways that charge after the call and compare
 * `spend > limit`, or read 0 as "no limit", let calls through: the exports say which limit is 0.
 */
export function zeroLimit(b: BudgetPolicy): string | undefined {
  return b.usd === 0 ? '$0' : b.tokens === 0 ? '0 tokens' : undefined;
}

/** Duration for a policy period (Tollgate periods are calendar periods: day, Monday week, month). */
export function periodLabel(period: Period): string {
  return period === 'day' ? 'calendar day' : period === 'week' ? 'calendar week' : 'calendar month';
}

/**
 * Behaviours only Tollgate has (flex rules, its learned router and quality sampling, the semantic
 * judge, fail-closed pricing): no gateway config expresses them, so each one set is said, with what
 * changes in production.
 */
function warnTollgateOnly(policy: Policy, w: Warnings, target: string): void {
  const r = policy.routing;
  if (r.flex.length > 0)
    w.add(
      'routing.flex',
      `${target} sends every request at the default service tier: the flex rules (${r.flex.map((f) => f.name).join(', ')}) are not applied, so those requests cost the standard price instead of the batch rate; set service_tier "flex" in the calling code for them`,
    );
  if (configuredTiers(policy).length > 0)
    w.add('routing.router', `${target} does not run Tollgate's ${r.router === 'learned' ? 'learned router (and the team exemplars)' : 'complexity score'}: the tier chosen for model "auto" can differ in production`);
  if (r.qualitySampling.enabled)
    w.add('routing.qualitySampling', `${target} does not sample calls against the large tier: there is no quality-loss measure or drift alarm in production`);
  const sem = policy.cache.semantic;
  if (sem.enabled) {
    const judged: Array<[string, boolean]> = [
      ['cache.semantic.judge', !isDefault(sem.judge, (p) => p.cache.semantic.judge)],
      ['cache.semantic.maxFalseHitRisk', sem.maxFalseHitRisk !== undefined],
      ['cache.semantic.wrongAnswerCostUsd', !isDefault(sem.wrongAnswerCostUsd, (p) => p.cache.semantic.wrongAnswerCostUsd)],
      ['cache.semantic.adaptive', !isDefault(sem.adaptive, (p) => p.cache.semantic.adaptive)],
      ['cache.semantic.verify', !isDefault(sem.verify, (p) => p.cache.semantic.verify)],
    ];
    for (const [field, set] of judged) {
      if (set) w.add(field, `${target}'s semantic cache decides hits by its own similarity threshold: Tollgate's equivalence judge, expected-value rule, feedback and verification do not apply, so it may serve answers Tollgate would not (or miss ones it would)`);
    }
  }
  policy.budgets.forEach((b, i) => {
    if (b.unpriced === 'block') w.add(`budgets[${i}].unpriced`, `${target} does not refuse models it cannot price: calls to unpriced models pass budget "${b.name}" there`);
  });
}

/**
 * Names made from policy names can meet: rule "x" on provider openai is `rule-x-openai`, as is a
 * rule named "x-openai"; teams "a:b" and "a-b" both sanitise to `rl-team-a-b`; a provider named
 * "anthropic-protocol" meets Portkey's Anthropic-protocol target. Bifrost keys its governance rows
 * by id and Portkey's conditions name targets, so the second would replace or shadow the first.
 * The namer gives a taken name `-2`, `-3`… in generation (policy) order.
 */
export function uniqueNamer(reserved: Iterable<string> = []): (base: string) => string {
  const taken = new Set(reserved);
  return (base) => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  };
}
