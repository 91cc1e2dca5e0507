/**
 * Policy → LiteLLM proxy.
 *
 * `config.yaml` carries what LiteLLM reads from its config file: `model_list` (tier groups per
 * provider such as `small-openai`, so a group never load-balances across providers; every named
 * model; provider globs as wildcard deployments; model `auto` as LiteLLM's complexity router),
 * `router_settings` (fallbacks, retries, aliases), `litellm_settings` (cache incl. semantic cache,
 * the global budget). Team, user and key budgets (several windows via `budget_limits`) and rate
 * limits live in LiteLLM's database, not its config, so they are exported as the management-API
 * payloads (`management.json`) plus `apply.mjs`, which posts them to a running proxy. LiteLLM
 * charges teams and users through their keys, so each one without a key gets one generated.
 */
import { sha256 } from '../cache/canonical';
import { DEFAULT_FIRST_BYTE_MS, type Policy, type ResolvedProvider, resolveProviders, ruleRoutes, type Tier, TIERS } from '../policy/schema';
import { priceAsModel } from '../pricing/price';
import { PROTOCOLS } from '../providers/protocol';
import { renderReadme } from './readme';
import type { ModelRef } from './shared';
import {
  azureResource,
  configuredTiers,
  earlierOverlaps,
  isDefault,
  isGlob,
  namedModels,
  periodDuration,
  providersOf,
  resolveModelRef,
  readsSemanticThreshold,
  scopeKinds,
  describeOwner,
  skipMonitorOnlyBudget,
  spelledIn,
  providerTierModel,
  fallbackChain,
  fallbackRef,
  foldScopeNames,
  Warnings,
  warnLocalOnly,
  warnAzureVersion,
  warnRuleTarget,
  zeroLimit,
} from './shared';
import type { Json } from './stable';
import { provenance, stableJson, stableYaml } from './stable';
import type { ExportResult, ExportSource } from './types';
import { GATEWAY_PINS } from './versions';
import { globMatch } from '../routing/glob';

const TARGET = 'LiteLLM';
/** LiteLLM complexity-router labels and the Tollgate tier each one maps to. */
const COMPLEXITY_TIERS: ReadonlyArray<[string, Tier]> = [['SIMPLE', 'small'], ['MEDIUM', 'medium'], ['COMPLEX', 'large'], ['REASONING', 'large']];

/** One management-API call: `apply.mjs` POSTs `body` to `path`, and to `updatePath` when it already exists. */
export interface LiteLLMManagementRequest {
  path: '/team/new' | '/user/new' | '/key/generate';
  updatePath: '/team/update' | '/user/update' | '/key/update';
  body: { [key: string]: Json };
}

function litellmModel(ref: ModelRef): string {
  // LiteLLM picks the wire protocol from the model prefix; `azure/<deployment>` is its Azure provider.
  const prefix = azureResource(ref.provider) ? 'azure' : ref.provider.kind === 'anthropic' ? 'anthropic' : 'openai';
  return `${prefix}/${ref.model}`;
}

function deployment(policy: Policy, modelName: string, ref: ModelRef): { [key: string]: Json } {
  const p = ref.provider;
  const azure = azureResource(p);
  const params: { [key: string]: Json } = {
    model: litellmModel(ref),
    // LiteLLM's Azure provider appends /openai/deployments/<deployment>/… to the resource endpoint.
    api_base: azure ? azure.endpoint : p.baseUrl,
    timeout: (p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS) / 1000,
    // LiteLLM's stream_timeout bounds a streaming call's wait for its first byte, which is what
    // timeoutMs is; Tollgate's idleTimeoutMs (silence inside a stream) has no LiteLLM setting.
    stream_timeout: (p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS) / 1000,
  };
  // LiteLLM resolves `os.environ/NAME` at load time, so no key is ever written here. An Entra ID
  // token goes in azure_ad_token (sent as Bearer), a resource key in api_key (sent as api-key).
  params[azure?.entra ? 'azure_ad_token' : 'api_key'] = `os.environ/${p.apiKeyEnv}`;
  if (azure) params.api_version = azure.apiVersion;
  // Anthropic requires max_tokens and LiteLLM fills in its own when a client sends none (4096, or the
  // model's whole output limit in newer versions); Tollgate's budgets assume defaults.maxOutputTokens
  // for such a request, so that is the deployment's default. A client's own max_tokens still wins.
  if (litellmModel(ref).startsWith('anthropic/')) params.max_tokens = policy.defaults.maxOutputTokens;
  if (Object.keys(p.headers).length > 0) params.extra_headers = { ...p.headers };
  // LiteLLM prices a call by the name it sends (an Azure deployment is unpriced) unless base_model names another (cost_calculator.py _select_model_name_for_cost_calc).
  const priced = isGlob(ref.model) ? ref.model : priceAsModel(p, ref.model);
  return { model_name: modelName, litellm_params: params, ...(priced !== ref.model && { model_info: { base_model: litellmModel({ provider: p, model: priced }) } }) };
}

function warnProvider(p: ResolvedProvider, w: Warnings): void {
  const azure = azureResource(p);
  if (azure) {
    warnAzureVersion(p, w, TARGET);
    if (azure.entra)
      w.add(`providers.${p.name}.authHeader`, `${TARGET} sends ${p.apiKeyEnv} as a Microsoft Entra ID token (azure_ad_token), as Tollgate does; such a token expires within hours, so give ${TARGET} a service principal (tenant_id, client_id, client_secret) or a managed identity instead of a fixed token`);
    return;
  }
  if (p.authHeader !== PROTOCOLS[p.kind].authHeader)
    w.add(`providers.${p.name}.authHeader`, `${TARGET} sends keys the way the ${p.kind} protocol does; a "${p.authHeader}" header needs a custom deployment set up by hand`);
}

