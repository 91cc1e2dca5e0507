/**
 * Complexity score in [0, 1] for tier routing (the `score` router): a weighted sum of cheap
 * features. Pure.
 *
 * The weights were set by hand while writing test/data/router-labels.tsv and checked with
 * `npm run eval:router`; they are a starting point, not a trained model.
 */
import type { Tier } from '../policy/schema';
import { extractFeatures, type ChatText, type FeatureName, type Features } from './features';

export interface ComplexityInput {
  messages: ChatText[];
  /** routingAsk(messages), when the caller has it already. */
  ask?: string;
}

export interface ComplexityScore {
  score: number;
  features: Record<string, number>;
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

/** The hand-weighted part of the score from already extracted features. */
export function heuristicScore(f: Features): number {
  let heuristic = BIAS;
  for (const k of Object.keys(FEATURE_WEIGHTS) as FeatureName[]) heuristic += FEATURE_WEIGHTS[k] * f[k];
  return clamp01(heuristic);
}

export function scoreComplexity(input: ComplexityInput): ComplexityScore {
  const f: Features = extractFeatures(input.messages, input.ask);
  const heuristic = heuristicScore(f);
  return { score: round3(heuristic), features: { ...f, heuristic } };
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
