/**
 * Policy → Bifrost gateway `config.json` (Bifrost v1.5.0+, config `version` 2: see versions.ts).
 *
 * Providers carry their keys as `env.VAR` references (Bifrost resolves them at load time; no key is
 * written). The `governance` block holds budgets, rate limits, teams, virtual keys and routing
 * rules (CEL). Bifrost charges budgets only through the virtual key a request carries, so every
 * owner gets one: a global budget becomes a customer with a key, a team without a policy key gets
 * one of its own. Virtual keys allow all provider keys and models explicitly (`["*"]`: an empty list
 * denies everything), budgets are calendar-aligned like Tollgate's, token budgets become token rate
 * limits over the budget's period, and tier rules become one rule per provider so a request keeps
 * its provider. The cache is Bifrost's semantic_cache plugin.
 */
import { DEFAULT_FIRST_BYTE_MS, type Policy, type ResolvedProvider, ruleRoutes, type Scope, type Tier } from '../policy/schema';
import { PROTOCOLS } from '../providers/protocol';
import { globMatch } from '../routing/glob';
import { fromGlobsOn } from './globOverlap';
import { renderReadme } from './readme';
import type { ModelRef } from './shared';
import {
  azureResource,
  configuredTiers,
  globToRegex,
  isDefault,
  isGlob,
  periodDuration,
  periodLabel,
  privateNetworkHost,
  providerTierModel,
  fallbackChain,
  foldScopeNames,
  providersOf,
  resolveModelRef,
  readsSemanticThreshold,
  scopeKinds,
  skipMonitorOnlyBudget,
  spelledIn,
  TAG_HEADER,
  uniqueNamer,
  isAzureV1BaseUrl,
  Warnings,
  warnAzureDeployment,
  warnLocalOnly,
  warnRuleTarget,
} from './shared';
import type { Json } from './stable';
import { byCodePoint, stableJson } from './stable';
import { GATEWAY_PINS } from './versions';
import type { ExportResult, ExportSource } from './types';

const TARGET = 'Bifrost';
type JsonObject = { [key: string]: Json };

/** Provider names Bifrost defines itself with their own key shapes; a custom provider must not take one. */
const BIFROST_NAMED = new Set([
  'bedrock', 'bedrock_mantle', 'cohere', 'azure', 'vertex', 'mistral', 'ollama', 'groq', 'gemini', 'opencode-go', 'opencode-zen',
  'openrouter', 'sgl', 'parasail', 'perplexity', 'replicate', 'elevenlabs', 'deepgram', 'cerebras', 'deepseek', 'vllm',
  'huggingface', 'fireworks', 'nebius', 'xai', 'runway', 'runware', 'sarvam',
]);

const GLOBAL_CUSTOMER = 'tollgate-global';
/**
 * The paths Tollgate calls after an OpenAI-protocol base URL, per Bifrost request type (core/schemas
 * RequestType), for a custom provider whose base URL does not end in /v1: Bifrost would otherwise
 * call `<base_url>/v1/chat/completions`.
 */
const OPENAI_PATHS: JsonObject = {
  chat_completion: '/chat/completions',
  chat_completion_stream: '/chat/completions',
  text_completion: '/completions',
  text_completion_stream: '/completions',
  embedding: '/embeddings',
  responses: '/responses',
  responses_stream: '/responses',
  list_models: '/models',
};
/** A conversation length no client reaches: Bifrost then caches conversations of any length, as Tollgate does. */
const CACHE_ANY_CONVERSATION = 10_000;


/** The characters a URL path segment carries unencoded (encodeURIComponent leaves them as they are). */
const URL_UNSAFE = /[^A-Za-z0-9_.-]/g;

/**
 * An id Bifrost's management API and UI can address. Team and virtual-key ids are path segments there
 * (`/api/governance/teams/{team_id}`, `/virtual-keys/{vk_id}`); its router matches the raw,
 * percent-encoded path and the handlers look the segment up as it came (fasthttp/router `PathOriginal`,
 * transports/bifrost-http/handlers/governance.go @ 014133a), so a team "a b/c" or "Équipe" could not be
 * read, edited or deleted there. The human name stays in `name`. Rate-limit ids follow the same rule
 * (`rl-team-…`), so they do not move when the policy is reordered either.
 */
const addressableId = (prefix: string, name: string): string => spelledIn(prefix, name, URL_UNSAFE);

function cel(s: string): string {
  return JSON.stringify(s); // a JSON string literal is a valid CEL string literal
}

