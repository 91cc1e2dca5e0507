/**
 * Tier routing: `model: "auto"` or a matching policy rule sends a request to a tier's model (named
 * per provider in `routing.tiers`). The tier comes from the learned router (`routing.router:
 * learned`, the default: shipped model + the team's exemplars) or from the hand-weighted complexity
 * score and the policy thresholds (`routing.router: score`).
 * Pure: the caller passes headers, the counted input tokens and, when it has them, the prompt's
 * embedding and its nearest team exemplars.
 */
import { ruleRoutes, TIERS, type Policy, type Tier } from '../policy/schema';
import { scoreComplexity, tierFor } from './complexity';
import type { ChatText } from './features';
import { globMatch } from './glob';
import { takesImages } from './vision';
import { SAMPLE_HEADER } from './quality/sampler';
import { predictTier, type ExemplarVote, type LearnedPrediction, type RoutingEmbedding } from './learned/router';

export const AUTO_MODEL = 'auto';

/**
 * Whether the client asked Tollgate to choose: "auto" in any case, with any surrounding spaces.
 * No provider has a model of that name in another case (model ids are lower-case), and users type
 * `Auto`, `AUTO` or paste `" auto"` from docs and settings screens: sent upstream as written, the
 * call failed there as an unknown model, unpriced, instead of being routed.
 */
export function isAutoModel(model: string): boolean {
  return model.trim().toLowerCase() === AUTO_MODEL;
}

export interface RouteInput {
  policy: Pick<Policy, 'routing'>;
  provider: string;
  /** The model the client asked for ("auto" to let Tollgate choose). */
  model: string;
  messages: ChatText[];
  /**
   * What the router reads of the conversation (routingAsk(messages)). The pipeline computes it once
   * per request and passes it to the features, the embedding and the recent-prompt memory alike;
   * absent, it is computed here.
   */
  ask?: string;
  feature?: string;
  /** Request headers (lower-case names, as node gives them). */
  headers: Record<string, string | string[] | undefined>;
  inputTokens: number;
  /** The last user turn's sentence embedding, when one is available (router `learned`). */
  embedding?: RoutingEmbedding;
  /** Why there is no embedding (said in the header when the router falls back to cheap features). */
  embeddingUnavailable?: string;
  /** The team's exemplars near the prompt (router `learned`). */
  exemplars?: ExemplarVote[];
  /** The request carries an image (vision.ts carriesImages): tiers whose model reads none are skipped. */
  images?: boolean;
}

export interface RouteDecision {
  model: string;
  /** Absent when a rule names an exact model. */
  tier?: Tier;
  /** Router `score`: the complexity score. Router `learned`: P(needs at least medium). */
  score: number;
  /** The policy rule that matched; absent for plain `model: "auto"`. */
  rule?: string;
  /**
   * The matched rule's `match.provider` glob, when it has one: where the rule's exact model may be
   * sent (pipeline/governanceStages.ts ruleTarget), from the rule that decided, not a look-up by name.
   */
  ruleProvider?: string;
  /** The learned router's prediction (probabilities, variant, exemplars), when it decided. */
  learned?: LearnedPrediction;
  /**
   * Value for `x-tollgate-route` (and the ledger), saying why:
   * `medium; p=0.64/0.08; by=model; rule=auto` (P(≥ medium)/P(large); by=model, exemplars:N@sim,
   * cheap(<why no embedding>)), or `medium; score=0.52; rule=auto` with router `score`.
   */
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
  const isAuto = isAutoModel(input.model);
  // Quality sampling's own calls name their model on purpose: never re-route them.
  if (input.headers[SAMPLE_HEADER] !== undefined && !isAuto) return undefined;
  // Rules see "auto" as written in the docs, so `match: { model: auto }` also takes `Auto`.
  const subject: RuleSubject = isAuto ? { ...input, model: AUTO_MODEL } : input;
  // First match among the rules that route: a rule that only sets a semantic threshold neither
  // reroutes the request nor hides a later routing rule (the threshold finds its own rule).
  const rule = routing.rules.find((r) => ruleRoutes(r) && ruleMatches(r, subject));
  if (!rule && !isAuto) return undefined;
  const ruleName = rule?.name ?? 'auto';
  const useLearned = (routing.router ?? 'learned') === 'learned';
  let learned: LearnedPrediction | undefined;
  let score: number;
  let why: string;
  if (useLearned && !rule?.model && !rule?.tier) {
    learned = predictTier({
      messages: input.messages,
      ...(input.ask !== undefined ? { ask: input.ask } : {}),
      ...(input.embedding ? { embedding: input.embedding } : {}),
      ...(input.embeddingUnavailable ? { embeddingUnavailable: input.embeddingUnavailable } : {}),
      ...(input.exemplars ? { exemplars: input.exemplars } : {}),
    });
    score = round2(learned.p.atLeastMedium);
    why = `p=${learned.p.atLeastMedium.toFixed(2)}/${learned.p.large.toFixed(2)}; by=${learnedBy(learned)}`;
  } else {
    score = scoreComplexity({ messages: input.messages, ...(input.ask !== undefined ? { ask: input.ask } : {}) }).score;
    why = `score=${score.toFixed(2)}`;
  }
  if (rule?.model) {
    return {
      model: rule.model,
      score,
      rule: rule.name,
      ...(rule.match.provider !== undefined ? { ruleProvider: rule.match.provider } : {}),
      header: `model=${rule.model}; ${why}; rule=${rule.name}`,
    };
  }
  const wanted = rule?.tier ?? learned?.tier ?? tierFor(score, routing.thresholds);
  const resolved = tierModel(ownValue(routing.tiers, input.provider), wanted, input.images === true);
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
    header: `${resolved.tier}; ${why}; rule=${ruleName}${resolved.skipped.length ? `; images=skipped ${resolved.skipped.join(' ')}` : ''}`,
  };
  if (rule) decision.rule = rule.name;
  if (rule?.match.provider !== undefined) decision.ruleProvider = rule.match.provider;
  if (learned) decision.learned = learned;
  return decision;
}

