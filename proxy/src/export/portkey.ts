/**
 * Policy → Portkey gateway config (the JSON sent as `x-portkey-config` or saved as a Portkey config).
 *
 * Routes become a `conditional` strategy on request metadata (`metadata.feature`, sent by clients
 * in `x-portkey-metadata`) and parameters (`params.model`); each fallback becomes a `fallback`
 * strategy on the retryable status codes; a tier served by several providers becomes a
 * `loadbalance` strategy. Cache, retry and the default max_tokens sit at the top and are inherited
 * by every target. Portkey's open-source gateway has no budgets or rate limits, so those are warnings.
 */
import type { Policy, ResolvedProvider } from '../policy/schema';
import { renderReadme } from './readme';
import type { ModelRef } from './shared';
import type { Tier } from '../policy/schema';
import { globToRegex, isDefault, isGlob, providersOf, resolveModelRef, retryStatuses, tierModels, Warnings, warnLocalOnly, warnUnroutedTiers } from './shared';
import type { Json } from './stable';
import { stableJson } from './stable';
import type { ExportResult, ExportSource } from './types';

const TARGET = 'Portkey';
type JsonObject = { [key: string]: Json };

/** Where Portkey's provider adapters expect the base URL to end (Anthropic's includes /v1, Tollgate's does not). */
function customHost(p: ResolvedProvider): string | undefined {
  const builtin = p.kind === 'anthropic' ? 'https://api.anthropic.com' : 'https://api.openai.com/v1';
  if (p.baseUrl === builtin) return undefined;
  return p.kind === 'anthropic' ? `${p.baseUrl}/v1` : p.baseUrl;
}

function providerTarget(p: ResolvedProvider, model?: string): JsonObject {
  const t: JsonObject = {
    provider: p.kind === 'anthropic' ? 'anthropic' : 'openai',
    // Portkey takes the provider key from the config only (never from the client once a config is
    // sent) and cannot read the environment: a `${NAME}` placeholder is rendered at deploy time.
    api_key: `\${${p.apiKeyEnv}}`,
    request_timeout: p.timeoutMs,
  };
  const host = customHost(p);
  if (host) t.custom_host = host;
  if (model !== undefined) t.override_params = { model };
  return t;
}

function refTarget(ref: ModelRef): JsonObject {
  return providerTarget(ref.provider, ref.model);
}

function matchValue(pattern: string): Json {
  return isGlob(pattern) ? { $regex: globToRegex(pattern) } : { $eq: pattern };
}