export function exportLiteLLM(written: Policy, source: ExportSource): ExportResult {
  const w = new Warnings();
  const policy = foldScopeNames(written, w, ['team', 'user']);
  // A rule that only renames a model becomes an alias; the renamed name is not a real model, and a
  // deployment for it would send "smart" upstream as openai/smart.
  const aliasOnly = new Set(policy.routing.rules.filter(isAliasRule).map((r) => r.match.model as string));
  const concrete = new Set(namedModels({ ...policy, routing: { ...policy.routing, rules: [] } }));
  const named = namedModels(policy).filter((m) => !aliasOnly.has(m) || concrete.has(m));
  // Only a name with a deployment of its own carries its priceAs (a wildcard deployment serves many names).
  warnLocalOnly(policy, w, TARGET, (p, name) => named.includes(name) && resolveModelRef(policy, name).provider.name === p.name);
  const providers = providersOf(policy);
  for (const p of providers) warnProvider(p, w);

  // --- model_list -------------------------------------------------------------------------
  const modelList: Json[] = [];
  for (const p of providers)
    if (!isDefault(p.idleTimeoutMs, () => 120_000))
      w.add(`providers.${p.name}.idleTimeoutMs`, `${TARGET} has no limit on silence inside a response; a stream from provider ${p.name} that stalls after its first byte waits until the client gives up, where Tollgate ends it after ${p.idleTimeoutMs} ms. Put an idle timeout on the load balancer in front of LiteLLM`);
  // Tier groups per provider ("small-openai"): Tollgate uses the tier model of the request's own
  // provider, and one "small" group would load-balance across providers.
  const tierGroup = (p: ResolvedProvider, tier: Tier): string => `${tier}-${p.name}`;
  for (const tier of TIERS)
    for (const p of providers) {
      const ref = providerTierModel(policy, p, tier);
      if (ref && configuredTiers(policy).length > 0) modelList.push(deployment(policy, tierGroup(p, tier), ref));
    }
  for (const name of named) {
    const ref = resolveModelRef(policy, name);
    const d = deployment(policy, name, ref);
    // A client may name the provider (`aoai/prod-4o`): the `aoai/*` wildcard would price it by the deployment name.
    const prefixed = `${ref.provider.name}/${ref.model}`;
    modelList.push(d, ...(d.model_info && !named.includes(prefixed) ? [{ ...d, model_name: prefixed }] : []));
  }
  // Providers whose `<name>/*` group another provider's glob of that exact name takes (below).
  const shadowedPrefixes = new Set(providers.filter((q) => providers.some((p) => p.kind !== q.kind && p.models.includes(`${q.name}/*`))).map((q) => q.name));
  for (const p of providers) {
    p.models.forEach((g, gi) => {
      if (!isGlob(g)) return;
      // Tollgate reads a leading "<provider>/" as the provider when that provider speaks the
      // request's protocol (providers/index.ts chooseProvider): such a glob never applies then.
      const owner = providers.find((q) => g.startsWith(`${q.name}/`));
      if (owner && owner.kind === p.kind)
        return w.add(`providers.${p.name}.models[${gi}]`, `Tollgate sends every model matching "${g}" to provider ${owner.name}, which its "${owner.name}/" prefix names (without the prefix), never to provider ${p.name}; the glob is not exported, and ${TARGET}'s ${owner.name}/* deployment does the same. Rename provider ${owner.name} or drop the glob if ${p.name} should serve these models`);
      // Another protocol's prefix (OpenRouter's "anthropic/*"): Tollgate sends the glob's own
      // protocol to that provider unchanged. Two deployments named "anthropic/*" would be one LiteLLM
      // group, load-balanced across both providers, so the glob keeps the name.
      if (owner && g === `${owner.name}/*`)
        w.add(`providers.${p.name}.models[${gi}]`, `Tollgate sends ${p.kind}-protocol requests for "${g}" to provider ${p.name} unchanged and ${owner.kind}-protocol ones to provider ${owner.name} without the "${owner.name}/" prefix; ${TARGET} has one "${g}" group, exported for provider ${p.name}, so ${owner.kind}-protocol clients asking for "${owner.name}/<model>" reach ${p.name} there. Such clients should send the bare model name`);
      // LiteLLM's wildcard routing (router_utils/pattern_match_deployments.py) turns only `*` into
      // `(.*)`, escapes everything else and matches from the start without anchoring the end.
      if (g.includes('?'))
        return w.add(`providers.${p.name}.models[${gi}]`, `${TARGET} wildcard model names know only "*"; "?" in "${g}" would match a literal "?", so the glob is not exported and models it matches reach provider ${p.name} only when named in the policy (a tier, a rule or a fallback); write the glob with "*"`);
      if (!g.endsWith('*'))
        w.add(`providers.${p.name}.models[${gi}]`, `${TARGET} matches the wildcard "${g}" against the start of the model name only: a longer name such as "${g.replaceAll('*', 'x')}-2" also goes to provider ${p.name}, and with the text after the match cut off (as "${g.replaceAll('*', 'x')}"), where Tollgate matches whole names and sends it elsewhere unchanged. End the glob with "*" or name the models`);
      modelList.push(deployment(policy, g, { provider: p, model: g }));
    });
    // Tollgate routes `name/model` to provider `name`; a provider wildcard does the same in LiteLLM.
    if (!shadowedPrefixes.has(p.name)) modelList.push(deployment(policy, `${p.name}/*`, { provider: p, model: '*' }));
  }
  warnWildcardOrder(policy, modelList, w);

  // model "auto": LiteLLM's complexity router picks a tier group per prompt, on each provider.
  if (configuredTiers(policy).length > 0) {
    for (const p of providers) {
      const tiers: { [key: string]: Json } = {};
      for (const [label, tier] of COMPLEXITY_TIERS) {
        const ref = providerTierModel(policy, p, tier);
        if (ref) tiers[label] = tierGroup(p, tier);
      }
      if (Object.keys(tiers).length === 0) continue;
      const name = p.name === 'openai' ? 'auto' : `${p.name}/auto`;
      modelList.push({
        model_name: name,
        litellm_params: { model: 'auto_router/complexity_router', complexity_router_config: { tiers }, complexity_router_default_model: tiers.MEDIUM ?? (Object.values(tiers)[0] as string) },
      });
    }
    w.add(
      'routing.thresholds',
      `exported as LiteLLM complexity routers (model "auto" for openai, "<provider>/auto" for the others; SIMPLE→small, MEDIUM→medium, COMPLEX and REASONING→large, each on its provider's tier group). LiteLLM scores prompts with its own classifier, so Tollgate's thresholds (medium ${policy.routing.thresholds.medium}, large ${policy.routing.thresholds.large}) are not carried over and the same prompt can land in another tier; tune complexity_router_config.tier_boundaries on the gateway`,
    );
  }

  // --- router_settings --------------------------------------------------------------------
  // One entry per model group: LiteLLM's router uses the first entry naming a group and never looks
  // at a second (get_fallback_model_group in litellm/router_utils/fallback_event_handlers.py stops
  // at the first exact match), while Tollgate tries every matching fallback in policy order. So
  // entries for the same group (a glob and an exact `from`, or two of either) are merged in order.
  const fallbackGroups = new Map<string, string[]>();
  const addFallbacks = (group: string, to: string[]): void => {
    const chain = fallbackGroups.get(group) ?? [];
    for (const t of to) if (t !== group && !chain.includes(t)) chain.push(t);
    fallbackGroups.set(group, chain);
  };
  policy.fallbacks.forEach((f, i) => {
    // The proxy matches `from` against the model and against `provider/model` (`*/gpt-4o` takes gpt-4o).
    const matches = (m: string): boolean => {
      const ref = resolveModelRef(policy, m);
      return globMatch(f.from, m) || globMatch(f.from, `${ref.provider.name}/${ref.model}`);
    };
    const froms = isGlob(f.from) ? named.filter(matches) : [f.from];
    // A model that is itself the fallback's only target has nothing to fall back to (the proxy skips
    // the failing target too): a glob matching only its own targets exports no entry at all.
    const effective = froms.filter((from) => f.to.some((t) => t !== from));
    if (effective.length === 0)
      w.add(
        `fallbacks[${i}].from`,
        froms.length === 0
          ? `${TARGET} fallbacks name model groups; the glob "${f.from}" matches no model named in the policy, so it is not exported`
          : `${TARGET} fallbacks name model groups; the glob "${f.from}" matches only its own fallback target (${froms.join(', ')}) among the models the policy names, so it is not exported: requests for other models matching it get no fallback on ${TARGET}`,
      );
    else if (isGlob(f.from))
      w.add(
        `fallbacks[${i}].from`,
        `${TARGET} fallbacks name model groups, not globs: "${f.from}" is exported for the models the policy names (${effective.join(', ')}); requests for other models matching it get no fallback on ${TARGET}. Name those models in the policy (a tier, a rule or a provider's models) to export them`,
      );
    // A bare `to` stays on the provider that failed, as in the proxy; LiteLLM's bare group may be another provider's.
    for (const [from, failing] of effective.map((m) => [m, resolveModelRef(policy, m).provider] as const))
      addFallbacks(from, f.to.map((t) => (fallbackRef(providers, failing, t).provider === failing && resolveModelRef(policy, t).provider.name !== failing.name ? `${failing.name}/${t}` : t)));
  });
  // LiteLLM keys fallbacks by model group: a request routed to a tier group ("auto", an alias) must
  // keep the fallbacks of the model the group serves, as Tollgate applies them after routing.
  const addChain = (group: string, ref: ModelRef): void => addFallbacks(group, fallbackChain(policy, ref.provider, ref.model).map((c) => `${c.provider.name}/${c.model}`));
  for (const tier of TIERS)
    for (const p of providers) {
      const ref = providerTierModel(policy, p, tier);
      if (ref && configuredTiers(policy).length > 0) addChain(tierGroup(p, tier), ref);
    }
  // So must a client naming the provider ("aoai/prod-4o"): LiteLLM finds the bare group's fallbacks only for its own
  // provider names (openai/, anthropic/; _check_stripped_model_group, router_utils/fallback_event_handlers.py).
  for (const ref of named.map((name) => resolveModelRef(policy, name))) if (!['openai', 'anthropic'].includes(ref.provider.name)) addChain(`${ref.provider.name}/${ref.model}`, ref);
  const fallbacks: Json[] = [...fallbackGroups].filter(([, to]) => to.length > 0).map(([from, to]) => ({ [from]: to }));

  const aliases: { [key: string]: Json } = {};
  const aliased = new Set<string>();
  policy.routing.rules.forEach((r, i) => {
    const field = `routing.rules[${i}]`;
    const m = r.match;
    if (readsSemanticThreshold(policy, r)) w.add(`${field}.semanticThreshold`, `${TARGET} has one similarity threshold for the whole cache, not per route`);
    if (!ruleRoutes(r)) return;
    if (isAliasRule(r)) {
      // A rule that only renames a model is a model-group alias; a tier goes to the tier group of
      // the provider that serves the renamed model (the request's own provider).
      const from = m.model as string;
      const first = !aliased.has(from);
      // Tollgate applies the first matching rule: a later rule renaming the same model never applies.
      aliased.add(from);
      if (!first)
        w.add(field, `rule "${r.name}" renames "${from}" like an earlier rule, which Tollgate applies first; not exported`);
      else if (r.model) {
        aliases[from] = r.model;
        warnRuleTarget(policy, w, TARGET, i);
      }
      else {
        const p = resolveModelRef(policy, from).provider;
        const ref = providerTierModel(policy, p, r.tier as Tier);
        if (ref) aliases[from] = tierGroup(p, r.tier as Tier);
        else w.add(field, `provider ${p.name}, which serves "${from}", has no tiers, so rule "${r.name}" does not apply in Tollgate either; not exported`);
      }
    } else {
      const target = r.model || (r.tier ? `${r.tier}-<provider>` : 'default');
      w.add(field, `${TARGET} routes by requested model only; a rule matching ${describeMatch(m)} cannot rewrite the model, so requests matching rule "${r.name}" keep the model they ask for on ${TARGET} (clients can call the "${target}" model group directly)`);
    }
  });

  const retryPolicy = retryPolicyFor(policy, w);
  const routerSettings: { [key: string]: Json } = {
    routing_strategy: 'simple-shuffle',
    num_retries: policy.retries.attempts,
    retry_after: policy.retries.backoffMs / 1000,
    retry_policy: retryPolicy,
  };
  if (fallbacks.length > 0) routerSettings.fallbacks = fallbacks;
  if (Object.keys(aliases).length > 0) routerSettings.model_group_alias = aliases;
  if (!isDefault(policy.retries.maxBackoffMs, (p) => p.retries.maxBackoffMs))
    w.add('retries.maxBackoffMs', `${TARGET} has no cap on retry backoff; retry_after sets only the minimum wait`);

  // --- litellm_settings -------------------------------------------------------------------
  const settings: { [key: string]: Json } = { cache: policy.cache.enabled };
  const c = policy.cache;
  if (c.enabled) {
    const params: { [key: string]: Json } = {
      // Redis connection comes from REDIS_HOST / REDIS_PORT / REDIS_PASSWORD in LiteLLM's environment.
      type: c.semantic.enabled ? 'redis-semantic' : 'redis',
      ttl: c.ttlSeconds,
      // Bumping policy cache.version moves every entry to a fresh namespace, as it does locally.
      namespace: `tollgate-v${c.version}`,
    };
    if (c.semantic.enabled) {
      params.similarity_threshold = c.semantic.threshold ?? 0.8;
      params.redis_semantic_cache_embedding_model = 'text-embedding-3-small';
      if (c.semantic.threshold === undefined)
        w.add('cache.semantic.threshold', `no threshold set: Tollgate uses its backend's calibrated value, ${TARGET} needs a number, 0.8 was written`);
      w.add('cache.semantic.backend', `${TARGET} embeds with an upstream embedding model (text-embedding-3-small); thresholds calibrated for Tollgate's local model may need retuning`);
    }
    // Tollgate applies excludeFeatures in its semantic stage only: with semantic caching off it changes nothing.
    if (c.semantic.enabled && c.semantic.excludeFeatures.length > 0)
      w.add('cache.semantic.excludeFeatures', `${TARGET} cannot skip the semantic cache by feature tag; those clients should send cache: {"no-cache": true}`);
    settings.cache_params = params;
  }

  // --- budgets and limits -----------------------------------------------------------------
  type Body = { [key: string]: Json };
  const teams = new Map<string, Body>();
  const users = new Map<string, Body>();
  const keys = new Map<string, Body>(); // by Tollgate key fingerprint
  // In every key's metadata, so apply.mjs tells this repository's old keys from another repository's on a shared team.
  const repository = source.repository ?? sha256(source.text).slice(0, 16);
  const keyBody = (fingerprint: string): Body => {
    let k = keys.get(fingerprint);
    if (!k) {
      k = { key_alias: `tollgate-${fingerprint}`, metadata: { tollgate_fingerprint: fingerprint, tollgate_repository: repository } };
      keys.set(fingerprint, k);
    }
    return k;
  };
  const entity = (kind: 'team' | 'user' | 'key', id: string): Body => {
    if (kind === 'key') return keyBody(id);
    const map = kind === 'team' ? teams : users;
    let e = map.get(id);
    if (!e) {
      // auto_create_key false: /user/new would otherwise mint a key per user besides the exported ones.
      // No `blocked: false`: /team/update writes only the fields a body sets (exclude_unset), so a
      // team an admin blocked by hand stays blocked when the export is applied again.
      e = kind === 'team' ? { team_id: id, team_alias: id } : { user_id: id, auto_create_key: false };
      map.set(id, e);
    }
    return e;
  };
  // A 0 limit refuses every call in Tollgate. LiteLLM reads litellm_settings.max_budget 0 as no proxy
  // budget (it checks only `max_budget > 0`) and refuses a team, user or key only once its recorded
  // spend is above max_budget, so 0 lets calls through until one is charged. A team or key takes
  // `blocked: true` instead (TeamBase.blocked, GenerateRequestBase.blocked in litellm/proxy/_types.py).
  // A user has no such flag (/user/new's `blocked` goes to the key it would mint): the keys this
  // export generates for a frozen user are blocked instead.
  const frozenUsers = new Set<string>();
  const freeze = (b: Policy['budgets'][number], field: string, zero: string): void => {
    const refuses = `"${b.name}" (${zero} per ${b.period}) refuses every call of ${describeOwner(b.scope)} in Tollgate`;
    const target = scopeKinds(b.scope).length === 0 ? undefined : entityFor(b.scope, field, w);
    if (!target) {
      if (scopeKinds(b.scope).length === 0)
        w.add(field, `${refuses}; ${TARGET} reads a proxy-wide max_budget of 0 as no budget and has no token budgets, so it is not exported and ${TARGET} lets every request through. Stop traffic there by blocking its keys (/key/block)`);
    } else {
      if (b.action !== 'block') w.add(`${field}.action`, `${TARGET} refuses the blocked ${target.kind}'s requests; "${b.action}" is not available`);
      if (target.kind === 'user') {
        entity('user', target.id);
        frozenUsers.add(target.id);
        w.add(field, `${refuses}; a ${TARGET} user cannot be blocked and a user budget refuses only once recorded spend is above it, so the keys generated here for user ${target.id} are exported as blocked: true; block any other key of theirs (/key/block). Raising the budget in the policy and re-applying unblocks the keys this export blocked`);
        return;
      }
      entity(target.kind, target.id).blocked = true;
      w.add(field, `${refuses}; exported as blocked: true on ${target.kind} ${target.id} (a max_budget of 0 would let calls through until ${TARGET} records spend above 0). Raising the budget in the policy and re-applying unblocks the ${target.kind} (apply.mjs marks what it blocks in metadata.tollgate_frozen; a ${target.kind} an admin blocked stays blocked)`);
    }
  };
  let globalBudget = false;
  policy.budgets.forEach((b, i) => {
    const field = `budgets[${i}]`;
    const kinds = scopeKinds(b.scope);
    if (skipMonitorOnlyBudget(b, field, w, TARGET)) return;
    const zero = zeroLimit(b);
    if (zero) {
      freeze(b, field, zero);
      return;
    }
    if (b.usd === undefined) {
      w.add(`${field}.tokens`, `${TARGET} budgets are in USD only; the ${b.tokens} token budget "${b.name}" is not exported, so ${describeOwner(b.scope)} can use any number of tokens per ${b.period} on ${TARGET}. Set a tpm_limit there if a rate cap is enough`);
      return;
    }
    // Where it goes first: a budget that is not exported gets that one warning, not also how
    // its threshold and action would have differed.
    if (kinds.length === 0 && globalBudget) {
      w.add(field, `${TARGET} has one proxy-wide budget; "${b.name}" ($${b.usd} per ${b.period}) is a second one and is not exported, so only the first caps total spend. Put it on a team instead`);
      return;
    }
    const target = kinds.length === 0 ? undefined : entityFor(b.scope, field, w);
    if (kinds.length > 0 && !target) return;
    if (b.tokens !== undefined) w.add(`${field}.tokens`, `${TARGET} budgets are in USD only; the token cap of "${b.name}" is dropped, its USD cap is exported`);
    if (b.action !== 'block') w.add(`${field}.action`, `${TARGET} blocks when a budget is exhausted; "${b.action}" is not available`);
    w.add(`${field}.warnAt`, `${TARGET} has no per-budget warning threshold (${b.warnAt}); use its budget alerting instead`);
    const duration = periodDuration(b.period, 'litellm');
    if (!target) {
      globalBudget = true;
      settings.max_budget = b.usd;
      settings.budget_duration = duration;
      return;
    }
    const e = entity(target.kind, target.id);
    if (e.max_budget === undefined) {
      e.max_budget = b.usd;
      e.budget_duration = duration;
    } else {
      // Several windows (e.g. a daily and a monthly cap): LiteLLM's budget_limits, each resetting on its own.
      const limits = (e.budget_limits as Json[] | undefined) ?? [];
      limits.push({ budget_duration: duration, max_budget: b.usd });
      e.budget_limits = limits;
    }
  });
  policy.rateLimits.forEach((r, i) => {
    const field = `rateLimits[${i}]`;
    if (scopeKinds(r.scope).length === 0)
      return w.add(field, `${TARGET} has no proxy-wide rpm/tpm limit; limit "${r.name}" is not exported (set limits per team, user or key)`);
    const target = entityFor(r.scope, field, w);
    if (!target) return;
    const e = entity(target.kind, target.id);
    if (e.rpm_limit !== undefined || e.tpm_limit !== undefined)
      return w.add(field, `a ${TARGET} ${target.kind} has one rpm/tpm limit; "${r.name}" is a second one and is not exported`);
    if (r.rpm !== undefined) e.rpm_limit = r.rpm;
    if (r.tpm !== undefined) e.tpm_limit = r.tpm;
  });

  policy.tags.keys.forEach((k, i) => {
    const body = keyBody(k.fingerprint);
    if (k.team !== undefined) body.team_id = k.team;
    if (k.user !== undefined) body.user_id = k.user;
    if (k.feature !== undefined) body.tags = [k.feature];
    w.add(`tags.keys[${i}]`, `${TARGET} issues its own virtual keys: a new key (alias tollgate-${k.fingerprint}) is generated with these tags and must be handed to the key's owner`);
  });
  for (const fp of keys.keys())
    if (!policy.tags.keys.some((k) => k.fingerprint === fp))
      w.add('budgets', `${TARGET} keys are its own: key tollgate-${fp} is generated with the budget/limit of Tollgate key ${fp} and must replace that key in its owner's clients, or the budget applies to nobody`);
  // LiteLLM charges a team or user through the keys that belong to it: give each one without a key its own.
  for (const id of teams.keys())
    if (![...keys.values()].some((k) => k.team_id === id)) {
      const alias = keyAlias('team', id);
      keys.set(`team-${id}`, { key_alias: alias, team_id: id, metadata: { tollgate_repository: repository } });
      w.add(`teams.${id}`, `${TARGET} enforces team "${id}"'s budget and limits only on requests made with one of its keys, and no policy key belongs to it: key ${alias} is generated for it; team "${id}"'s clients must use it, or their spend is not charged to the team`);
    }
  for (const id of users.keys())
    if (![...keys.values()].some((k) => k.user_id === id)) {
      const alias = keyAlias('user', id);
      keys.set(`user-${id}`, { key_alias: alias, user_id: id, metadata: { tollgate_repository: repository } });
      // A frozen user's key is generated blocked: the budget's own warning says so.
      if (!frozenUsers.has(id))
        w.add(`users.${id}`, `${TARGET} enforces user "${id}"'s budget and limits only on requests made with one of their keys, and no policy key belongs to them: key ${alias} is generated; user "${id}" must use it`);
    }

  // A key or team frozen here carries a mark, so apply.mjs unblocks it once the policy no longer freezes it, never one an admin blocked.
  for (const k of keys.values()) if (typeof k.user_id === 'string' && frozenUsers.has(k.user_id)) k.blocked = true;
  for (const e of [...keys.values(), ...teams.values()]) if (e.blocked) e.metadata = { ...(e.metadata as Body | undefined), tollgate_frozen: true, tollgate_repository: repository };

  const requests: LiteLLMManagementRequest[] = [];
  for (const id of [...teams.keys()].sort()) requests.push({ path: '/team/new', updatePath: '/team/update', body: teams.get(id) as Body });
  for (const id of [...users.keys()].sort()) requests.push({ path: '/user/new', updatePath: '/user/update', body: users.get(id) as Body });
  for (const id of [...keys.keys()].sort()) requests.push({ path: '/key/generate', updatePath: '/key/update', body: keys.get(id) as Body });

  if (!isDefault(policy.defaults.maxOutputTokens, (p) => p.defaults.maxOutputTokens) || policy.budgets.length > 0)
    w.add('defaults.maxOutputTokens', `${TARGET} charges budgets after the call from actual usage; there is no assumed output size for reservations`);

  const config: { [key: string]: Json } = {
    model_list: modelList,
    router_settings: routerSettings,
    litellm_settings: settings,
  };
  const warnings = w.all();
  const header = [provenance(source.file, source.text), 'Budgets and limits per team/user/key are in management.json (LiteLLM keeps them in its database); see README.md.'];
  const management: Json = { repository, ...(source.origin !== undefined && { origin: source.origin }), requests: requests.map((r) => ({ ...r }) as unknown as Json) };
  return {
    files: [
      { path: 'config.yaml', content: stableYaml(config, header) },
      { path: 'management.json', content: stableJson(management) },
      { path: 'apply.mjs', content: applyScript(source) },
      { path: 'README.md', content: renderReadme('LiteLLM proxy export', source, readmeIntro(requests.length), warnings, GATEWAY_PINS.litellm) },
    ],
    warnings,
  };
}

