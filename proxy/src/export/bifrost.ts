/**
 * Policy → Bifrost gateway `config.json`.
 *
 * Providers carry their keys as `env.VAR` references (Bifrost resolves them at load time; no key is
 * written). The `governance` block holds budgets, rate limits, teams, virtual keys and routing
 * rules (CEL); a global budget or limit becomes a customer that owns every team and key, since
 * Bifrost attaches budgets to an owner. Token budgets become token rate limits over the budget's
 * period, which is how Bifrost counts tokens. The cache is Bifrost's semantic_cache plugin.
 */
import type { Policy, ResolvedProvider, Scope, Tier } from '../policy/schema';
import { renderReadme } from './readme';
import type { ModelRef } from './shared';
import {
  globToRegex,
  isDefault,
  isGlob,
  periodDuration,
  providersOf,
  resolveModelRef,
  scopeKinds,
  TAG_HEADER,
  tierModels,
  Warnings,
  warnLocalOnly,
  warnUnroutedTiers,
} from './shared';
import type { Json } from './stable';
import { stableJson } from './stable';
import type { ExportResult, ExportSource } from './types';
import { globMatch } from '../routing/glob';

const TARGET = 'Bifrost';
type JsonObject = { [key: string]: Json };

/** Provider names Bifrost defines itself with their own key shapes; a custom provider must not take one. */
const BIFROST_NAMED = new Set([
  'bedrock', 'bedrock_mantle', 'cohere', 'azure', 'vertex', 'mistral', 'ollama', 'groq', 'gemini', 'opencode-go', 'opencode-zen',
  'openrouter', 'sgl', 'parasail', 'perplexity', 'replicate', 'elevenlabs', 'deepgram', 'cerebras', 'deepseek', 'vllm',
  'huggingface', 'fireworks', 'nebius', 'xai', 'runway', 'runware', 'sarvam',
]);

const GLOBAL_CUSTOMER = 'tollgate-global';

function cel(s: string): string {
  return JSON.stringify(s); // a JSON string literal is a valid CEL string literal
}

