/**
 * Fitting and cross-validating the judge (used by scripts/train-judge.ts and the eval script).
 * Folds are grouped: pairs that share a question (transitively) stay in one fold, so a held-out
 * pair never has its text in training. Deterministic. Pure.
 */
import { FEATURE_NAMES, countIdf, pairFeatures, prepareText, type IdfTable, type JudgeText } from '../../../proxy/src/cache/semantic/judge/features';
import type { GbdtParams } from '../../../proxy/src/cache/semantic/judge/gbdt';
import { fitGbdt } from './fit-gbdt';
import { fitLogistic } from './fit-logistic';
import { margin, sigmoid, type CalibrationBin, type JudgeWeights, type PlattCalibration, type ScoringModel } from '../../../proxy/src/cache/semantic/judge/model';
import { seededRandom, type LabelledPair } from './trainingData';
import { dot } from '../../../proxy/src/embedding/vector';

export interface FeaturisedPair {
  pair: LabelledPair;
  cosine: number;
  x: number[];
}

export function featurise(pairs: readonly LabelledPair[], va: readonly Float32Array[], vb: readonly Float32Array[], idf: IdfTable): FeaturisedPair[] {
  const prepared = new Map<string, JudgeText>();
  const prep = (t: string) => {
    let p = prepared.get(t);
    if (!p) prepared.set(t, (p = prepareText(t)));
    return p;
  };
  return pairs.map((pair, i) => {
    const cosine = dot(va[i]!, vb[i]!);
    return { pair, cosine, x: pairFeatures(cosine, prep(pair.a), prep(pair.b), idf) };
  });
}