/**
 * The alias of a team's or user's generated key, valid under LiteLLM's optional alias check
 * (`enable_key_alias_format_validation`: 2-255 of a-zA-Z0-9_-/.@, first and last a letter or digit).
 */
const keyAlias = (kind: 'team' | 'user', id: string): string =>
  spelledIn(`tollgate-${kind}-`, id, /[^A-Za-z0-9_\-/.@]/g, (alias) => alias.length <= 255 && /[A-Za-z0-9]$/.test(alias));

/** Characters Python's re.escape (3.7+) escapes: LiteLLM orders its wildcards by the escaped length. */
const PY_ESCAPED = /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g;
const PY_COMPLEXITY = /[*+?\\^$|()]/g;

/** LiteLLM's regex for a wildcard model_name (PatternMatchRouter._pattern_to_regex). */
const wildcardRegex = (modelName: string): string => modelName.replace(PY_ESCAPED, '\\$&').replaceAll('\\*', '(.*)');

/**
 * Overlapping model globs of two providers of one protocol: the proxy takes the first provider in
 * its order (policy/modelProvider.ts). LiteLLM's PatternMatchRouter (router_utils/
 * pattern_match_deployments.py) tries wildcards by specificity — longer regex first, then more regex
 * characters, ties in model_list order — and identical patterns share one group, load-balanced.
 * Where that picks the later provider for a name both match, warn on its glob, naming both patterns
 * and such a name. (Named models are exact groups, resolved in the proxy's order, which win in both.)
 */
