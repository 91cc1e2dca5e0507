/**
 * Training math for the router model (shipped weights are scored by proxy/src/routing/learned/model.ts): a weighted,
 * L2-regularised logistic regression fitted by full-batch Adam (deterministic: no shuffling, zero
 * initialisation), Platt scaling, and the threshold search. Pure; used by scripts/train-router.ts.
 */
import type { Tier } from '../../../proxy/src/policy/schema';
import { sigmoid, type LogisticHead, type TierProbabilities } from '../../../proxy/src/routing/learned/model';

export interface FitOptions {
  l2: number;
  iterations: number;
  learningRate: number;
}

export const DEFAULT_FIT: FitOptions = { l2: 3e-3, iterations: 400, learningRate: 0.05 };

/** Logistic regression on rows `x` with 0/1 targets `y` and sample weights `w`. */
export function fitLogistic(x: number[][], y: number[], w: number[], opts: FitOptions = DEFAULT_FIT): { weights: number[]; bias: number } {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const theta = new Float64Array(d + 1); // last = bias
  const m = new Float64Array(d + 1);
  const v = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  const totalW = w.reduce((s, a) => s + a, 0) || 1;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let it = 1; it <= opts.iterations; it++) {
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      const row = x[i]!;
      let z = theta[d]!;
      for (let j = 0; j < d; j++) z += theta[j]! * row[j]!;
      const g = (w[i]! * (sigmoid(z) - y[i]!)) / totalW;
      for (let j = 0; j < d; j++) grad[j]! += g * row[j]!;
      grad[d]! += g;
    }
    for (let j = 0; j < d; j++) grad[j]! += opts.l2 * theta[j]!;
    for (let j = 0; j <= d; j++) {
      m[j] = b1 * m[j]! + (1 - b1) * grad[j]!;
      v[j] = b2 * v[j]! + (1 - b2) * grad[j]! * grad[j]!;
      const mh = m[j]! / (1 - b1 ** it);
      const vh = v[j]! / (1 - b2 ** it);
      theta[j]! -= (opts.learningRate * mh) / (Math.sqrt(vh) + eps);
    }
  }
  return { weights: Array.from(theta.subarray(0, d)), bias: theta[d]! };
}

/** Platt scaling: a 1-D logistic regression of the targets on the raw logits. */
export function fitPlatt(logits: number[], y: number[], w: number[]): LogisticHead['platt'] {
  const fit = fitLogistic(
    logits.map((z) => [z]),
    y,
    w,
    { l2: 0, iterations: 600, learningRate: 0.05 },
  );
  return { a: fit.weights[0]!, b: fit.bias };
}

export interface ThresholdRow {
  p: TierProbabilities;
  label: Tier;
  /** $ of this prompt on each tier. */
  cost: Record<Tier, number>;
  weight: number;
}

export interface ThresholdChoice {
  thresholds: { medium: number; large: number };
  /** Weighted share routed below the labelled tier on the rows the thresholds were chosen on. */
  underRouted: number;
  /** Routed cost / always-large cost on those rows. */
  costRatio: number;
}

const RANK: Record<Tier, number> = { small: 0, medium: 1, large: 2 };

/**
 * The objective: minimise cost subject to at most `maxUnderRouted` of prompts routed below the tier
 * they need. Searches both thresholds on a 0.01 grid; ties go to the higher thresholds (cheaper).
 * When no pair meets the bound, the pair with the least under-routing wins.
 */
export function chooseThresholds(rows: ThresholdRow[], maxUnderRouted: number): ThresholdChoice {
  const totalW = rows.reduce((s, r) => s + r.weight, 0) || 1;
  const largeCost = rows.reduce((s, r) => s + r.weight * r.cost.large, 0) || 1;
  let best: ThresholdChoice | undefined;
  let fallback: ThresholdChoice | undefined;
  for (let tm = 1; tm <= 99; tm++) {
    for (let tl = 1; tl <= 99; tl++) {
      const t = { medium: tm / 100, large: tl / 100 };
      let under = 0;
      let cost = 0;
      for (const r of rows) {
        const tier: Tier = r.p.large >= t.large ? 'large' : r.p.atLeastMedium >= t.medium ? 'medium' : 'small';
        if (RANK[tier] < RANK[r.label]) under += r.weight;
        cost += r.weight * r.cost[tier];
      }
      const c: ThresholdChoice = { thresholds: t, underRouted: under / totalW, costRatio: cost / largeCost };
      if (c.underRouted <= maxUnderRouted && (!best || c.costRatio < best.costRatio - 1e-12)) best = c;
      if (!fallback || c.underRouted < fallback.underRouted) fallback = c;
    }
  }
  return best ?? fallback!;
}
