/**
 * The learned router at run time: the shipped weights (checked once on load), a prediction for a
 * conversation from its embedding when there is a usable one (else from the cheap features alone),
 * and the team's exemplars blended in as nearest-neighbour votes with the model as the prior.
 * Pure: the caller supplies the embedding and the exemplar neighbours.
 */
import type { Tier } from '../../policy/schema';
import type { ChatText } from '../features';
import { routingAsk } from '../features';
import { embeddingReadsAsk, routerVector } from './features';
import { loadRouterModel, predictProbabilities, tierForProbabilities, type RouterModelFile, type TierProbabilities } from './model';
import shippedWeights from './router-weights.json';

/** A sentence embedding and the model that made it (vectors of other models are not used). */
export interface RoutingEmbedding {
  modelId: string;
  vector: Float32Array;
}

/** A team exemplar near the prompt: its tier and cosine similarity. */
export interface ExemplarVote {
  tier: Tier;
  similarity: number;
  /** Line in the exemplars file, for the route header. */
  line?: number;
}

export interface LearnedPrediction {
  tier: Tier;
  /** Calibrated probabilities after the exemplar votes (the model's own when none voted). */
  p: TierProbabilities;
  /** Which variant predicted: `embedding`, or `cheap` when no usable embedding was given. */
  variant: 'embedding' | 'cheap';
  /** Why there was no embedding, when variant is `cheap`. */
  fallbackReason?: string;
  /** Exemplars that voted (similarity at or above the floor), best first. */
  exemplars: ExemplarVote[];
}

/** Votes count from this cosine similarity (USE-lite: paraphrases score ≳ 0.8, same-topic ≈ 0.6). */
export const EXEMPLAR_MIN_SIMILARITY = 0.75;
/** Weight of the model's prior against one exemplar at similarity 1 (which weighs 4). */
const PRIOR_WEIGHT = 1;

let shipped: RouterModelFile | undefined;

/** The weights shipped with the proxy, validated (format, shapes, checksum) on first use. */
export function shippedRouterModel(): RouterModelFile {
  shipped ??= loadRouterModel(shippedWeights);
  return shipped;
}

/**
 * Mixes exemplar votes into the model's distribution over tiers. Each vote weighs
 * 4·((s − floor) / (1 − floor))²: a near-duplicate of a labelled prompt (s ≈ 0.97) outweighs the
 * model three to one; a loose match (s ≈ 0.8) nudges it.
 */
export function blendExemplars(p: TierProbabilities, votes: ExemplarVote[]): { p: TierProbabilities; used: ExemplarVote[] } {
  const used = votes.filter((v) => v.similarity >= EXEMPLAR_MIN_SIMILARITY).sort((a, b) => b.similarity - a.similarity);
  if (used.length === 0) return { p, used };
  const mass: Record<Tier, number> = {
    small: PRIOR_WEIGHT * (1 - p.atLeastMedium),
    medium: PRIOR_WEIGHT * (p.atLeastMedium - p.large),
    large: PRIOR_WEIGHT * p.large,
  };
  let total = PRIOR_WEIGHT;
  for (const v of used) {
    const w = 4 * ((Math.min(1, v.similarity) - EXEMPLAR_MIN_SIMILARITY) / (1 - EXEMPLAR_MIN_SIMILARITY)) ** 2;
    mass[v.tier] += w;
    total += w;
  }
  return { p: { atLeastMedium: (mass.medium + mass.large) / total, large: mass.large / total }, used };
}

export interface PredictInput {
  messages: ChatText[];
  /** routingAsk(messages), when the caller has it already (computed here otherwise). */
  ask?: string;
  embedding?: RoutingEmbedding;
  /** Why `embedding` is absent (loading, disabled…), for the route header. */
  embeddingUnavailable?: string;
  exemplars?: ExemplarVote[];
}

export function predictTier(input: PredictInput, model: RouterModelFile = shippedRouterModel()): LearnedPrediction {
  const sameModel = input.embedding && input.embedding.modelId === model.embeddingModelId && input.embedding.vector.length === model.variants.embedding.embeddingDimensions;
  // USE-lite reads English: the vector of an ask in Chinese, Russian… is noise the model was never
  // trained on (a long, hard Chinese design question came out P(≥ medium) = 0.04).
  const ask = input.ask ?? routingAsk(input.messages);
  const readable = embeddingReadsAsk(ask);
  const usable = sameModel && readable;
  const variant = usable ? model.variants.embedding : model.variants.cheap;
  const x = routerVector(input.messages, usable ? input.embedding!.vector : undefined, ask);
  const prior = predictProbabilities(variant, x);
  // Team exemplars are found by the same vector: for an unreadable ask, unrelated prompts in its
  // script look alike (Chinese "capital of Portugal?" vs "how is the weather?": cosine 0.94), so
  // any exemplar in that script would vote on every prompt written in it.
  const { p, used } = blendExemplars(prior, readable ? (input.exemplars ?? []) : []);
  const out: LearnedPrediction = { tier: tierForProbabilities(p, variant.thresholds), p, variant: usable ? 'embedding' : 'cheap', exemplars: used };
  if (!usable) {
    out.fallbackReason = !input.embedding
      ? (input.embeddingUnavailable ?? 'no embedding')
      : !sameModel
        ? `embedding model ${input.embedding.modelId} is not the router's`
        : 'ask not in Latin script';
  }
  return out;
}