function warnWildcardOrder(policy: Policy, modelList: Json[], w: Warnings): void {
  const position = (name: string): number => modelList.findIndex((d) => (d as { model_name?: string }).model_name === name);
  const rank = (g: string): [number, number] => [wildcardRegex(g).length, wildcardRegex(g).match(PY_COMPLEXITY)?.length ?? 0];
  const exported = (g: string): boolean => isGlob(g) && !g.includes('?');
  const providers = resolveProviders(policy);
  for (const [name, overlaps] of earlierOverlaps(policy))
    for (const o of overlaps) {
      if (!exported(o.own) || !exported(o.glob)) continue;
      const [a, b] = [rank(o.glob), rank(o.own)];
      const same = wildcardRegex(o.glob) === wildcardRegex(o.own);
      const laterFirst = b[0] > a[0] || (b[0] === a[0] && (b[1] > a[1] || (b[1] === a[1] && position(o.own) < position(o.glob))));
      if (!same && !laterFirst) continue;
      w.add(
        `providers.${name}.models[${providers.get(name)?.models.indexOf(o.own) ?? -1}]`,
        same
          ? `${TARGET} merges the wildcard "${o.own}" of providers ${o.provider.name} and ${name} into one group and load-balances between them, where Tollgate sends every model it matches (such as "${o.example}") to ${o.provider.name}, the earlier provider; keep the glob on one provider`
          : `${TARGET} tries the more specific wildcard "${o.own}" (provider ${name}) before "${o.glob}" (provider ${o.provider.name}), where Tollgate takes the first provider in its order (openai, anthropic, then the policy's providers as written): a model both match, such as "${o.example}", goes to ${name} on ${TARGET} and to ${o.provider.name} in Tollgate. Name such models in the policy (an exact model wins in both), or make the globs disjoint`,
      );
    }
}

