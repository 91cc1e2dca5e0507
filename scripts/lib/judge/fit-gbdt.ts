/**
 * Gradient-boosted decision trees for the equivalence judge: logistic loss, second-order
 * (Newton) leaf values, histogram splits on per-feature quantile edges. Small, dependency-free and
 * deterministic (row subsampling uses a seeded PRNG; ties are broken by feature then edge order),
 * so the same data give the same trees on every machine. Edges are rounded before binning and
 * leaf values before they are added to the margin, so the rounded trees written to JSON score every
 * training row exactly as the trainer saw it. Pure.
 */
import { gbdtMargin, type GbdtModel, type GbdtParams, type Tree } from '../../../proxy/src/cache/semantic/judge/gbdt';
import { seededRandom } from './trainingData';

export const DEFAULT_GBDT: GbdtParams = { trees: 500, depth: 3, learningRate: 0.05, lambda: 1, minChildWeight: 5, subsample: 0.8, bins: 48, seed: 19 };

function roundSig(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** Split points for one feature: midpoints between distinct values at (roughly) equal-count quantiles. */
function quantileEdges(values: readonly number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const distinct: number[] = [];
  for (const v of sorted) if (distinct.length === 0 || distinct[distinct.length - 1] !== v) distinct.push(v);
  if (distinct.length <= 1) return [];
  const edges: number[] = [];
  if (distinct.length <= bins) {
    for (let i = 0; i + 1 < distinct.length; i++) edges.push(roundSig((distinct[i]! + distinct[i + 1]!) / 2, 7));
  } else {
    for (let q = 1; q < bins; q++) {
      const v = sorted[Math.floor((q * sorted.length) / bins)]!;
      // The midpoint between v and the next larger distinct value.
      let lo = 0;
      let hi = distinct.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (distinct[mid]! <= v) lo = mid + 1;
        else hi = mid;
      }
      if (distinct[lo]! > v) edges.push(roundSig((v + distinct[lo]!) / 2, 7));
    }
  }
  return [...new Set(edges)].sort((a, b) => a - b);
}

interface NodeTask {
  rows: number[];
  depth: number;
  /** Index of this node in the tree arrays. */
  at: number;
}

/** Fits boosted trees on rows x (feature vectors) with 0/1 labels y. */
export function fitGbdt(x: readonly (readonly number[])[], y: readonly number[], params: Partial<GbdtParams> = {}): GbdtModel {
  const p = { ...DEFAULT_GBDT, ...params };
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const edges = Array.from({ length: d }, (_v, j) =>
    quantileEdges(
      x.map((r) => r[j]!),
      p.bins,
    ),
  );
  // bin[j][i]: number of edges below x[i][j] (x ≤ edge k ⇔ bin ≤ k).
  const bin = edges.map((e, j) =>
    Uint8Array.from(x, (r) => {
      const v = r[j]!;
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= e[mid]!) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }),
  );
  const pos = y.reduce((s, v) => s + v, 0);
  const base = roundSig(Math.log((pos + 0.5) / (n - pos + 0.5)), 9);
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const rnd = seededRandom(p.seed);
  const trees: Tree[] = [];
  const gh = new Float64Array(2 * (p.bins + 1));

  for (let t = 0; t < p.trees; t++) {
    for (let i = 0; i < n; i++) {
      const pr = 1 / (1 + Math.exp(-margin[i]!));
      g[i] = pr - y[i]!;
      h[i] = Math.max(pr * (1 - pr), 1e-12);
    }
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (p.subsample >= 1 || rnd() < p.subsample) rows.push(i);
    const tree: Tree = { f: [], t: [], r: [] };
    // Depth-first so the arrays come out in preorder (left subtree directly after its parent).
    const grow = (task: NodeTask): void => {
      const at = tree.f.length;
      tree.f.push(-1);
      tree.t.push(0);
      tree.r.push(0);
      let G = 0;
      let H = 0;
      for (const i of task.rows) {
        G += g[i]!;
        H += h[i]!;
      }
      let best = { gain: 1e-9, j: -1, k: -1 };
      if (task.depth < p.depth && H >= 2 * p.minChildWeight) {
        const parentScore = (G * G) / (H + p.lambda);
        for (let j = 0; j < d; j++) {
          const ne = edges[j]!.length;
          if (ne === 0) continue;
          gh.fill(0, 0, 2 * (ne + 1));
          const bj = bin[j]!;
          for (const i of task.rows) {
            const b = bj[i]!;
            gh[2 * b]! += g[i]!;
            gh[2 * b + 1]! += h[i]!;
          }
          let GL = 0;
          let HL = 0;
          for (let k = 0; k < ne; k++) {
            GL += gh[2 * k]!;
            HL += gh[2 * k + 1]!;
            const GR = G - GL;
            const HR = H - HL;
            if (HL < p.minChildWeight || HR < p.minChildWeight) continue;
            const gain = (GL * GL) / (HL + p.lambda) + (GR * GR) / (HR + p.lambda) - parentScore;
            if (gain > best.gain) best = { gain, j, k };
          }
        }
      }
      if (best.j < 0) {
        const value = roundSig((-G / (H + p.lambda)) * p.learningRate, 7);
        tree.t[at] = value;
        for (const i of task.rows) margin[i]! += value;
        return;
      }
      tree.f[at] = best.j;
      tree.t[at] = edges[best.j]![best.k]!;
      const bj = bin[best.j]!;
      const left = task.rows.filter((i) => bj[i]! <= best.k);
      const right = task.rows.filter((i) => bj[i]! > best.k);
      grow({ rows: left, depth: task.depth + 1, at: at + 1 });
      tree.r[at] = tree.f.length;
      grow({ rows: right, depth: task.depth + 1, at: tree.f.length });
    };
    grow({ rows, depth: 0, at: 0 });
    // Rows left out of this tree's sample still move by its output (the model is what scores them).
    if (rows.length < n) {
      const inSample = new Uint8Array(n);
      for (const i of rows) inSample[i] = 1;
      for (let i = 0; i < n; i++) if (!inSample[i]) margin[i]! += gbdtMargin({ base: 0, trees: [tree] }, x[i]!);
    }
    trees.push(tree);
  }
  return { base, trees };
}

/** Gain-weighted split counts per feature (how much each feature is used); for the docs and tuning. */
export function featureUse(m: GbdtModel, d: number): number[] {
  const out = new Array<number>(d).fill(0);
  for (const tree of m.trees) for (const f of tree.f) if (f >= 0) out[f]!++;
  return out;
}
