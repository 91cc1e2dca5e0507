/**
 * Things in a valid policy that probably do not do what their author meant, for `tollgate policy
 * validate` to print as warnings (the policy still loads: the proxy runs it as written).
 *
 * - A routing rule that an earlier routing rule always matches first: it never routes (the first
 *   match decides, routing/route.ts).
 * - A provider model glob an earlier provider's glob always takes (the proxy tries providers in order).
 * - A routing rule whose model Tollgate sends to other providers than the exports do (no
 *   match.provider, or a `provider/model` target): policy/modelProvider.ts.
 * - A model name Tollgate cannot price at the public OpenAI or Anthropic API (`gpt4o`, a snapshot
 *   newer than the price list): a usd budget counts it as $0. Names are checked against
 *   @pydantic/genai-prices' model list, which can lag a new release, hence a warning, not an error;
 *   providers at any other URL (Ollama, vLLM, OpenRouter…) name models their own way and are skipped.
 */
import { findProvider } from '@pydantic/genai-prices';
import { priceCall } from '../pricing/price';
import { PROTOCOLS } from '../providers/protocol';
import { locateAll, type PolicyProblem } from './load';
import { ruleTargetMessage, ruleTargetSplit } from './modelProvider';
import { globMatch } from '../routing/glob';
import { closest } from './nearest';
import { type Policy, resolveProviders, type ResolvedProvider, ruleRoutes, TIERS } from './schema';

export interface PolicyWarning {
  /** Dotted policy path, as in PolicyProblem (locate it with locateAll). */
  path: string;
  message: string;
}

type Rule = Policy['routing']['rules'][number];