export function exportPortkey(policy: Policy, source: ExportSource): ExportResult {
  const w = new Warnings();
  warnLocalOnly(policy, w, TARGET);
  const providers = providersOf(policy);
  const used = new Set<string>();
  const track = (t: JsonObject, p: ResolvedProvider): JsonObject => {
    used.add(p.name);
    return t;
  };

  const conditions: Json[] = [];
  const named: JsonObject[] = [];
  const routedTiers = new Set<Tier>();

  // Route rules first, in policy order (Portkey takes the first condition that matches, as Tollgate does).
  policy.routing.rules.forEach((r, i) => {
    const field = `routing.rules[${i}]`;
    if (r.semanticThreshold !== undefined) w.add(`${field}.semanticThreshold`, `${TARGET} has no similarity threshold per route (nor a configurable one at all)`);
    const m = r.match;
    const skipped: string[] = [];
    if (m.header !== undefined) skipped.push('match.header');
    if (m.minInputTokens !== undefined) skipped.push('match.minInputTokens');
    if (m.maxInputTokens !== undefined) skipped.push('match.maxInputTokens');
    if (skipped.length > 0) {
      for (const s of skipped)
        w.add(`${field}.${s}`, `${TARGET} conditions see request metadata and parameters only, not ${s === 'match.header' ? 'arbitrary headers' : 'token counts'}; rule "${r.name}" is not exported rather than exported broader than it is`);
      return;
    }
    let then: JsonObject;
    if (r.model !== undefined) {
      const ref = resolveModelRef(policy, r.model);
      then = track(refTarget(ref), ref.provider);
    } else if (r.tier !== undefined) {
      const refs = tierModels(policy, r.tier);
      if (refs.length === 0) return w.add(`${field}.tier`, `no provider configures the "${r.tier}" tier, so rule "${r.name}" has no target`);
      for (const ref of refs) used.add(ref.provider.name);
      routedTiers.add(r.tier);
      then = refs.length === 1 ? refTarget(refs[0] as ModelRef) : { strategy: { mode: 'loadbalance' }, targets: refs.map(refTarget) };
    } else {
      return w.add(field, `rule "${r.name}" names neither a model nor a tier; there is nothing to route to`);
    }
    const query: JsonObject = {};
    if (m.feature !== undefined) query['metadata.feature'] = matchValue(m.feature);
    if (m.model !== undefined) query['params.model'] = matchValue(m.model);
    const name = `rule-${r.name}`;
    conditions.push({ query, then: name });
    named.push({ name, ...then });
  });

  // Fallbacks: requests for a matching model try it first, then each fallback in order.
  const statuses = retryStatuses(policy);
  policy.fallbacks.forEach((f, i) => {
    const from = resolveModelRef(policy, f.from);
    used.add(from.provider.name);
    const chain = f.to.map((t) => {
      const ref = resolveModelRef(policy, t);
      return track(refTarget(ref), ref.provider);
    });
    const name = `fallback-${i}`;
    conditions.push({ query: { 'params.model': matchValue(f.from) }, then: name });
    named.push({ name, strategy: { mode: 'fallback', on_status_codes: statuses }, targets: [providerTarget(from.provider), ...chain] });
  });

  // Default, as the proxy chooses: the provider whose model globs match the requested model, else
  // the built-in anthropic provider for Anthropic-protocol requests (/v1/messages), else openai.
  const globbed = providers.filter((p) => p.models.length > 0 && p.name !== 'openai');
  const openai = providers.find((p) => p.name === 'openai') as ResolvedProvider;
  const anthropic = providers.find((p) => p.name === 'anthropic') as ResolvedProvider;
  used.add(openai.name);
  const byModel: Json[] = [];
  const targets: JsonObject[] = [];
  for (const p of globbed) {
    used.add(p.name);
    const pattern = p.models.map((g) => globToRegex(g).slice(1, -1)).join('|');
    byModel.push({ query: { 'params.model': { $regex: `^(?:${pattern})$` } }, then: `provider-${p.name}` });
    targets.push({ name: `provider-${p.name}`, ...providerTarget(p) });
  }
  if (anthropic.kind === 'anthropic') {
    used.add(anthropic.name);
    byModel.push({ query: { 'url.pathname': { $eq: '/v1/messages' } }, then: 'provider-anthropic-protocol' });
    targets.push({ name: 'provider-anthropic-protocol', ...providerTarget(anthropic) });
  }
  targets.push({ name: 'provider-openai', ...providerTarget(openai) });
  const fallbackTarget: JsonObject = { strategy: { mode: 'conditional', conditions: byModel, default: 'provider-openai' }, targets };

  const top: JsonObject =
    conditions.length > 0
      ? { strategy: { mode: 'conditional', conditions, default: 'default' }, targets: [...named, { name: 'default', ...fallbackTarget }] }
      : { ...fallbackTarget };

  warnUnroutedTiers(policy, w, TARGET, routedTiers);

  // --- retries ----------------------------------------------------------------------------
  top.retry = { attempts: policy.retries.attempts, on_status_codes: statuses };
  const pseudo = policy.retries.retryOn.filter((c) => typeof c === 'string');
  if (pseudo.length > 0) w.add('retries.retryOn', `${TARGET} retries on status codes only; ${pseudo.join(' and ')} failures are not retried`);
  if (!isDefault(policy.retries.backoffMs, (p) => p.retries.backoffMs) || !isDefault(policy.retries.maxBackoffMs, (p) => p.retries.maxBackoffMs))
    w.add('retries.backoffMs', `${TARGET} uses its own exponential backoff; backoffMs/maxBackoffMs cannot be set`);

  // --- cache ------------------------------------------------------------------------------
  const c = policy.cache;
  if (c.enabled) top.cache = { mode: c.semantic.enabled ? 'semantic' : 'simple', max_age: c.ttlSeconds };
  if (c.enabled && c.semantic.enabled)
    w.add('cache.semantic.backend', `${TARGET} embeds with its own model for semantic caching; Tollgate's local embedding backend is not carried over`);
  if (c.enabled && c.semantic.enabled && c.semantic.threshold !== undefined)
    w.add('cache.semantic.threshold', `${TARGET}'s semantic cache threshold is fixed by Portkey; ${c.semantic.threshold} cannot be set`);
  if (c.semantic.excludeFeatures.length > 0)
    w.add('cache.semantic.excludeFeatures', `${TARGET} cannot skip the semantic cache by feature; give those clients a config with cache mode "simple"`);
  if (!isDefault(c.version, (p) => p.cache.version))
    w.add('cache.version', `${TARGET} has no cache namespace to bump; send x-portkey-cache-force-refresh: true to refresh entries`);

  // --- defaults ---------------------------------------------------------------------------
  top.override_params = { max_tokens: policy.defaults.maxOutputTokens };
  w.add('defaults.maxOutputTokens', `exported as override_params.max_tokens, which Portkey applies to every request (Tollgate only assumes it for budget reservations when a request sets no limit)`);

  // --- what Portkey's config cannot hold --------------------------------------------------
  for (const p of providers) {
    if (!used.has(p.name)) continue;
    w.add(`providers.${p.name}.apiKeyEnv`, `${TARGET} configs cannot reference environment variables; the config holds the placeholder \${${p.apiKeyEnv}}: render it at deploy time (envsubst) without committing the result, or replace api_key with a Portkey virtual_key`);
    if (Object.keys(p.headers).length > 0) w.add(`providers.${p.name}.headers`, `${TARGET} configs cannot add fixed upstream headers`);
    if (!isDefault(p.idleTimeoutMs, () => 120_000)) w.add(`providers.${p.name}.idleTimeoutMs`, `${TARGET} has a total request_timeout only, no idle timeout inside a stream`);
    const natural = p.kind === 'anthropic' ? 'x-api-key' : 'authorization';
    if (p.authHeader !== natural) w.add(`providers.${p.name}.authHeader`, `${TARGET} sends keys the way its ${p.kind} adapter does; "${p.authHeader}" needs an azure-openai provider set up by hand`);
  }
  policy.budgets.forEach((b, i) =>
    w.add(`budgets[${i}]`, `Portkey's open-source gateway has no budgets; "${b.name}" (${b.usd !== undefined ? `$${b.usd}` : `${b.tokens} tokens`} per ${b.period}) must be set as a budget limit on the Portkey virtual key or workspace`),
  );
  policy.rateLimits.forEach((r, i) =>
    w.add(`rateLimits[${i}]`, `Portkey's open-source gateway has no rate limits; "${r.name}" must be set as a rate limit on the Portkey virtual key or workspace`),
  );
  policy.tags.keys.forEach((_, i) => w.add(`tags.keys[${i}]`, `${TARGET} cannot map client keys to tags; clients send their tags in x-portkey-metadata`));

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
        ),
      },
    ],
    warnings,
  };
}
