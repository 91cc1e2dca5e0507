/**
 * Gradient-boosted decision trees for the equivalence judge: the trees' format and their margin.
 * scripts/lib/judge/fit-gbdt.ts fits them. Pure.
 */

/**
 * One tree in preorder. Node i is a leaf when f[i] === -1 (then t[i] is its value); otherwise
 * x[f[i]] <= t[i] goes to node i + 1 and anything else (including NaN) to node r[i].
 */
export interface Tree {
  f: number[];
  t: number[];
  r: number[];
}

export interface GbdtModel {
  /** Margin before the first tree (log-odds of the base rate). */
  base: number;
  trees: Tree[];
}

export interface GbdtParams {
  trees: number;
  depth: number;
  learningRate: number;
  /** L2 penalty on leaf values (XGBoost's lambda). */
  lambda: number;
  /** Smallest hessian sum a leaf may hold (XGBoost's min_child_weight). */
  minChildWeight: number;
  /** Share of rows each tree sees (seeded); 1 = all. */
  subsample: number;
  /** Quantile edges per feature. */
  bins: number;
  seed: number;
}

/** The raw margin (log-odds before calibration) of a feature vector. */
export function gbdtMargin(m: GbdtModel, x: readonly number[]): number {
  let z = m.base;
  for (const tree of m.trees) {
    let i = 0;
    while (tree.f[i] !== -1) i = x[tree.f[i]!]! <= tree.t[i]! ? i + 1 : tree.r[i]!;
    z += tree.t[i]!;
  }
  return z;
}