function learnedBy(p: LearnedPrediction): string {
  if (p.exemplars.length > 0) return `exemplars:${p.exemplars.length}@${p.exemplars[0]!.similarity.toFixed(2)}`;
  if (p.variant === 'cheap') return `cheap(${(p.fallbackReason ?? 'no embedding').replace(/[;,\r\n]/g, ' ')})`;
  return 'model';
}

const round2 = (x: number): number => Math.round(x * 100) / 100;


/** What a rule's `match` is tested against (routing and the semantic threshold share this). */
export type RuleSubject = Pick<RouteInput, 'model' | 'feature' | 'headers' | 'inputTokens'> & { provider?: string };

/** The one rule matcher: every field the rule names must match. */
export function ruleMatches(rule: Pick<Rule, 'match'>, input: RuleSubject): boolean {
  const m = rule.match;
  if (m.feature !== undefined && (input.feature === undefined || !globMatch(m.feature, input.feature))) return false;
  if (m.model !== undefined && !globMatch(m.model, input.model)) return false;
  if (m.provider !== undefined && (input.provider === undefined || !globMatch(m.provider, input.provider))) return false;
  if (m.minInputTokens !== undefined && input.inputTokens < m.minInputTokens) return false;
  if (m.maxInputTokens !== undefined && input.inputTokens > m.maxInputTokens) return false;
  for (const [name, pattern] of Object.entries(m.header ?? {})) {
    const raw = ownValue(input.headers, name.toLowerCase());
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (value === undefined || !globMatch(pattern, value)) return false;
  }
  return true;
}

/**
 * `record[key]` when the key is the record's own: node's request headers and the policy's maps are
 * plain objects, where a plain lookup of a user-chosen name (`constructor`, `toString`) finds
 * Object.prototype's function instead of "absent".
 */
function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * The wanted tier's model, else the nearest configured one — larger first, so quality never drops
 * silently. With `images`, a tier whose model is known to read none is passed over the same way
 * (`skipped`: `small(gpt-3.5-turbo)`, for the route header); a model no catalogue knows is kept. When
 * every configured tier reads no images, the wanted one stays: the provider's own error then says so.
 */
function tierModel(models: Partial<Record<Tier, string>> | undefined, wanted: Tier, images: boolean): { tier: Tier; model: string; skipped: string[] } | undefined {
  if (!models) return undefined;
  const i = TIERS.indexOf(wanted);
  const order = [...TIERS.slice(i), ...TIERS.slice(0, i).reverse()];
  let first: { tier: Tier; model: string } | undefined;
  const skipped: string[] = [];
  for (const t of order) {
    const model = models[t];
    if (!model) continue;
    first ??= { tier: t, model };
    if (!images || takesImages(model) !== false) return { tier: t, model, skipped };
    skipped.push(`${t}(${model.replace(/[;,\s()]/g, '_')})`);
  }
  return first && { ...first, skipped: [] };
}