/** A rule that only renames one exact model: LiteLLM can express it as a model-group alias. */
function isAliasRule(r: Policy['routing']['rules'][number]): boolean {
  const m = r.match;
  // An empty `model` is no model: the proxy routes such a rule by its tier (route.ts tests `rule.model` for truth).
  return m.model !== undefined && !isGlob(m.model) && m.feature === undefined && m.header === undefined && m.provider === undefined && m.minInputTokens === undefined && m.maxInputTokens === undefined && (!!r.model || r.tier !== undefined);
}

function describeMatch(m: Policy['routing']['rules'][number]['match']): string {
  const parts: string[] = [];
  if (m.feature !== undefined) parts.push(`feature ${m.feature}`);
  if (m.model !== undefined) parts.push(`model ${m.model}`);
  if (m.provider !== undefined) parts.push(`provider ${m.provider}`);
  if (m.header !== undefined) parts.push(`headers ${Object.keys(m.header).sort().join(', ')}`);
  if (m.minInputTokens !== undefined) parts.push(`≥${m.minInputTokens} input tokens`);
  if (m.maxInputTokens !== undefined) parts.push(`≤${m.maxInputTokens} input tokens`);
  return parts.length ? parts.join(' and ') : 'every request';
}

/** Team or user a scope maps to, or a warning when LiteLLM has no entity for it. */
function entityFor(scope: Policy['budgets'][number]['scope'], field: string, w: Warnings): { kind: 'team' | 'user' | 'key'; id: string } | undefined {
  const kinds = scopeKinds(scope);
  if (kinds.length > 1) {
    w.add(`${field}.scope`, `${TARGET} limits one entity at a time; the combined scope ${kinds.join('+')} is not exported`);
    return undefined;
  }
  const kind = kinds[0];
  const value = kind ? scope[kind] : undefined;
  if ((kind === 'team' || kind === 'user' || kind === 'key') && value !== undefined) {
    if (isGlob(value)) {
      w.add(`${field}.scope.${kind}`, `${TARGET} ${kind}s are named, not matched; the glob "${value}" is not exported`);
      return undefined;
    }
    return { kind, id: value };
  }
  if (kind === 'feature') w.add(`${field}.scope.feature`, `${TARGET} has no per-feature budgets or limits in its open-source proxy; not exported`);
  return undefined;
}

