/**
 * Which provider a model named in the policy goes to, and where a routing rule's model goes in
 * Tollgate versus a gateway export. Shared by `policy validate` (warnings.ts) and the exporters, so
 * both say the same thing about the same rule. Pure: no I/O.
 */
import { globMatch } from '../routing/glob';
import { type Policy, resolveProviders, type ResolvedProvider, TIERS } from './schema';

export interface ModelProvider {
  provider: ResolvedProvider;
  /** The model as sent upstream (a `provider/` prefix removed). */
  model: string;
}

/**
 * The provider a model name resolves to, as the proxy picks one for a request asking for it
 * (providers/index.ts chooseProvider): a `provider/` prefix; else the first provider whose `models`
 * globs match, in the proxy's order (openai, anthropic, then the policy's providers as written: that
 * order decides between overlapping globs); else a provider whose tiers name the model; else openai.
 */
export function modelProvider(policy: Policy, ref: string, providers: Map<string, ResolvedProvider> = resolveProviders(policy)): ModelProvider {
  return namedModelProvider(policy, ref, providers) ?? { provider: providers.get('openai') as ResolvedProvider, model: ref };
}

/** modelProvider without its last resort: undefined when nothing in the policy names the model's provider. */
export function namedModelProvider(
  policy: Policy,
  ref: string,
  providers: Map<string, ResolvedProvider>,
  protocol?: ResolvedProvider['kind'],
): ModelProvider | undefined {
  // Given the request's protocol, read the name as the proxy reads a requested model: a prefix naming
  // a provider of the other protocol is part of the model's name (`anthropic/claude-…` on OpenRouter).
  const speaks = (p: ResolvedProvider) => protocol === undefined || p.kind === protocol;
  const slash = ref.indexOf('/');
  if (slash > 0) {
    const p = providers.get(ref.slice(0, slash));
    if (p && speaks(p)) return { provider: p, model: ref.slice(slash + 1) };
  }
  const all = [...providers.values()].filter(speaks);
  const byGlob = all.find((p) => p.models.some((g) => globMatch(g, ref)));
  if (byGlob) return { provider: byGlob, model: ref };
  const byTier = all.find((p) => TIERS.some((t) => policy.routing.tiers[p.name]?.[t] === ref));
  return byTier ? { provider: byTier, model: ref } : undefined;
}

type Rule = Policy['routing']['rules'][number];

/** How a rule's `model` is sent by Tollgate and by an export, when the two differ. */
export interface RuleTargetSplit {
  /** Where the exports send it: the provider the model resolves to. */
  target: ModelProvider;
  /** Providers whose requests the rule matches and Tollgate keeps (the model name is sent there). */
  others: string[];
  /** The rule's model carries a `provider/` prefix, which reaches `others` as written. */
  prefixed: boolean;
}

/**
 * Tollgate's route stage (pipeline/governanceStages.ts `ruleTarget`) sends a rule's model to the
 * provider the policy names for it when that provider speaks the request's protocol (and the rule's
 * `match.provider`, if any, includes it), as the exports do; a request of the other protocol keeps its provider (bodies are not translated), and so does
 * every request when nothing in the policy names the model's provider (the exports then pick
 * openai). Those kept providers are the split. Undefined when Tollgate and the exports agree.
 */
export function ruleTargetSplit(policy: Policy, rule: Rule, providers: Map<string, ResolvedProvider> = resolveProviders(policy)): RuleTargetSplit | undefined {
  if (!rule.model) return undefined;
  const named = namedModelProvider(policy, rule.model, providers);
  const target = named ?? modelProvider(policy, rule.model, providers);
  const glob = rule.match.provider;
  // A rule for one exact model sees requests for that model, which go to the provider it resolves to
  // (a client of the other protocol asking for it is refused upstream either way).
  const asked = rule.match.model;
  const from = asked !== undefined && !/[*?]/.test(asked) ? [modelProvider(policy, asked, providers).provider.name] : [...providers.keys()];
  const matched = from.filter((name) => glob === undefined || globMatch(glob, name));
  // match.provider names only providers the model does not resolve to: Tollgate and the exports
  // both keep the request's provider.
  if (glob !== undefined && !matched.includes(target.provider.name)) return undefined;
  const kept = matched.filter((name) => name !== target.provider.name && (named === undefined || providers.get(name)?.kind !== target.provider.kind));
  return kept.length > 0 ? { target, others: kept, prefixed: target.model !== rule.model } : undefined;
}

/** The warning for a split, naming both sides; `where` is the gateway ("Bifrost sends") or all of them. */
export function ruleTargetMessage(rule: Rule, split: RuleTargetSplit, where: string): string {
  const { target, others, prefixed } = split;
  const sent = prefixed ? `"${rule.model}" (prefix included, which the upstream rejects)` : `"${rule.model}"`;
  const scope = rule.match.provider === undefined ? 'names no match.provider, so ' : '';
  const tollgate = others.length > 0 ? `Tollgate sends ${sent} to whichever provider the request already has, ${others.join(', ')} included` : `Tollgate sends ${sent} to the request's provider`;
  const fix = prefixed ? `write model: ${target.model} with match.provider: ${target.provider.name}` : `add match.provider: ${target.provider.name}`;
  return `rule "${rule.name}" ${scope}${tollgate}, while ${where} "${target.model}" to ${target.provider.name}, the provider it resolves to; ${fix} (and a rule per other provider if they need one) so Tollgate and the gateway route alike`;
}