/** Fold (0..k-1) per pair; pairs connected through a shared text share a fold. */
export function groupedFolds(pairs: readonly LabelledPair[], k: number, seed: number): number[] {
  if (pairs.length > 0 && pairs.every((p) => p.fold !== undefined && p.fold < k)) return pairs.map((p) => p.fold!);
  const parent = new Map<string, string>();
  const find = (t: string): string => {
    let r = t;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = t;
    while (parent.get(c) !== r) {
      const n = parent.get(c)!;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  for (const p of pairs) {
    for (const t of [key(p.a), key(p.b)]) if (!parent.has(t)) parent.set(t, t);
    const ra = find(key(p.a));
    const rb = find(key(p.b));
    if (ra !== rb) parent.set(ra, rb);
  }
  const roots = [...new Set(pairs.map((p) => find(key(p.a))))].sort();
  const rnd = seededRandom(seed);
  const foldOf = new Map(roots.map((r) => [r, Math.floor(rnd() * k)]));
  return pairs.map((p) => foldOf.get(find(key(p.a)))!);
}

export interface CrossValidation {
  /** Out-of-fold P(same) per pair (calibrated out of fold too, for GBDT). */
  oof: number[];
  /** Out-of-fold raw margins (what the calibration maps). */
  margins: number[];
  auc: number;
  folds: number;
}

/** What to fit: the v1 logistic regression or the v2 trees, over the named features. */
export type ModelSpec = { model: 'logistic'; l2: number; features: readonly string[] } | { model: 'gbdt'; params: GbdtParams; features: readonly string[] };

function columns(features: readonly string[]): number[] {
  return features.map((f) => {
    const i = (FEATURE_NAMES as readonly string[]).indexOf(f);
    if (i < 0) throw new Error(`unknown feature ${f}`);
    return i;
  });
}

/** Fits the spec's model on full feature vectors; the result scores full vectors via `probability`. */
export function fitSpec(spec: ModelSpec, x: readonly number[][], y: readonly number[], platt: PlattCalibration = { a: 1, b: 0 }): ScoringModel {
  const cols = columns(spec.features);
  const xs = x.map((r) => cols.map((c) => r[c]!));
  const features = [...spec.features];
  if (spec.model === 'logistic') return { model: 'logistic', features, ...fitLogistic(xs, y, spec.l2) };
  return { model: 'gbdt', features, gbdt: fitGbdt(xs, y, spec.params), platt };
}

/** Platt scaling: P = sigmoid(a · margin + b), by (unregularised) logistic regression on the margin. */
export function fitPlatt(margins: readonly number[], y: readonly number[]): PlattCalibration {
  const f = fitLogistic(
    margins.map((m) => [m]),
    y,
    1e-6,
  );
  const a = f.coef[0]! / f.scale[0]!;
  return { a: round(a, 9), b: round(f.intercept - a * f.mean[0]!, 9) };
}

/**
 * Grouped k-fold cross-validation of a spec. For GBDT the Platt calibration is cross-validated as
 * well: fold f's margins are mapped by a calibration fitted on the other folds' out-of-fold
 * margins, so the reported probabilities never saw their own labels.
 */
export function crossValidate(data: readonly FeaturisedPair[], k: number, seed: number, spec: ModelSpec | number): CrossValidation {
  const s: ModelSpec = typeof spec === 'number' ? { model: 'logistic', l2: spec, features: FEATURE_NAMES.slice(0, 17) } : spec;
  const folds = groupedFolds(
    data.map((d) => d.pair),
    k,
    seed,
  );
  const y = data.map((d) => (d.pair.same ? 1 : 0));
  const margins = new Array<number>(data.length).fill(0);
  for (let f = 0; f < k; f++) {
    const train = data.filter((_d, i) => folds[i] !== f);
    const model = fitSpec(
      s,
      train.map((d) => d.x),
      train.map((d) => (d.pair.same ? 1 : 0)),
    );
    data.forEach((d, i) => {
      if (folds[i] === f) margins[i] = margin(model, d.x);
    });
  }
  let oof: number[];
  if (s.model === 'logistic') oof = margins.map(sigmoid);
  else {
    oof = new Array<number>(data.length).fill(0);
    for (let f = 0; f < k; f++) {
      const rest = margins.map((_m, i) => i).filter((i) => folds[i] !== f);
      const cal = fitPlatt(
        rest.map((i) => margins[i]!),
        rest.map((i) => y[i]!),
      );
      margins.forEach((m, i) => {
        if (folds[i] === f) oof[i] = sigmoid(cal.a * m + cal.b);
      });
    }
  }
  return {
    oof,
    margins,
    auc: auc(
      margins,
      data.map((d) => d.pair.same),
    ),
    folds: k,
  };
}

export function auc(scores: readonly number[], labels: readonly boolean[]): number {
  const idx = scores.map((_s, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (labels[idx[t]!]) {
      rankSum += avgRank;
      pos++;
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5;
}

export interface CurvePoint {
  minProbability: number;
  precision: number;
  recall: number;
  served: number;
}

/** Precision / recall when serving at P(same) ≥ t, for each t. */
export function precisionRecallCurve(scores: readonly number[], labels: readonly boolean[], thresholds: readonly number[]): CurvePoint[] {
  const positives = labels.filter(Boolean).length;
  return thresholds.map((t) => {
    let tp = 0;
    let served = 0;
    scores.forEach((s, i) => {
      if (s >= t) {
        served++;
        if (labels[i]) tp++;
      }
    });
    return { minProbability: t, precision: served ? tp / served : 1, recall: positives ? tp / positives : 0, served };
  });
}

/** Lowest t with precision ≥ target at t and every higher t in the grid (and at least `minServed` served). */
export function chooseOperatingPoint(curve: readonly CurvePoint[], target: number, minServed = 20): CurvePoint | undefined {
  const sorted = [...curve].sort((a, b) => a.minProbability - b.minProbability);
  let chosen: CurvePoint | undefined;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const c = sorted[i]!;
    if (c.served < minServed) continue;
    if (c.precision < target) break;
    chosen = c;
  }
  return chosen;
}

export function calibration(scores: readonly number[], labels: readonly boolean[], bins = 10): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const idx = scores.map((s, i) => (s >= lo && (s < hi || (b === bins - 1 && s <= 1)) ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    out.push({
      lo,
      hi,
      pairs: idx.length,
      predicted: round(idx.reduce((s, i) => s + scores[i]!, 0) / idx.length),
      observed: round(idx.filter((i) => labels[i]).length / idx.length),
    });
  }
  return out;
}

export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export { FEATURE_NAMES, countIdf };

/** The recipe that produced shipped weights, to refit per fold in cross-validation. */
export function specOf(w: JudgeWeights): ModelSpec {
  return w.model === 'gbdt' ? { model: 'gbdt', params: w.params, features: w.features } : { model: 'logistic', l2: 1, features: w.features };
}
