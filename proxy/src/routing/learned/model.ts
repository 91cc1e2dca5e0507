/**
 * The shipped router model: two cumulative logistic heads over the router vector —
 * P(needs at least medium) and P(needs large) — each Platt-calibrated, plus the thresholds the
 * training script chose by its stated objective. Two variants ship: `embedding` (sentence embedding
 * + cheap features) and `cheap` (cheap features only, for when no embedding is available).
 * Pure: parsing, checksum check and prediction.
 */
import { canonicalJson, sha256 } from '../../cache/canonical';
import type { Tier } from '../../policy/schema';

export interface LogisticHead {
  weights: number[];
  bias: number;
  /** Platt scaling of the raw logit z: p = σ(a·z + b), fitted on a split the head never trained on. */
  platt: { a: number; b: number };
}

export interface RouterVariant {
  /** Embedding dimensions expected before the cheap features (0 for the cheap-only variant). */
  embeddingDimensions: number;
  cheapFeatures: string[];
  atLeastMedium: LogisticHead;
  large: LogisticHead;
  /** Route to large when P(large) ≥ large; else medium when P(≥ medium) ≥ medium; else small. */
  thresholds: { medium: number; large: number };
}

export interface RouterModelFile {
  format: 'tollgate-router/1';
  /** The embedding model the `embedding` variant was trained on; other models' vectors are not used. */
  embeddingModelId: string;
  objective: string;
  trainedAt: string;
  variants: { embedding: RouterVariant; cheap: RouterVariant };
  /** Where the training labels came from, with licences (attribution the sources require). */
  sources: Array<{ name: string; rows: number; licence: string; origin: string }>;
  /** Held-out figures written by the training script, for `tollgate router eval` and the docs. */
  heldOut: Record<string, unknown>;
  /** sha256 of the canonical JSON of every other field. */
  checksum: string;
}

export interface TierProbabilities {
  /** P(the prompt needs at least the medium tier). */
  atLeastMedium: number;
  /** P(the prompt needs the large tier). */
  large: number;
}

export function modelChecksum(model: Omit<RouterModelFile, 'checksum'>): string {
  return sha256(canonicalJson(model));
}

export class RouterModelError extends Error {
  override name = 'RouterModelError';
}

/** Validates a parsed weights file: format, shapes and checksum. */
export function loadRouterModel(raw: unknown): RouterModelFile {
  const m = raw as RouterModelFile;
  if (!m || m.format !== 'tollgate-router/1') throw new RouterModelError('router weights: unknown format');
  const { checksum, ...rest } = m;
  const actual = modelChecksum(rest);
  if (actual !== checksum) throw new RouterModelError(`router weights: checksum mismatch (file says ${checksum}, content is ${actual})`);
  for (const [name, v] of Object.entries(m.variants)) {
    const n = v.embeddingDimensions + v.cheapFeatures.length;
    if (v.atLeastMedium.weights.length !== n || v.large.weights.length !== n) throw new RouterModelError(`router weights: variant ${name} has the wrong width`);
  }
  return m;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function headLogit(head: LogisticHead, x: ArrayLike<number>): number {
  let z = head.bias;
  const w = head.weights;
  for (let i = 0; i < w.length; i++) z += w[i]! * x[i]!;
  return z;
}

export function headProbability(head: LogisticHead, x: ArrayLike<number>): number {
  return sigmoid(head.platt.a * headLogit(head, x) + head.platt.b);
}

/** Calibrated probabilities; P(large) never exceeds P(≥ medium) (the heads are fitted separately). */
export function predictProbabilities(variant: RouterVariant, x: ArrayLike<number>): TierProbabilities {
  const atLeastMedium = headProbability(variant.atLeastMedium, x);
  const large = Math.min(atLeastMedium, headProbability(variant.large, x));
  return { atLeastMedium, large };
}

export function tierForProbabilities(p: TierProbabilities, thresholds: { medium: number; large: number }): Tier {
  if (p.large >= thresholds.large) return 'large';
  if (p.atLeastMedium >= thresholds.medium) return 'medium';
  return 'small';
}