export function exportBifrost(written: Policy, source: ExportSource): ExportResult {
  const w = new Warnings();
  const policy = foldScopeNames(written, w, ['team']);
  warnLocalOnly(policy, w, TARGET);
  warnRetryOn(policy, w);
  const providers = providersOf(policy);

  // --- providers --------------------------------------------------------------------------
  const bifrostName = new Map<string, string>();
  const providerBlock: JsonObject = {};
  // A renamed provider must not take the name of another policy provider ("ollama" and "ollama-tollgate").
  const providerName = uniqueNamer(providers.filter((p) => !BIFROST_NAMED.has(p.name)).map((p) => p.name));
  // Azure resources become keys of Bifrost's own azure provider: it sends the key as api-key to
  // <endpoint>/openai/deployments/<model>/…, where Bifrost's openai provider would send a Bearer token.
  const azure = providers.filter((p) => azureResource(p));
  for (const p of azure) {
    bifrostName.set(p.name, 'azure');
    if (p.name !== 'azure')
      w.add(`providers.${p.name}`, `${TARGET} serves Azure OpenAI through its own provider "azure", so this Azure resource is exported as a key of it and clients name its models "azure/<model>", not "${p.name}/<model>"`);
  }
  if (azure.length > 1)
    w.add('providers', `${TARGET} has one azure provider: the Azure resources ${azure.map((p) => p.name).join(', ')} are exported as its keys, and ${TARGET} spreads requests over them by weight, where Tollgate sends each request to the provider its model or prefix names; keep one Azure resource per ${TARGET} deployment, or give each key the models its resource deploys`);
  const [firstAzure] = azure;
  // Network settings are per provider in Bifrost: the first Azure resource's are the azure provider's.
  for (const p of azure.slice(1))
    if (Object.keys(p.headers).length > 0 || p.timeoutMs !== firstAzure?.timeoutMs || p.idleTimeoutMs !== firstAzure?.idleTimeoutMs)
      w.add(`providers.${p.name}`, `${TARGET}'s azure provider has one set of network settings, those of provider ${firstAzure?.name}: the headers and timeouts of provider ${p.name} are not exported`);
  if (firstAzure) providerBlock.azure = providerConfig(firstAzure, 'azure', policy, w, azure);
  for (const p of providers) {
    if (azureResource(p)) continue;
    let name = p.name;
    if (BIFROST_NAMED.has(name)) {
      name = providerName(`${name}-tollgate`);
      w.add(`providers.${p.name}`, `"${p.name}" is a built-in ${TARGET} provider with its own settings; this ${p.kind}-compatible upstream is exported as custom provider "${name}", so clients name its models "${name}/<model>"`);
    }
    bifrostName.set(p.name, name);
    providerBlock[name] = providerConfig(p, name, policy, w);
  }
  const bref = (ref: ModelRef): string => `${bifrostName.get(ref.provider.name)}/${ref.model}`;

  // --- governance: owners, budgets, rate limits -------------------------------------------
  const budgets: JsonObject[] = [];
  const limits = new Map<string, JsonObject>(); // by owner key
  const teams = new Map<string, JsonObject>();
  const vks = new Map<string, JsonObject>();
  let customer: JsonObject | undefined;
  // Since Bifrost v1.5.0 (config version 2) an empty key_ids or allowed_models denies everything:
  // ["*"] is what lets a virtual key use the provider's keys and models at all.
  const allProviders: Json[] = providers.map((p) => ({ provider: bifrostName.get(p.name) as string, allowed_models: ['*'], key_ids: ['*'], weight: 1 }));

  // Bifrost keys teams and virtual keys by id: the namer keeps a hashed id from meeting a name written that way.
  const governanceId = uniqueNamer();
  const vk = (fingerprint: string): JsonObject => {
    let v = vks.get(fingerprint);
    if (!v) {
      // calendar_aligned on every owner: budgets and rate limits reset on the calendar day/week/month, as Tollgate's do
      // (else they roll from first use). Bifrost reads it from the owner; a top-level budget's own is not promoted to its team.
      v = { id: governanceId(addressableId('vk-', fingerprint)), name: `tollgate ${fingerprint}`, is_active: true, calendar_aligned: true, provider_configs: allProviders };
      vks.set(fingerprint, v);
    }
    return v;
  };
  const team = (id: string): JsonObject => {
    let t = teams.get(id);
    if (!t) {
      t = { id: governanceId(addressableId('team-', id)), name: id, calendar_aligned: true };
      teams.set(id, t);
    }
    return t;
  };
  const owner = (scope: Scope, field: string): { key: string; obj: JsonObject } | undefined => {
    const kinds = scopeKinds(scope);
    if (kinds.length === 0) {
      customer ??= { id: GLOBAL_CUSTOMER, name: 'Everyone (Tollgate global scope)', calendar_aligned: true };
      return { key: 'global', obj: customer };
    }
    if (kinds.length > 1) {
      w.add(`${field}.scope`, `${TARGET} attaches limits to one owner; the combined scope ${kinds.join('+')} is not exported`);
      return undefined;
    }
    const kind = kinds[0] as keyof Scope;
    const value = scope[kind] as string;
    // A user or feature glob has no owner to name either: say that first.
    if (kind !== 'team' && kind !== 'key') w.add(`${field}.scope.${kind}`, `${TARGET}'s governance has no ${kind} owner (only customers, teams and virtual keys); not exported — give each ${kind} its own virtual key`);
    else if (isGlob(value)) w.add(`${field}.scope.${kind}`, `${TARGET} owners are named, not matched; the glob "${value}" is not exported`);
    else return kind === 'team' ? { key: `team:${value}`, obj: team(value) } : { key: `key:${value}`, obj: vk(value) };
    return undefined;
  };
  const limitId = uniqueNamer();
  const limitFor = (o: { key: string; obj: JsonObject }): JsonObject => {
    let l = limits.get(o.key);
    if (!l) {
      const sep = o.key.indexOf(':');
      l = { id: limitId(sep < 0 ? `rl-${o.key}` : addressableId(`rl-${o.key.slice(0, sep)}-`, o.key.slice(sep + 1))) };
      limits.set(o.key, l);
      o.obj.rate_limit_id = l.id as string;
    }
    return l;
  };

  policy.budgets.forEach((b, i) => {
    const field = `budgets[${i}]`;
    // Before owner(): a budget left out must not create a team, customer or virtual key.
    if (skipMonitorOnlyBudget(b, field, w, TARGET)) return;
    const o = owner(b.scope, field);
    if (!o) return;
    const duration = periodDuration(b.period, 'bifrost');
    // How an exported budget differs; a budget left out entirely gets only the warning saying so.
    const differences = (): void => {
      if (b.action !== 'block') w.add(`${field}.action`, `${TARGET} rejects requests over budget; "${b.action}" is not available`);
      w.add(`${field}.warnAt`, `${TARGET}'s open-source governance has no budget warning threshold (${b.warnAt}); alerting is an enterprise feature`);
    };
    // A customer points at one budget, an owner has one token limit: a second of either is left out.
    // Bifrost refuses to save a rate limit of 0 tokens (TableRateLimit.BeforeSave), not a $0 budget, which holds a frozen scope too.
    const usd = b.tokens === 0 ? 0 : b.usd;
    const usdGoes = usd !== undefined && !(o.key === 'global' && o.obj.budget_id !== undefined);
    const tokensGo = !!b.tokens && limits.get(o.key)?.token_max_limit === undefined;
    if (usdGoes || tokensGo) differences();
    if (usd !== undefined) {
      const id = `budget-${b.name}`;
      // A team or virtual key owns any number of budgets (one per reset window) through the
      // budget's team_id / virtual_key_id; a customer points at one budget through its budget_id.
      const budget: JsonObject = { id, max_limit: usd, reset_duration: duration, calendar_aligned: true };
      if (o.key.startsWith('key:')) {
        budgets.push({ ...budget, virtual_key_id: o.obj.id as string });
      } else if (o.key.startsWith('team:')) {
        budgets.push({ ...budget, team_id: o.obj.id as string });
      } else if (o.obj.budget_id !== undefined) {
        w.add(`${field}.usd`, `a ${TARGET} customer points at one budget; the global budget "${b.name}" ($${usd} per ${b.period}) is a second one and is not exported, so global spend is capped only by the first. Give it to a team instead, or create it in Bifrost's UI on the customer`);
      } else {
        budgets.push(budget);
        o.obj.budget_id = id;
      }
    }
    if (b.tokens) {
      const l = limitFor(o);
      if (l.token_max_limit !== undefined)
        w.add(`${field}.tokens`, `this owner already has a token limit in ${TARGET}; the token budget of "${b.name}" is not exported`);
      else {
        l.token_max_limit = b.tokens;
        l.token_reset_duration = duration;
        // The owner is calendar_aligned, which Bifrost applies to the rate limit it owns too (rateLimitResetTargets,
        // plugins/governance/store.go): the window starts with each calendar period, as Tollgate's does.
        w.add(`${field}.tokens`, `${TARGET} counts the token budget "${b.name}" in its owner's rate limit (token_max_limit ${b.tokens}, token_reset_duration ${duration}), which resets at the start of each ${periodLabel(b.period)} because the owner is calendar_aligned (Bifrost v1.5.0+; v1.4.x resets it ${duration} after first use instead)`);
      }
    }
  });
  policy.rateLimits.forEach((r, i) => {
    const field = `rateLimits[${i}]`;
    const o = owner(r.scope, field);
    if (!o) return;
    const l = limitFor(o);
    // An owner has one request and one token limit: a second of either is left out.
    for (const [value, kind, unit] of [[r.rpm, 'request', 'rpm'], [r.tpm, 'token', 'tpm']] as const) {
      if (value === undefined) continue;
      if (l[`${kind}_max_limit`] !== undefined) w.add(`${field}.${unit}`, `this owner already has a ${kind} limit in ${TARGET}; "${r.name}" ${unit} is not exported`);
      else Object.assign(l, { [`${kind}_max_limit`]: value, [`${kind}_reset_duration`]: '1m' });
    }
  });

  // Keys named in tags.keys become virtual keys tied to their team.
  policy.tags.keys.forEach((k, i) => {
    const v = vk(k.fingerprint);
    if (k.team !== undefined) v.team_id = team(k.team).id as string;
    if (k.user !== undefined || k.feature !== undefined)
      w.add(`tags.keys[${i}]`, `${TARGET} virtual keys belong to a team or customer only; the user/feature tags of ${k.fingerprint} are not exported`);
  });
  if (vks.size > 0)
    w.add('tags.keys', `${TARGET} issues its own virtual key values (x-bf-vk); hand each generated key to the owner of the Tollgate key it replaces`);
  // Bifrost charges a team or customer only through the virtual keys that belong to it: without a
  // key its budgets and limits see no traffic. Give each owner that has none a key of its own.
  for (const [id, t] of teams)
    if (![...vks.values()].some((v) => v.team_id === t.id)) {
      const v = vk(t.id as string);
      v.team_id = t.id as string;
      w.add(`teams.${id}`, `${TARGET} enforces team "${id}"'s budgets and limits only on requests carrying one of its virtual keys; none of the policy's keys belongs to it, so virtual key ${v.id} was added: requests from team "${id}" must send it as x-bf-vk (Bifrost issues the value), or they are not charged to the team`);
    }
  const globalKey = customer && ![...vks.values()].some((v) => v.team_id === undefined);
  if (globalKey) vk('global');
  if (customer) {
    for (const t of teams.values()) t.customer_id = GLOBAL_CUSTOMER;
    for (const v of vks.values()) if (v.team_id === undefined) v.customer_id = GLOBAL_CUSTOMER;
  }
  // What was exported: a policy whose budgets were all left out (monitor-only, user scope…) enforces nothing here.
  if (budgets.length + limits.size > 0)
    w.add('budgets', `${TARGET} enforces budgets and limits only on requests that carry a virtual key (x-bf-vk)${globalKey ? `, the global ones only with a key of customer ${GLOBAL_CUSTOMER}: virtual key vk-global was added for clients without a team key` : ''}; set client.enforce_auth_on_inference to require one`);

  // --- governance: routing rules ----------------------------------------------------------
  const rules: JsonObject[] = [];
  const ruleId = uniqueNamer();
  const fallbacksFor = (ref: ModelRef): Json[] => fallbackChain(policy, ref.provider, ref.model).map(bref);
  const target = (ref: ModelRef, weight = 1): JsonObject => ({ provider: bifrostName.get(ref.provider.name) as string, model: ref.model, weight });
  /** One rule per provider for tier routing: the request keeps its own provider, as in Tollgate. */
  const tierRules = (id: string, name: string, base: string[], tier: Tier, priority: () => number, only: ResolvedProvider[] = providers): void => {
    for (const p of only) {
      const ref = providerTierModel(policy, p, tier);
      if (!ref) continue;
      const rule: JsonObject = {
        id: ruleId(`${id}-${p.name}`),
        name: `${name} (${p.name})`,
        enabled: true,
        scope: 'global',
        priority: priority(),
        cel_expression: [...base, `provider == ${cel(bifrostName.get(p.name) as string)}`].join(' && '),
        targets: [target(ref)],
      };
      const fb = fallbacksFor(ref);
      if (fb.length > 0) rule.fallbacks = fb;
      rules.push(rule);
    }
  };
  let priority = 0;
  const next = (): number => priority++;
  policy.routing.rules.forEach((r, i) => {
    const field = `routing.rules[${i}]`;
    if (readsSemanticThreshold(policy, r)) w.add(`${field}.semanticThreshold`, `${TARGET} has one similarity threshold for the cache, not per route`);
    if (!ruleRoutes(r)) return;
    const m = r.match;
    if (m.minInputTokens !== undefined || m.maxInputTokens !== undefined) {
      w.add(`${field}.match`, `${TARGET} routing rules cannot see token counts; rule "${r.name}" is not exported rather than exported broader than it is, so requests it matches keep their model on ${TARGET}`);
      return;
    }
    const clauses: string[] = [];
    if (m.model !== undefined) clauses.push(isGlob(m.model) ? `model.matches(${cel(globToRegex(m.model))})` : `model == ${cel(m.model)}`);
    if (m.feature !== undefined) clauses.push(headerClause(TAG_HEADER.feature, m.feature));
    for (const [h, v] of Object.entries(m.header ?? {}).sort(([a], [b]) => byCodePoint(a, b))) clauses.push(headerClause(h.toLowerCase(), v));
    // match.provider: the request's provider, as Bifrost names it (tier rules are already one per provider).
    const own = m.provider === undefined ? providers : providers.filter((p) => globMatch(m.provider as string, p.name));
    // Tollgate sends a rule's model to the provider the request already has. A rule limited to
    // providers that do not serve the model by name (no prefix, glob or tier naming it there) still
    // sends it to the request's provider: one rule per provider, never the model's default provider.
    const resolved = r.model ? resolveModelRef(policy, r.model) : undefined;
    if (m.provider !== undefined && r.model && resolved && !r.model.startsWith(`${resolved.provider.name}/`) && !own.some((p) => p.name === resolved.provider.name)) {
      for (const p of own) {
        const ref: ModelRef = { provider: p, model: r.model };
        const rule: JsonObject = { id: ruleId(`rule-${r.name}-${p.name}`), name: `${r.name} (${p.name})`, enabled: true, scope: 'global', priority: next(), cel_expression: [...clauses, `provider == ${cel(bifrostName.get(p.name) as string)}`].join(' && '), targets: [target(ref)] };
        const fb = fallbacksFor(ref);
        if (fb.length > 0) rule.fallbacks = fb;
        rules.push(rule);
      }
      return;
    }
    if (m.provider !== undefined && r.model) {
      const names = own.map((p) => `provider == ${cel(bifrostName.get(p.name) as string)}`);
      clauses.push(names.length === 1 ? (names[0] as string) : `(${names.join(' || ')})`);
    }
    // An empty model is no model: the proxy then routes by the rule's tier (route.ts tests `rule.model` for truth).
    if (r.model) {
      warnRuleTarget(policy, w, TARGET, i);
      const ref = resolveModelRef(policy, r.model);
      const rule: JsonObject = { id: ruleId(`rule-${r.name}`), name: r.name, enabled: true, scope: 'global', priority: next(), cel_expression: clauses.length ? clauses.join(' && ') : 'true', targets: [target(ref)] };
      const fb = fallbacksFor(ref);
      if (fb.length > 0) rule.fallbacks = fb;
      rules.push(rule);
      return;
    }
    if (r.tier === undefined || !providers.some((p) => providerTierModel(policy, p, r.tier as Tier))) return w.add(field, `rule "${r.name}" has no model to route to`);
    tierRules(`rule-${r.name}`, r.name, clauses, r.tier, next, own);
  });
  // model "auto": Tollgate picks the tier by prompt complexity. Bifrost's complexity router sets the
  // complexity_tier variable (SIMPLE, MEDIUM, COMPLEX, REASONING) that these rules read.
  if (configuredTiers(policy).length > 0) {
    const tierOf: Array<[string, Tier]> = [['SIMPLE', 'small'], ['MEDIUM', 'medium'], ['COMPLEX', 'large'], ['REASONING', 'large']];
    for (const [label, tier] of tierOf) tierRules(`auto-${label.toLowerCase()}`, `auto ${label}`, [`model == "auto"`, `complexity_tier == ${cel(label)}`], tier, next);
    w.add(
      'routing.thresholds',
      `exported as routing rules on Bifrost's complexity_tier for model "auto" (SIMPLE→small, MEDIUM→medium, COMPLEX and REASONING→large, each on the request's own provider). Bifrost scores prompts with its own keyword classifier, so Tollgate's thresholds (medium ${policy.routing.thresholds.medium}, large ${policy.routing.thresholds.large}) are not carried over and the same prompt can land in another tier; tune governance.complexity_analyzer_config.tier_boundaries on the gateway. A prompt Bifrost cannot classify matches no rule and fails as an unknown model "auto"`,
    );
  }
  policy.fallbacks.forEach((f, i) => {
    const providerOf = (ref: string): ResolvedProvider | undefined => {
      const slash = ref.indexOf('/');
      return slash > 0 ? providers.find((p) => p.name === ref.slice(0, slash)) : undefined;
    };
    // The proxy matches `from` (also as `provider/model`) after choosing the request's provider and
    // keeps an unprefixed `to` on that provider: with one, a rule per provider (`provider == …`);
    // a `name/…` from applies to that provider's requests only. Bifrost's `model` is the bare model, so
    // what `provider/model` matches (`*/gpt-4o` takes gpt-4o) is spelt per provider too.
    const fromProvider = providerOf(f.from);
    const pattern = fromProvider ? f.from.slice(fromProvider.name.length + 1) : f.from;
    const globsOn = (p: ResolvedProvider | undefined): string[] => (p && !fromProvider ? fromGlobsOn(f.from, p.name) : [pattern]);
    const one = (g: string): string => (isGlob(g) ? `model.matches(${cel(globToRegex(g))})` : `model == ${cel(g)}`);
    const scoped: Array<ResolvedProvider | undefined> = fromProvider ? [fromProvider] : f.to.some((t) => !providerOf(t)) || providers.some((p) => globsOn(p).join('\u0000') !== pattern) ? providers : [undefined];
    for (const p of scoped) {
      const globs = globsOn(p);
      const modelClause = globs.length === 1 ? one(globs[0] as string) : `(${globs.map(one).join(' || ')})`;
      const suffix = p && scoped.length > 1 ? p.name : undefined;
      rules.push({
        id: ruleId(suffix ? `fallback-${i}-${suffix}` : `fallback-${i}`),
        name: `fallback ${f.from}${suffix ? ` (${suffix})` : ''}`,
        enabled: true,
        scope: 'global',
        priority: next(),
        cel_expression: p ? `${modelClause} && provider == ${cel(bifrostName.get(p.name) as string)}` : modelClause,
        // Keep the requested provider and model; only add the fallback chain.
        targets: [{ weight: 1 }],
        fallbacks: f.to.map((t) => {
          const named = providerOf(t);
          if (named) return bref({ provider: named, model: t.slice(named.name.length + 1) });
          // Unprefixed targets only occur with a provider-scoped rule (see `scoped`).
          return p ? `${bifrostName.get(p.name)}/${t}` : t;
        }),
      });
    }
  });

  const governance: JsonObject = {};
  if (budgets.length) governance.budgets = budgets;
  if (limits.size) governance.rate_limits = [...limits.keys()].sort().map((k) => limits.get(k) as JsonObject);
  if (customer) governance.customers = [customer];
  if (teams.size) governance.teams = [...teams.keys()].sort().map((k) => teams.get(k) as JsonObject);
  if (vks.size) governance.virtual_keys = [...vks.keys()].sort().map((k) => vks.get(k) as JsonObject);
  if (rules.length) governance.routing_rules = rules;

  // --- client, cache ----------------------------------------------------------------------
  const client: JsonObject = {};
  if (!isDefault(policy.server.maxBodyBytes, (p) => p.server.maxBodyBytes))
    client.max_request_body_size_mb = Math.max(1, Math.ceil(policy.server.maxBodyBytes / (1024 * 1024)));
  if (policy.tags.required.length > 0) {
    const headers = policy.tags.required.map((t) => TAG_HEADER[t]);
    client.required_headers = headers;
    // Bifrost checks the headers alone; Tollgate's tags also come from the body and the key.
    w.add(
      'tags.required',
      `${TARGET} answers 400 to every request that lacks one of the headers ${headers.join(', ')}; Tollgate also takes these tags from the body (user, safety_identifier, metadata) and from the key's tags (tags.keys), so clients tagged that way pass Tollgate and are refused by ${TARGET}: they must send the headers`,
    );
  }

  // version 2: empty allow-lists deny, ["*"] allows (Bifrost v1.5.0+); written so an older default cannot flip it.
  const config: JsonObject = { $schema: 'https://www.getbifrost.ai/schema', version: 2, providers: providerBlock };
  if (Object.keys(client).length) config.client = client;
  if (Object.keys(governance).length) config.governance = governance;
  const c = policy.cache;
  if (c.enabled) {
    const cacheConfig: JsonObject = {
      ttl: c.ttlSeconds,
      vector_store_namespace: `tollgate-v${c.version}`,
      // Tollgate caches every request; without a default key Bifrost caches only requests sending x-bf-cache-key.
      default_cache_key: 'tollgate',
      cache_by_model: true,
      cache_by_provider: true,
      // Bifrost skips caching conversations longer than this (default 3 messages); Tollgate caches them all.
      conversation_history_threshold: CACHE_ANY_CONVERSATION,
    };
    if (c.semantic.enabled) {
      // The plugin embeds with a configured provider's keys and, since maximhq/bifrost 062aff8, at its base URL.
      const openai = providers.find((p) => p.name === 'openai');
      const onAzure = openai && azureResource(openai);
      Object.assign(cacheConfig, { provider: onAzure ? 'azure' : 'openai', embedding_model: 'text-embedding-3-small', dimension: 1536, threshold: c.semantic.threshold ?? 0.8 });
      if (onAzure) w.add('cache.semantic.enabled', `provider openai is an Azure resource, exported as a key of ${TARGET}'s azure provider, so the semantic cache embeds there: it needs a deployment named "text-embedding-3-small" on ${azure.map((p) => azureResource(p)?.endpoint).join(', ')}, or every embedding call fails`);
      else if (openai && openai.baseUrl !== PROTOCOLS.openai.defaultBaseUrl)
        w.add('cache.semantic.enabled', `${TARGET}'s semantic cache embeds with "text-embedding-3-small" through its openai provider, at ${openai.baseUrl} (releases before maximhq/bifrost 062aff8: at api.openai.com with its key): that server must serve the model, or every embedding call fails`);
      if (c.semantic.threshold === undefined)
        w.add('cache.semantic.threshold', `no threshold set: Tollgate uses its backend's calibrated value, ${TARGET} needs a number, 0.8 was written`);
      w.add('cache.semantic.backend', `${TARGET} embeds with an upstream embedding model (openai text-embedding-3-small); thresholds calibrated for Tollgate's local model may need retuning`);
    } else {
      cacheConfig.dimension = 1; // direct (hash) mode: exact-match caching without embeddings
    }
    // Tollgate applies excludeFeatures in its semantic stage only: with semantic caching off it changes nothing.
    if (c.semantic.enabled && c.semantic.excludeFeatures.length > 0)
      w.add('cache.semantic.excludeFeatures', `${TARGET} cannot skip the semantic cache by feature; those clients should send x-bf-cache-type: direct`);
    config.plugins = [{ name: 'semantic_cache', enabled: true, config: cacheConfig }];
    config.vector_store = { enabled: true, type: 'redis', config: { addr: 'env.REDIS_ADDR' } };
  }
  if (!isDefault(policy.defaults.maxOutputTokens, (p) => p.defaults.maxOutputTokens) || policy.budgets.length > 0)
    w.add('defaults.maxOutputTokens', `${TARGET} charges budgets from actual usage after the call; there is no assumed output size for reservations`);

  const warnings = w.all();
  return {
    files: [
      { path: 'config.json', content: stableJson(config) },
      {
        path: 'README.md',
        content: renderReadme(
          'Bifrost gateway export',
          source,
          [
            '`config.json` is a Bifrost config (validate it against https://www.getbifrost.ai/schema). Provider keys are `env.NAME` references resolved from Bifrost\'s environment; the cache needs a Redis vector store at `REDIS_ADDR`.',
            'Clients name models as `provider/model`. Budgets and rate limits apply to requests carrying a virtual key (`x-bf-vk`); routing rules match the Tollgate tag headers (`x-tollgate-feature`, …).',
          ],
          warnings,
          GATEWAY_PINS.bifrost,
        ),
      },
    ],
    warnings,
  };
}