/** Whether every request `later` matches is matched by `earlier` too: each field `earlier` names, `later` names the same way. */
function covers(earlier: Rule['match'], later: Rule['match']): boolean {
  const same = (a: unknown, b: unknown) => a === undefined || a === b;
  const laterHeaders = new Map(Object.entries(later.header ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return (
    same(earlier.feature, later.feature) &&
    same(earlier.model, later.model) &&
    same(earlier.provider, later.provider) &&
    same(earlier.minInputTokens, later.minInputTokens) &&
    same(earlier.maxInputTokens, later.maxInputTokens) &&
    Object.entries(earlier.header ?? {}).every(([k, v]) => laterHeaders.get(k.toLowerCase()) === v)
  );
}


function shadowedRules(rules: readonly Rule[]): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  rules.forEach((rule, i) => {
    // A shadowed rule with a semanticThreshold may still set the cache threshold: not dead.
    if (!ruleRoutes(rule) || rule.semanticThreshold !== undefined) return;
    const j = rules.findIndex((earlier, k) => k < i && ruleRoutes(earlier) && covers(earlier.match, rule.match));
    if (j >= 0)
      out.push({
        path: `routing.rules.${i}.name`,
        message: `rule "${rule.name}" never applies: rule "${rules[j]!.name}" (routing.rules.${j}) comes first and matches every request this one matches; move it above, or narrow the earlier rule`,
      });
  });
  return out;
}

const modelIds = new Map<string, string[]>();
function knownModels(kind: string): string[] {
  let ids = modelIds.get(kind);
  if (!ids) {
    ids = findProvider({ providerId: kind })?.models.map((m) => m.id) ?? [];
    modelIds.set(kind, ids);
  }
  return ids;
}

/** Why `model` is probably not a model of this public API, with the likely name; undefined when it is fine. */
function unknownModel(model: string, provider: ResolvedProvider): string | undefined {
  // Anthropic model ids never contain a dot (claude-3-5-sonnet, claude-sonnet-4-5); genai-prices matches the dotted form anyway.
  if (provider.kind === 'anthropic' && model.includes('.'))
    return `"${model}" is not an Anthropic model id (they use "-" where versions have a dot); did you mean "${model.replace(/\./g, '-')}"?`;
  const api = provider.kind === 'anthropic' ? 'Anthropic' : 'OpenAI';
  const price = priceCall(model, { inputTokens: 1000, outputTokens: 0 }, provider.kind);
  // genai-prices prices a model whichever provider asks: `gpt-4o-mini` under the anthropic tiers was
  // priced (as OpenAI's) and passed, though Anthropic refuses it on every call.
  if (price.priced && price.matchedModel !== undefined && !knownModels(provider.kind).includes(price.matchedModel))
    return `"${model}" is not an ${api} model (genai-prices knows it from another provider), and ${provider.name} sends it to the ${api} API, which will refuse it: name a model of ${provider.name}, or put this one under the tiers of its own provider`;
  if (price.priced) return undefined;
  // Not "the API refuses it": an alias (`-latest`) or a dated snapshot newer than genai-prices is
  // served all the same; what is sure is that Tollgate cannot price it.
  const near = snapshotOf(model, provider.kind) ?? closest(model, knownModels(provider.kind));
  const priceAs = `providers.${provider.name}.priceAs: { "${model}": "${near ?? '<a model genai-prices prices>'}" }`;
  return `"${model}" has no price in Tollgate (genai-prices does not list it for ${api}), so usd budgets count its calls as $0: ${near ? `did you mean "${near}"? If ${api} serves this name (an alias or a dated snapshot), price it as that model with ${priceAs}` : `check the name, or price it as a known model with ${priceAs}`}`;
}

/** The priced model an alias or dated snapshot names (`gpt-4o-latest`, `claude-x-20990101`, `gpt-x-2099-01-01`), if any. */
function snapshotOf(model: string, kind: string): string | undefined {
  const base = model.replace(/-(latest|\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  return base !== model && priceCall(base, { inputTokens: 1000, outputTokens: 0 }, kind).priced ? base : undefined;
}

function modelNames(policy: Policy): PolicyWarning[] {
  const providers = resolveProviders(policy);
  // Only the public APIs (any provider sending there): at any other URL the server decides its own model names.
  const isPublic = (p: ResolvedProvider | undefined): p is ResolvedProvider => p !== undefined && p.baseUrl === PROTOCOLS[p.kind].defaultBaseUrl.replace(/\/+$/, '');
  const out: PolicyWarning[] = [];
  const check = (model: string | undefined, providerName: string | undefined, path: string) => {
    const provider = providerName === undefined ? undefined : providers.get(providerName);
    if (model === undefined || !isPublic(provider)) return;
    const why = unknownModel(model, provider);
    if (why) out.push({ path, message: why });
  };
  for (const [name, tiers] of Object.entries(policy.routing.tiers)) for (const t of TIERS) check(tiers[t], name, `routing.tiers.${name}.${t}`);
  // A rule's model goes to the provider its match names exactly (a glob could be either).
  policy.routing.rules.forEach((r, i) => {
    check(r.model, r.match.provider, `routing.rules.${i}.model`);
  });
  policy.fallbacks.forEach((f, i) => {
    f.to.forEach((target, j) => {
      const slash = target.indexOf('/');
      if (slash > 0) check(target.slice(slash + 1), target.slice(0, slash), `fallbacks.${i}.to.${j}`);
    });
  });
  return out;
}

/** Whether every name `inner` matches, `outer` matches too (exact names, and `prefix*` over anything starting with the prefix). */
function globCovers(outer: string, inner: string): boolean {
  if (!/[*?]/.test(inner)) return globMatch(outer, inner);
  const prefix = outer.slice(0, -1);
  return outer.endsWith('*') && !/[*?]/.test(prefix) && inner.startsWith(prefix);
}

/**
 * A provider's model glob that an earlier provider of its protocol always takes: the proxy tries
 * providers in its order (openai, anthropic, then the policy's as written; providers/index.ts), so
 * `azure: { models: [gpt-4o] }` beside `openai: { models: [gpt-*] }` never reaches azure. Before
 * any glob, a model's `name/` prefix naming a provider of the request's protocol picks that provider
 * (chooseProvider), so an OpenRouter-style `openai/*` under another OpenAI-protocol provider never
 * matches; `anthropic/*` there does (the anthropic provider speaks the other protocol).
 */
function shadowedModelGlobs(policy: Policy): PolicyWarning[] {
  const order = [...resolveProviders(policy).values()];
  return order.flatMap((p, i) =>
    p.models.flatMap((glob, j) => {
      const prefix = glob.slice(0, Math.max(glob.indexOf('/'), 0));
      const owner = /[*?]/.test(prefix) ? undefined : order.find((o) => o !== p && o.name === prefix && o.kind === p.kind);
      const earlier = order.slice(0, i).find((e) => e.kind === p.kind && e.models.some((g) => globCovers(g, glob)));
      const why = owner
        ? `Tollgate reads a model's "${prefix}/" prefix as provider ${prefix} (the same protocol) before any glob, and sends the rest of the name there; to reach ${p.name} with these names, ask for "${p.name}/${glob}" (Tollgate removes the "${p.name}/")`
        : earlier
          ? `Tollgate tries providers in the order openai, anthropic, then the policy's as written, and ${earlier.name}'s "${earlier.models.find((g) => globCovers(g, glob))}" matches every model it does first; ask for "${p.name}/<model>", or narrow ${earlier.name}'s glob`
          : undefined;
      return why ? [{ path: `providers.${p.name}.models.${j}`, message: `"${glob}" never sends a request to provider ${p.name}: ${why}` }] : [];
    }),
  );
}

/** Rules whose model reaches another provider in Tollgate than in a gateway export, at the rule's line. */
function ruleTargets(policy: Policy): PolicyWarning[] {
  const providers = resolveProviders(policy);
  return policy.routing.rules.flatMap((r, i) => {
    const out: PolicyWarning[] = [];
    const split = ruleTargetSplit(policy, r, providers);
    if (split) out.push({ path: `routing.rules.${i}`, message: ruleTargetMessage(r, split, '`tollgate policy export` (each gateway that can express the rule) sends') });
    // The route stage matches the model after identify removed a `provider/` prefix (pipeline/identity.ts).
    const asked = r.match.model;
    const slash = asked?.indexOf('/') ?? -1;
    if (asked !== undefined && slash > 0 && providers.has(asked.slice(0, slash)))
      out.push({
        path: `routing.rules.${i}.match.model`,
        message: `rule "${r.name}" never applies to requests for ${asked.slice(0, slash)}: Tollgate matches match.model against the model after its "${asked.slice(0, slash)}/" prefix is removed (a gateway export matches the name as sent); write match: { model: "${asked.slice(slash + 1)}", provider: ${asked.slice(0, slash)} }`,
      });
    return out;
  });
}

export function policyWarnings(policy: Policy): PolicyWarning[] {
  return [...shadowedRules(policy.routing.rules), ...shadowedModelGlobs(policy), ...ruleTargets(policy), ...modelNames(policy)];
}

/** The warnings of a policy read from `text`, each at its line and column (the CLI, the proxy's log, the editor's Problems view). */
export function locatedWarnings(policy: Policy, text: string, file: string): PolicyProblem[] {
  return locateAll(text, file, policyWarnings(policy));
}
