/**
 * Tier routing: `model: "auto"` or a matching policy rule sends a request to a tier's model (named
 * per provider in `routing.tiers`), chosen by the complexity score and the policy thresholds.
 * Pure: the caller passes headers and the counted input tokens.
 */
import { TIERS, type Policy, type Tier } from '../policy/schema';
import { scoreComplexity, tierFor, type ExemplarMatch } from './complexity';
import type { ChatText } from './features';
import { globMatch } from './glob';

export const AUTO_MODEL = 'auto';

export interface RouteInput {
  policy: Pick<Policy, 'routing'>;
  provider: string;
  /** The model the client asked for ("auto" to let Tollgate choose). */
  model: string;
  messages: ChatText[];
  feature?: string;
  /** Request headers (lower-case names, as node gives them). */
  headers: Record<string, string | string[] | undefined>;
  inputTokens: number;
  /** Nearest labelled exemplars, when an embedder is loaded (see ExemplarIndex). */
  neighbours?: ExemplarMatch[];
}

export interface RouteDecision {
  model: string;
  /** Absent when a rule names an exact model. */
  tier?: Tier;
  score: number;
  /** The policy rule that matched; absent for plain `model: "auto"`. */
  rule?: string;
  /** Value for `x-tollgate-route` (and the ledger): `medium; score=0.52; rule=auto`. */
  header: string;
}

export class RoutingError extends Error {
  override name = 'RoutingError';
}

type Rule = Policy['routing']['rules'][number];

/**
 * The routing decision, or undefined when the request is not routed (an explicit model and no rule
 * matches). Throws RoutingError for `model: "auto"` when the provider has no tier models: the
 * caller should answer 400 with the message.
 */
export function routeRequest(input: RouteInput): RouteDecision | undefined {
  const { routing } = input.policy;
  const rule = routing.rules.find((r) => ruleMatches(r, input));
  const isAuto = input.model === AUTO_MODEL;
  if (!rule && !isAuto) return undefined;
  const { score } = scoreComplexity({ messages: input.messages }, input.neighbours ?? []);
  const ruleName = rule?.name ?? 'auto';
  if (rule?.model) {
    return { model: rule.model, score, rule: rule.name, header: `model=${rule.model}; score=${score.toFixed(2)}; rule=${rule.name}` };
  }
  const wanted = rule?.tier ?? tierFor(score, routing.thresholds);
  const resolved = tierModel(routing.tiers[input.provider], wanted);
  if (!resolved) {
    if (!isAuto) return undefined;
    throw new RoutingError(
      `model "auto" needs routing tiers for provider "${input.provider}": set routing.tiers.${input.provider}.small/medium/large in the policy`,
    );
  }
  const decision: RouteDecision = {
    model: resolved.model,
    tier: resolved.tier,
    score,
    header: `${resolved.tier}; score=${score.toFixed(2)}; rule=${ruleName}`,
  };
  if (rule) decision.rule = rule.name;
  return decision;
}

/** What a rule's `match` is tested against (routing and the semantic threshold share this). */
export type RuleSubject = Pick<RouteInput, 'model' | 'feature' | 'headers' | 'inputTokens'>;

/** The one rule matcher: every field the rule names must match. */
export function ruleMatches(rule: Pick<Rule, 'match'>, input: RuleSubject): boolean {
  const m = rule.match;
  if (m.feature !== undefined && (input.feature === undefined || !globMatch(m.feature, input.feature))) return false;
  if (m.model !== undefined && !globMatch(m.model, input.model)) return false;
  if (m.minInputTokens !== undefined && input.inputTokens < m.minInputTokens) return false;
  if (m.maxInputTokens !== undefined && input.inputTokens > m.maxInputTokens) return false;
  for (const [name, pattern] of Object.entries(m.header ?? {})) {
    const raw = input.headers[name.toLowerCase()];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined || !globMatch(pattern, value)) return false;
  }
  return true;
}

/** The wanted tier's model, else the nearest configured one — larger first, so quality never drops silently. */
function tierModel(models: Partial<Record<Tier, string>> | undefined, wanted: Tier): { tier: Tier; model: string } | undefined {
  if (!models) return undefined;
  const i = TIERS.indexOf(wanted);
  const order = [...TIERS.slice(i), ...TIERS.slice(0, i).reverse()];
  for (const t of order) {
    const model = models[t];
    if (model) return { tier: t, model };
  }
  return undefined;
}
