/**
 * Complexity score in [0, 1] for tier routing: a weighted sum of cheap features, optionally blended
 * with the tiers of the nearest labelled exemplars (when an embedder is loaded). Pure.
 *
 * The weights were set by hand while writing test/data/router-labels.tsv and checked with
 * `npm run eval:router`; they are a starting point, not a trained model.
 */
import type { Tier } from '../policy/schema';
import { extractFeatures, type ChatText, type FeatureName, type Features } from './features';

export interface ComplexityInput {
  messages: ChatText[];
}

export interface ComplexityScore {
  score: number;
  features: Record<string, number>;
}

/** A labelled exemplar close to the prompt: its tier and cosine similarity. */
export interface ExemplarMatch {
  tier: Tier;
  similarity: number;
}

export const FEATURE_WEIGHTS: Readonly<Record<FeatureName, number>> = {
  length: 0.4,
  context: 0.05,
  task: 0.15,
  code: 0.1,
  math: 0.3,
  reasoning: 0.3,
  constraints: 0.25,
  multiStep: 0.1,
  depth: 0.1,
  simple: -0.2,
};
const BIAS = 0.08;

/** Where a neighbour of each tier pulls the score. */
const TIER_CENTRE: Record<Tier, number> = { small: 0.15, medium: 0.5, large: 0.85 };
/** Weight of the exemplar vote at full similarity; it shrinks with the neighbours' similarity. */
const EXEMPLAR_WEIGHT = 0.6;

/** The hand-weighted part of the score from already extracted features. */
export function heuristicScore(f: Features): number {
  let heuristic = BIAS;
  for (const k of Object.keys(FEATURE_WEIGHTS) as FeatureName[]) heuristic += FEATURE_WEIGHTS[k] * f[k];
  return clamp01(heuristic);
}

export function scoreComplexity(input: ComplexityInput, neighbours: ExemplarMatch[] = []): ComplexityScore {
  const f: Features = extractFeatures(input.messages);
  const heuristic = heuristicScore(f);
  const features: Record<string, number> = { ...f, heuristic };
  let score = heuristic;
  const useful = neighbours.filter((n) => n.similarity > 0);
  if (useful.length > 0) {
    const total = useful.reduce((s, n) => s + n.similarity, 0);
    const vote = useful.reduce((s, n) => s + n.similarity * TIER_CENTRE[n.tier], 0) / total;
    const w = EXEMPLAR_WEIGHT * (total / useful.length);
    score = clamp01((1 - w) * heuristic + w * vote);
    features.exemplars = vote;
    features.exemplarWeight = w;
  }
  return { score: round3(score), features };
}

export function tierFor(score: number, thresholds: { medium: number; large: number }): Tier {
  if (score >= thresholds.large) return 'large';
  if (score >= thresholds.medium) return 'medium';
  return 'small';
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