export function exportBifrost(policy: Policy, source: ExportSource): ExportResult {
  const w = new Warnings();
  warnLocalOnly(policy, w, TARGET);
  warnRetryOn(policy, w);
  const providers = providersOf(policy);

  // --- providers --------------------------------------------------------------------------
  const bifrostName = new Map<string, string>();
  const providerBlock: JsonObject = {};
  for (const p of providers) {
    let name = p.name;
    if (BIFROST_NAMED.has(name)) {
      name = `${name}-tollgate`;
      w.add(`providers.${p.name}`, `"${p.name}" is a built-in ${TARGET} provider with its own settings; this ${p.kind}-compatible upstream is exported as custom provider "${name}"`);
    }
    bifrostName.set(p.name, name);
    providerBlock[name] = providerConfig(p, policy, w);
  }
  const bref = (ref: ModelRef): string => `${bifrostName.get(ref.provider.name)}/${ref.model}`;

  // --- governance: owners, budgets, rate limits -------------------------------------------
  const budgets: JsonObject[] = [];
  const limits = new Map<string, JsonObject>(); // by owner key
  const teams = new Map<string, JsonObject>();
  const vks = new Map<string, JsonObject>();
  let customer: JsonObject | undefined;
  const allProviders: Json[] = providers.map((p) => ({ provider: bifrostName.get(p.name) as string, allowed_models: ['*'], weight: 1 }));

  const vk = (fingerprint: string): JsonObject => {
    let v = vks.get(fingerprint);
    if (!v) {
      v = { id: `vk-${fingerprint}`, name: `tollgate ${fingerprint}`, is_active: true, provider_configs: allProviders };
      vks.set(fingerprint, v);
    }
    return v;
  };
  const team = (id: string): JsonObject => {
    let t = teams.get(id);
    if (!t) {
      t = { id: `team-${id}`, name: id };
      teams.set(id, t);
    }
    return t;
  };
  const owner = (scope: Scope, field: string): { key: string; obj: JsonObject } | undefined => {
    const kinds = scopeKinds(scope);
    if (kinds.length === 0) {
      customer ??= { id: GLOBAL_CUSTOMER, name: 'Everyone (Tollgate global scope)' };
      return { key: 'global', obj: customer };
    }
    if (kinds.length > 1) {
      w.add(`${field}.scope`, `${TARGET} attaches limits to one owner; the combined scope ${kinds.join('+')} is not exported`);
      return undefined;
    }
    const kind = kinds[0] as keyof Scope;
    const value = scope[kind] as string;
    if (isGlob(value)) {
      w.add(`${field}.scope.${kind}`, `${TARGET} owners are named, not matched; the glob "${value}" is not exported`);
      return undefined;
    }
    if (kind === 'team') return { key: `team:${value}`, obj: team(value) };
    if (kind === 'key') return { key: `key:${value}`, obj: vk(value) };
    w.add(`${field}.scope.${kind}`, `${TARGET}'s governance has no ${kind} owner (only customers, teams and virtual keys); not exported — give each ${kind} its own virtual key`);
    return undefined;
  };
  const limitFor = (o: { key: string; obj: JsonObject }): JsonObject => {
    let l = limits.get(o.key);
    if (!l) {
      l = { id: `rl-${o.key.replace(/[^A-Za-z0-9_.-]/g, '-')}` };
      limits.set(o.key, l);
      o.obj.rate_limit_id = l.id as string;
    }
    return l;
  };

  policy.budgets.forEach((b, i) => {
    const field = `budgets[${i}]`;
    const o = owner(b.scope, field);
    if (!o) return;
    if (b.action !== 'block') w.add(`${field}.action`, `${TARGET} rejects requests over budget; "${b.action}" is not available`);
    w.add(`${field}.warnAt`, `${TARGET}'s open-source governance has no budget warning threshold (${b.warnAt}); alerting is an enterprise feature`);
    const duration = periodDuration(b.period, 'bifrost');
    if (b.usd !== undefined) {
      const id = `budget-${b.name}`;
      if (o.key.startsWith('key:')) {
        budgets.push({ id, max_limit: b.usd, reset_duration: duration, virtual_key_id: o.obj.id as string });
      } else if (o.obj.budget_id !== undefined) {
        w.add(`${field}.usd`, `a ${TARGET} ${o.key === 'global' ? 'customer' : 'team'} has one budget; "${b.name}" is a second one and is not exported`);
      } else {
        budgets.push({ id, max_limit: b.usd, reset_duration: duration });
        o.obj.budget_id = id;
      }
    }
    if (b.tokens !== undefined) {
      const l = limitFor(o);
      if (l.token_max_limit !== undefined)
        w.add(`${field}.tokens`, `this owner already has a token limit in ${TARGET}; the token budget of "${b.name}" is not exported`);
      else {
        l.token_max_limit = b.tokens;
        l.token_reset_duration = duration;
      }
    }
  });
  policy.rateLimits.forEach((r, i) => {
    const field = `rateLimits[${i}]`;
    const o = owner(r.scope, field);
    if (!o) return;
    const l = limitFor(o);
    if (r.rpm !== undefined) {
      if (l.request_max_limit !== undefined) w.add(`${field}.rpm`, `this owner already has a request limit in ${TARGET}; "${r.name}" rpm is not exported`);
      else {
        l.request_max_limit = r.rpm;
        l.request_reset_duration = '1m';
      }
    }
    if (r.tpm !== undefined) {
      if (l.token_max_limit !== undefined) w.add(`${field}.tpm`, `this owner already has a token limit in ${TARGET}; "${r.name}" tpm is not exported`);
      else {
        l.token_max_limit = r.tpm;
        l.token_reset_duration = '1m';
      }
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
  if (customer) {
    for (const t of teams.values()) t.customer_id = GLOBAL_CUSTOMER;
    for (const v of vks.values()) if (v.team_id === undefined) v.customer_id = GLOBAL_CUSTOMER;
  }
  if (policy.budgets.length + policy.rateLimits.length > 0)
    w.add('budgets', `${TARGET} enforces budgets and limits on requests that carry a virtual key (x-bf-vk); set client.enforce_auth_on_inference to require one`);

  // --- governance: routing rules ----------------------------------------------------------
  const rules: JsonObject[] = [];
  const routedTiers = new Set<Tier>();
  const fallbacksFor = (model: string): Json[] => {
    const f = policy.fallbacks.find((fb) => globMatch(fb.from, model));
    return f ? f.to.map((t) => bref(resolveModelRef(policy, t))) : [];
  };
  policy.routing.rules.forEach((r, i) => {
    const field = `routing.rules[${i}]`;
    if (r.semanticThreshold !== undefined) w.add(`${field}.semanticThreshold`, `${TARGET} has one similarity threshold for the cache, not per route`);
    const m = r.match;
    if (m.minInputTokens !== undefined || m.maxInputTokens !== undefined) {
      w.add(`${field}.match`, `${TARGET} routing rules cannot see token counts; rule "${r.name}" is not exported rather than exported broader than it is`);
      return;
    }
    let refs: ModelRef[];
    if (r.model !== undefined) refs = [resolveModelRef(policy, r.model)];
    else if (r.tier !== undefined) refs = tierModels(policy, r.tier);
    else refs = [];
    if (refs.length === 0) return w.add(field, `rule "${r.name}" has no model to route to`);
    if (r.model === undefined && r.tier !== undefined) routedTiers.add(r.tier);
    const clauses: string[] = [];
    if (m.model !== undefined) clauses.push(isGlob(m.model) ? `model.matches(${cel(globToRegex(m.model))})` : `model == ${cel(m.model)}`);
    if (m.feature !== undefined) clauses.push(headerClause(TAG_HEADER.feature, m.feature));
    for (const [h, v] of Object.entries(m.header ?? {}).sort(([a], [b]) => a.localeCompare(b))) clauses.push(headerClause(h.toLowerCase(), v));
    const rule: JsonObject = {
      id: `rule-${r.name}`,
      name: r.name,
      enabled: true,
      scope: 'global',
      priority: i,
      cel_expression: clauses.length ? clauses.join(' && ') : 'true',
      targets: weighted(refs).map(([ref, weight]) => ({ provider: bifrostName.get(ref.provider.name) as string, model: ref.model, weight })),
    };
    const fb = refs.length === 1 ? fallbacksFor((refs[0] as ModelRef).model) : [];
    if (fb.length > 0) rule.fallbacks = fb;
    rules.push(rule);
  });
  warnUnroutedTiers(policy, w, TARGET, routedTiers);
  policy.fallbacks.forEach((f, i) => {
    rules.push({
      id: `fallback-${i}`,
      name: `fallback ${f.from}`,
      enabled: true,
      scope: 'global',
      priority: policy.routing.rules.length + i,
      cel_expression: isGlob(f.from) ? `model.matches(${cel(globToRegex(f.from))})` : `model == ${cel(f.from)}`,
      // Keep the requested provider and model; only add the fallback chain.
      targets: [{ weight: 1 }],
      fallbacks: f.to.map((t) => bref(resolveModelRef(policy, t))),
    });
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
  if (policy.tags.required.length > 0) client.required_headers = policy.tags.required.map((t) => TAG_HEADER[t]);

  const config: JsonObject = { $schema: 'https://www.getbifrost.ai/schema', providers: providerBlock };
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
    };
    if (c.semantic.enabled) {
      Object.assign(cacheConfig, { provider: 'openai', embedding_model: 'text-embedding-3-small', dimension: 1536, threshold: c.semantic.threshold ?? 0.8 });
      if (c.semantic.threshold === undefined)
        w.add('cache.semantic.threshold', `no threshold set: Tollgate uses its backend's calibrated value, ${TARGET} needs a number, 0.8 was written`);
      w.add('cache.semantic.backend', `${TARGET} embeds with an upstream embedding model (openai text-embedding-3-small); thresholds calibrated for Tollgate's local model may need retuning`);
    } else {
      cacheConfig.dimension = 1; // direct (hash) mode: exact-match caching without embeddings
    }
    if (c.semantic.excludeFeatures.length > 0)
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

/** Equal weights that sum to exactly 1 (Bifrost rejects a rule whose weights do not). */
function weighted(refs: ModelRef[]): Array<[ModelRef, number]> {
  const share = Math.floor((1 / refs.length) * 10_000) / 10_000;
  return refs.map((r, i) => [r, i === refs.length - 1 ? Math.round((1 - share * (refs.length - 1)) * 10_000) / 10_000 : share]);
}

function providerConfig(p: ResolvedProvider, policy: Policy, w: Warnings): JsonObject {
  const field = `providers.${p.name}`;
  const builtin = p.name === 'openai' || p.name === 'anthropic';
  const network: JsonObject = {
    default_request_timeout_in_seconds: Math.max(1, Math.ceil(p.timeoutMs / 1000)),
    max_retries: policy.retries.attempts,
    retry_backoff_initial: Math.max(100, policy.retries.backoffMs),
    retry_backoff_max: Math.max(100, policy.retries.maxBackoffMs),
  };
  const idle = Math.round(p.idleTimeoutMs / 1000);
  network.stream_idle_timeout_in_seconds = Math.min(3600, Math.max(5, idle));
  if (idle < 5 || idle > 3600) w.add(`${field}.idleTimeoutMs`, `${TARGET} allows a stream idle timeout of 5–3600 s; ${p.idleTimeoutMs} ms was clamped`);
  if (policy.retries.backoffMs < 100) w.add('retries.backoffMs', `${TARGET}'s smallest retry backoff is 100 ms; ${policy.retries.backoffMs} ms was raised to 100`);
  // Bifrost appends /v1/… itself, so an OpenAI-style base URL loses its trailing /v1.
  const defaultBase = p.kind === 'anthropic' ? 'https://api.anthropic.com' : 'https://api.openai.com/v1';
  if (p.baseUrl !== defaultBase || !builtin) {
    if (p.kind === 'openai' && !p.baseUrl.endsWith('/v1'))
      w.add(`${field}.baseUrl`, `${TARGET} appends /v1/chat/completions to the base URL; ${p.baseUrl} does not end in /v1, check the path`);
    network.base_url = p.kind === 'openai' ? p.baseUrl.replace(/\/v1$/, '') : p.baseUrl;
  }
  if (Object.keys(p.headers).length > 0) network.extra_headers = { ...p.headers };
  const natural = p.kind === 'anthropic' ? 'x-api-key' : 'authorization';
  if (p.authHeader !== natural) w.add(`${field}.authHeader`, `${TARGET} sends keys the way its ${p.kind} provider does; "${p.authHeader}" needs the azure provider set up by hand`);
  if (p.models.length > 0)
    w.add(`${field}.models`, `${TARGET} picks the provider from the model's "provider/" prefix, not from model globs; clients must send "${p.name}/<model>"`);
  const cfg: JsonObject = {
    // Bifrost reads `env.NAME` values from its environment at load time; the key itself is never exported.
    keys: [{ name: `${p.name}-key`, value: `env.${p.apiKeyEnv}`, models: ['*'], weight: 1 }],
    network_config: network,
  };
  if (!builtin) cfg.custom_provider_config = { base_provider_type: p.kind };
  return cfg;
}

/** Bifrost decides itself which failures are retryable, so only the default list carries over. */
function warnRetryOn(policy: Policy, w: Warnings): void {
  if (!isDefault(policy.retries.retryOn, (p) => p.retries.retryOn))
    w.add('retries.retryOn', `${TARGET} decides which failures are retryable (rate limits, 5xx, network errors); a custom retryOn list is not expressible`);
}