function headerClause(name: string, pattern: string): string {
  const value = `headers[${cel(name)}]`;
  return isGlob(pattern) ? `${value}.matches(${cel(globToRegex(pattern))})` : `${value} == ${cel(pattern)}`;
}

/**
 * `name` is the provider's name in Bifrost: clients prefix models with it, which for a renamed
 * built-in is not the policy's. `azureKeys`: the Azure resources exported as keys of Bifrost's
 * azure provider (network settings come from `p`, the first of them).
 */
function providerConfig(p: ResolvedProvider, name: string, policy: Policy, w: Warnings, azureKeys: ResolvedProvider[] = []): JsonObject {
  const field = `providers.${p.name}`;
  const builtin = p.name === 'openai' || p.name === 'anthropic';
  const network: JsonObject = {
    default_request_timeout_in_seconds: Math.max(1, Math.ceil((p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS) / 1000)),
    max_retries: policy.retries.attempts,
    ...retryBackoff(policy, w),
  };
  const idle = Math.round(p.idleTimeoutMs / 1000);
  network.stream_idle_timeout_in_seconds = Math.min(3600, Math.max(5, idle));
  if (idle < 5 || idle > 3600) w.add(`${field}.idleTimeoutMs`, `${TARGET} allows a stream idle timeout of 5–3600 s; ${p.idleTimeoutMs} ms was clamped`);
  // Bifrost appends /v1/… itself, so an OpenAI-style base URL loses its trailing /v1. Azure's
  // endpoint goes in each key's azure_key_config instead.
  let pathOverrides: JsonObject | undefined;
  if (azureKeys.length === 0 && (p.baseUrl !== PROTOCOLS[p.kind].defaultBaseUrl || !builtin)) {
    const v1 = p.baseUrl.endsWith('/v1');
    // A custom provider can say its paths (request type → path after base_url): an OpenAI-compatible
    // API elsewhere than /v1 (Gemini's …/v1beta/openai, Vertex AI's …/endpoints/openapi) is called
    // where Tollgate calls it. The built-in openai provider has no such setting: warned.
    if (p.kind === 'openai' && !v1 && !builtin) pathOverrides = OPENAI_PATHS;
    else if (p.kind === 'openai' && !v1)
      w.add(`${field}.baseUrl`, `${TARGET}'s openai provider appends /v1/chat/completions (and /v1/embeddings, …) to its base URL, where Tollgate appends /chat/completions to ${p.baseUrl}, which does not end in /v1: every request of provider ${p.name} reaches another path there. Give the upstream a base URL ending in /v1, or serve it as a provider of another name (a custom provider, whose paths the export sets)`);
    network.base_url = p.kind === 'openai' && v1 ? p.baseUrl.replace(/\/v1$/, '') : p.baseUrl;
  }
  for (const k of azureKeys.length > 0 ? azureKeys : [p]) {
    const host = privateNetworkHost(k.baseUrl);
    // Bifrost lets loopback through whatever allow_private_network says, and never link-local
    // (transports/config.schema.json @ 003ecc6, network_config.allow_private_network).
    if (host && isLinkLocal(host))
      w.add(`providers.${k.name}.baseUrl`, `${TARGET} always refuses link-local upstreams; ${k.baseUrl} (${host}) is one, so every request to provider ${k.name} fails there, allow_private_network or not. Serve it at a routable or loopback address`);
    else if (host && !isLoopback(host))
      w.add(`providers.${k.name}.baseUrl`, `${TARGET} refuses upstreams in private networks by default; ${k.baseUrl} (${host}) is one, so every request to provider ${k.name} fails until allow_private_network is enabled for it in Bifrost's network settings`);
    if (k.models.length > 0)
      w.add(`providers.${k.name}.models`, `${TARGET} picks the provider from the model's "provider/" prefix, not from model globs; clients must send "${name}/<model>"${name === k.name || azureKeys.length > 0 ? '' : ` (the name it has in ${TARGET}; "${k.name}/<model>" reaches ${TARGET}'s own ${k.name} provider, which this config does not set up)`}`);
  }
  if (Object.keys(p.headers).length > 0) network.extra_headers = { ...p.headers };
  if (azureKeys.length === 0 && p.authHeader !== PROTOCOLS[p.kind].authHeader) w.add(`${field}.authHeader`, `${TARGET} sends keys the way its ${p.kind} provider does; "${p.authHeader}" needs a provider set up by hand`);
  // Bifrost reads `env.NAME` values from its environment at load time; the key itself is never exported.
  const key = (k: ResolvedProvider): JsonObject => ({ name: `${k.name}-key`, value: `env.${k.apiKeyEnv}`, models: ['*'], weight: 1 });
  const keys: JsonObject[] = azureKeys.length === 0 ? [key(p)] : azureKeys.map((k) => ({ ...key(k), azure_key_config: azureKeyConfig(k, w) }));
  const cfg: JsonObject = { keys, network_config: network };
  if (!builtin && azureKeys.length === 0) cfg.custom_provider_config = pathOverrides ? { base_provider_type: p.kind, request_path_overrides: pathOverrides } : { base_provider_type: p.kind };
  return cfg;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function isLinkLocal(host: string): boolean {
  return /^169\.254\.\d{1,3}\.\d{1,3}$/.test(host) || host.startsWith('fe80:');
}

/**
 * One Azure resource as Bifrost's azure_key_config. Bifrost's azure provider calls Azure's v1 API
 * (`<endpoint>/openai/v1/…`; `api_version` is deprecated in transports/config.schema.json @ 003ecc6)
 * and sends the requested model as the deployment unless the key's `aliases` map it to another
 * (core/schemas KeyAliases.Resolve returns an unmapped name unchanged), as Tollgate does: so the
 * endpoint is all a key needs, and no api_version is written that Bifrost would not send.
 */
function azureKeyConfig(p: ResolvedProvider, w: Warnings): JsonObject {
  const azure = azureResource(p) as NonNullable<ReturnType<typeof azureResource>>;
  warnAzureDeployment(p, w, TARGET);
  if (!isAzureV1BaseUrl(p))
    w.add(
      `providers.${p.name}.baseUrl`,
      `${TARGET} calls Azure's v1 API for provider ${p.name} (${azure.endpoint}/openai/v1/…, the requested model as the deployment, no api-version), where Tollgate calls the classic deployment routes and forwards the api-version each client sends; a deployment or parameter that only a dated (preview) api-version serves fails there. End the base URL at /openai/v1 to call the v1 API in Tollgate too`,
    );
  if (azure.entra)
    w.add(`providers.${p.name}.authHeader`, `${TARGET}'s azure provider sends a key as api-key, or signs in with a service principal (client_id, client_secret, tenant_id in azure_key_config); ${p.apiKeyEnv} holds a Microsoft Entra ID token in Tollgate, which Azure refuses as an api-key, so set the service principal on the key before deploying`);
  return { endpoint: azure.endpoint };
}

/** Bifrost refuses a retry backoff outside 100 ms – 1,000,000 ms, and an initial backoff above the maximum. */
const BACKOFF_FLOOR_MS = 100;
const BACKOFF_CEILING_MS = 1_000_000;

/**
 * Tollgate waits up to min(maxBackoffMs, backoffMs × 2^(n−1)) before retry n, so a backoffMs above
 * maxBackoffMs means every wait is capped at maxBackoffMs: the export writes that as the initial
 * backoff (Bifrost would refuse initial > max). Values outside Bifrost's range are clamped, warned.
 */
function retryBackoff(policy: Policy, w: Warnings): { retry_backoff_initial: number; retry_backoff_max: number } {
  const { backoffMs, maxBackoffMs } = policy.retries;
  const clamp = (ms: number) => Math.min(BACKOFF_CEILING_MS, Math.max(BACKOFF_FLOOR_MS, ms));
  const max = clamp(maxBackoffMs);
  const initial = Math.min(clamp(backoffMs), max);
  if (backoffMs < BACKOFF_FLOOR_MS) w.add('retries.backoffMs', `${TARGET}'s smallest retry backoff is ${BACKOFF_FLOOR_MS} ms; ${backoffMs} ms was raised to ${initial}`);
  else if (backoffMs > maxBackoffMs)
    w.add('retries.backoffMs', `backoffMs ${backoffMs} ms is above maxBackoffMs ${maxBackoffMs} ms, so Tollgate caps every wait at ${maxBackoffMs} ms; ${TARGET} refuses an initial backoff above its maximum, so retry_backoff_initial is ${initial} ms`);
  else if (initial !== backoffMs) w.add('retries.backoffMs', `${TARGET}'s largest retry backoff is ${BACKOFF_CEILING_MS} ms; ${backoffMs} ms was lowered to ${initial}`);
  if (max !== maxBackoffMs)
    w.add('retries.maxBackoffMs', `${TARGET} allows a maximum retry backoff of ${BACKOFF_FLOOR_MS}–${BACKOFF_CEILING_MS} ms; ${maxBackoffMs} ms was ${maxBackoffMs < BACKOFF_FLOOR_MS ? 'raised' : 'lowered'} to ${max}`);
  return { retry_backoff_initial: initial, retry_backoff_max: max };
}

/** Bifrost decides itself which failures are retryable, so only the default list carries over. */
function warnRetryOn(policy: Policy, w: Warnings): void {
  if (!isDefault(policy.retries.retryOn, (p) => p.retries.retryOn))
    w.add('retries.retryOn', `${TARGET} decides which failures are retryable (429, 500, 502, 503 and 504 — its core's retryableStatusCodes, so not Anthropic's 529 — answers whose message reads as a rate limit, and network errors); a custom retryOn list is not expressible`);
}