/**
 * LiteLLM retries per exception class, its class of a status (litellm_core_utils/exception_mapping_utils.py):
 * 429 RateLimitError, 500 and Anthropic's 529 InternalServerError, 503 ServiceUnavailableError, 408, 504 and
 * its own timeouts Timeout; 502 (BadGatewayError) and connection failures have no field: num_retries. Some
 * releases' router reads no InternalServerErrorRetries or ServiceUnavailableErrorRetries either
 * (router_utils/get_retry_from_policy.py @ 51dc44e, 00cd2a4), so there 500, 529 and 503 get num_retries too.
 */
function retryPolicyFor(policy: Policy, w: Warnings): { [key: string]: Json } {
  const on = new Set(policy.retries.retryOn.map(String));
  const n = policy.retries.attempts;
  const timeouts = ['timeout', '408', '504'].filter((c) => on.has(c));
  if (timeouts.length > 0 && !(on.has('timeout') && on.has('504')))
    w.add('retries.retryOn', `${TARGET} retries its own timeouts, 408 and 504 alike (Timeout); retrying only ${timeouts.join(', ')} is not expressible`);
  // Said where the policy names an Anthropic-protocol provider or its own retryOn, not on every export.
  const asked = !isDefault(policy.retries.retryOn, (p) => p.retries.retryOn) || providersOf(policy).some((p) => p.kind === 'anthropic' && p.name in policy.providers);
  if (asked && on.has('529') !== on.has('500'))
    w.add('retries.retryOn', on.has('500') ? `${TARGET} retries Anthropic's 529 overloaded_error as an InternalServerError, like 500, where Tollgate (no 529 in retryOn) answers it at once` : `${TARGET} retries Anthropic's 529 overloaded_error only as an InternalServerError, like 500, which retryOn leaves out, so 529 is not retried (except num_retries times by releases that read no InternalServerErrorRetries)`);
  const unfielded = ['500', '503'].filter((c) => !on.has(c)).map((c) => (c === '500' && !on.has('529') ? "500 (and Anthropic's 529)" : c));
  if (n > 0 && !on.has('502')) w.add('retries.retryOn', `${TARGET} retries 502 (BadGatewayError, which its retry_policy has no field for) num_retries times; excluding 502 is not expressible`);
  if (n > 0 && unfielded.length > 0) w.add('retries.retryOn', `${TARGET} releases whose router reads no InternalServerErrorRetries or ServiceUnavailableErrorRetries retry ${unfielded.join(' and ')} num_retries times all the same; check your release's litellm/router_utils/get_retry_from_policy.py`);
  const unsupported = [...on].filter((c) => !['408', '429', '500', '502', '503', '504', '529', 'timeout', 'connect'].includes(c));
  if (unsupported.length > 0) w.add('retries.retryOn', `${TARGET} cannot retry on status ${unsupported.join(', ')}`);
  if (!on.has('connect')) w.add('retries.retryOn', `${TARGET} always retries connection errors (num_retries); excluding "connect" is not expressible`);
  return {
    BadRequestErrorRetries: 0,
    AuthenticationErrorRetries: 0,
    ContentPolicyViolationErrorRetries: 0,
    RateLimitErrorRetries: on.has('429') ? n : 0,
    InternalServerErrorRetries: on.has('500') ? n : 0,
    ServiceUnavailableErrorRetries: on.has('503') ? n : 0,
    TimeoutErrorRetries: timeouts.length > 0 ? n : 0,
  };
}

function readmeIntro(requestCount: number): string[] {
  return [
    'Files:',
    '',
    '- `config.yaml`: start the proxy with `litellm --config config.yaml`. Provider keys are read from the environment (`os.environ/NAME`); the cache uses Redis from `REDIS_HOST`/`REDIS_PORT`/`REDIS_PASSWORD`.',
    `- \`management.json\`: ${requestCount} management-API call(s) for team, user and key budgets and rate limits.`,
    '- `apply.mjs`: `LITELLM_URL=https://litellm.example LITELLM_MASTER_KEY=… node apply.mjs` posts them (creating, or updating what exists). LiteLLM shows a new key only once: their values are written to `LITELLM_KEYS_FILE` (default: `keys.txt` in a new folder of the temporary folder, named in the output), one `alias key` per line, readable by you alone; hand each to its owner and delete the file.',
    '',
    "Why two parts: LiteLLM reads models, routing and caching from its config file, but keeps teams, users, keys and their budgets/limits in its database, created through the management API. A config file cannot set them, so they are exported as the API payloads instead.",
  ];
}

function applyScript(source: ExportSource): string {
  return `// ${provenance(source.file, source.text)}
// Applies management.json to a running LiteLLM proxy: creates each team/user/key, or updates it when it exists.
// Usage: LITELLM_URL=http://127.0.0.1:4000 LITELLM_MASTER_KEY=sk-... [LITELLM_KEYS_FILE=new-keys.txt] node apply.mjs
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const base = (process.env.LITELLM_URL ?? 'http://127.0.0.1:4000').replace(/\\/+$/, '');
const key = process.env.LITELLM_MASTER_KEY;
if (!key) {
  console.error('set LITELLM_MASTER_KEY (the proxy admin key; it is only sent to LITELLM_URL, never written anywhere)');
  process.exit(2);
}
const { repository, requests } = JSON.parse(readFileSync(new URL('./management.json', import.meta.url), 'utf8'));
// An earlier Tollgate's management.json has no repository id: this script would name every key without one (an admin's too) to delete.
if (typeof repository !== 'string' || !Array.isArray(requests) || !requests.every((r) => r?.updatePath && r.body)) {
  console.error('management.json was written by an earlier Tollgate than this apply.mjs (no repository id or update paths); nothing was sent. Export again (tollgate policy export --target litellm) so both files come from one export, then run apply.mjs');
  process.exit(2);
}
const call = (path, body) =>
  fetch(base + path, { method: body ? 'POST' : 'GET', headers: { authorization: \`Bearer \${key}\`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
// Every key /key/list returns for a query (admins see all keys), to the last page or an empty one; undefined when a page cannot be read.
async function listKeys(query) {
  const all = [];
  for (let page = 1, pages = 1; page <= pages; page++) {
    const res = await call(\`/key/list?return_full_object=true&size=100&page=\${page}\${query}\`);
    if (!res.ok) return undefined;
    const { keys, total_pages } = await res.json();
    all.push(...(keys ?? []).filter((k) => k && typeof k === 'object'));
    pages = keys?.length ? (total_pages ?? 1) : 0;
  }
  return all;
}
// LiteLLM shows a new key once, in /key/generate's answer: kept in a file only this user can read, never in the log;
// by default in a new folder of its own (mode 700), not at a name another user of the shared temporary folder could create first.
let keysFile = process.env.LITELLM_KEYS_FILE;
let failed = 0;
let created = 0;
const report = (res, what, label, why = '') => {
  console.log(\`\${res.ok ? 'ok  ' : 'FAIL'} \${what} \${label} (\${res.status})\${why}\`);
  if (!res.ok) failed++;
};
for (const r of requests) {
  let res = await call(r.path, r.body);
  let why = '';
  if (res.ok && r.path === '/key/generate') {
    const { key: value } = await res.json().catch(() => ({}));
    if (value) {
      keysFile ||= join(mkdtempSync(join(tmpdir(), 'litellm-new-keys-')), 'keys.txt');
      appendFileSync(keysFile, \`\${r.body.key_alias} \${value}\\n\`, { mode: 0o600 });
      created++;
    }
  } else if (!res.ok) {
    // It exists: /key/update names a key by its token, so the key is found by its exact alias (aliases are
    // unique; /key/list may match them by substring), and /key/update and /team/update write a body's
    // metadata whole, so what an admin stored there is read first and kept.
    const isKey = r.updatePath === '/key/update';
    const info = isKey ? undefined : await call(\`/team/info?team_id=\${encodeURIComponent(r.body.team_id)}\`);
    const found = isKey ? (await listKeys(\`&key_alias=\${encodeURIComponent(r.body.key_alias)}\`))?.find((k) => k.key_alias === r.body.key_alias) : info.ok ? (await info.json()).team_info : undefined;
    const body = { ...r.body, ...(found && r.body.metadata && { metadata: { ...found.metadata, ...r.body.metadata } }), ...(found?.token && { key: found.token }) };
    if (found || (!isKey && !r.body.metadata)) res = await call(r.updatePath, body);
    else why = isKey ? ': no key with this alias in /key/list' : \`: /team/info answered \${info.status}, so the team was not updated (its metadata would have been replaced)\`;
  }
  report(res, r.path, r.body.key_alias ?? r.body.team_id ?? r.body.user_id, why);
}
// Only what this export names is its own (another repository's export may be applied here): a team or key it froze
// (metadata.tollgate_frozen; an admin's block has no mark) and no longer freezes is unblocked; a key of this repository's
// (metadata.tollgate_repository) it no longer makes is said; what another repository's export made is not mentioned.
const named = new Map(requests.filter((r) => r.path !== '/user/new').map((r) => [r.path === '/team/new' ? \`team \${r.body.team_id}\` : \`key \${r.body.key_alias}\`, r.body]));
const teamList = await call('/team/list');
const teams = teamList.ok ? await teamList.json() : [];
const keys = await listKeys('');
if (!teamList.ok || !keys) report({ status: teamList.ok ? '/key/list failed' : teamList.status }, '/team/list', 'and /key/list', ': teams and keys this export froze earlier were not checked for unblocking');
const listed = [
  ...(Array.isArray(teams) ? teams : []).map((row) => ({ row, path: '/team', id: { team_id: row.team_id }, name: \`team \${row.team_id}\` })),
  ...(keys ?? []).map((row) => ({ row, path: '/key', id: { key: row.token }, name: \`key \${row.key_alias}\` })),
];
for (const { row, path, id, name } of listed) {
  const mine = named.get(name);
  const frozen = row?.blocked && row.metadata?.tollgate_frozen === true;
  if (mine) {
    if (frozen && !mine.blocked) report(await call(\`\${path}/update\`, { ...id, blocked: false, metadata: { ...row.metadata, tollgate_frozen: false } }), 'unblocked', name);
  } else if (path === '/key' && row?.metadata?.tollgate_repository === repository)
    console.log(\`WARN \${name} is no longer in this export (its alias changed, its owner left the policy, or a policy key took its place) and \${row.blocked ? 'is blocked:' : 'still works: hand out the new key, if any, then'} delete it (/key/delete)\`);
  // A mark written before exports carried a repository id may be this repository's, so it is said too.
  else if (frozen && (row.metadata.tollgate_repository ?? repository) === repository) console.log(\`note \${name} stays blocked: a Tollgate export froze it and this policy does not name it; if this policy froze it, unblock it (\${path}/unblock)\`);
}
if (created) console.log(\`\${created} new key(s) written to \${keysFile} (alias, key per line): hand each to its owner, then delete the file\`);
process.exit(failed ? 1 : 0);
`;
}
