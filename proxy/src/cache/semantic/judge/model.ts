/**
 * The equivalence judge's model, in two shipped kinds scored by one function (`probability`), so
 * the proxy and the training script score alike:
 * - v1: a logistic regression over standardised pair features (features.ts);
 * - v2: gradient-boosted trees (gbdt.ts) whose margin is mapped to P(same) by a Platt calibration
 *   fitted on cross-validated margins, so P is an honest probability.
 * Small enough to ship as JSON. The weights file names the embedder it was fitted for, lists the
 * features it reads (by name; this build computes a superset) and carries a SHA-256 of its own
 * content, checked on load.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../canonical';
import { FEATURE_NAMES, type IdfTable } from './features';
import { gbdtMargin, type GbdtModel, type GbdtParams } from './gbdt';

export interface CalibrationBin {
  /** Predicted probability range [lo, hi). */
  lo: number;
  hi: number;
  pairs: number;
  /** Mean predicted probability and observed share of same-meaning pairs (cross-validated). */
  predicted: number;
  observed: number;
}

export interface OperatingPoint {
  /** Serve only at P(same) ≥ this (before the expected-value rule and feedback). */
  minProbability: number;
  /** The precision target it was chosen for, and what cross-validation measured there. */
  precisionTarget: number;
  cvPrecision: number;
  cvRecall: number;
}

/** P = sigmoid(a · margin + b), fitted on out-of-fold margins. */
export interface PlattCalibration {
  a: number;
  b: number;
}

interface WeightsCommon {
  format: 'tollgate-judge';
  version: number;
  /** Embedder model id (EmbedderInfo.modelId) the cosine feature came from. */
  embedder: string;
  /** Names of the features the model reads, in its column order (each one of FEATURE_NAMES). */
  features: string[];
  idf: IdfTable;
  operatingPoint: OperatingPoint;
  /** Cross-validated calibration (for docs and the dashboard; not used to score). */
  calibration: CalibrationBin[];
  training: { source: string; licence: string; pairs: number; positives: number; folds: number; seed: number; cvAuc: number };
  /**
   * Invented pairs with the P(same) the training script computed for them; a test scores them
   * through the proxy's judge and expects exactly these numbers.
   */
  selfCheck?: Array<{ cosine: number; a: string; b: string; p: number }>;
  /** sha256 of canonicalJson(weights without this field). */
  checksum: string;
}

export interface LogisticWeights extends WeightsCommon {
  model?: 'logistic';
  mean: number[];
  scale: number[];
  coef: number[];
  intercept: number;
}

export interface GbdtWeights extends WeightsCommon {
  model: 'gbdt';
  params: GbdtParams;
  gbdt: GbdtModel;
  platt: PlattCalibration;
}

export type JudgeWeights = LogisticWeights | GbdtWeights;

/** Scoring needs only the model's own fields (a fold model in cross-validation has no metadata). */
export type ScoringModel =
  | (Pick<LogisticWeights, 'mean' | 'scale' | 'coef' | 'intercept'> & { model?: 'logistic'; features?: string[] })
  | (Pick<GbdtWeights, 'model' | 'gbdt' | 'platt'> & { features?: string[] });

export function weightsChecksum(w: Omit<JudgeWeights, 'checksum'> | JudgeWeights): string {
  const { checksum: _drop, ...body } = w as JudgeWeights;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

const columnsCache = new WeakMap<object, number[]>();

/** Indices into the full FEATURE_NAMES vector of the columns a model reads (identity when it names none). */
function columnsOf(m: ScoringModel): number[] | undefined {
  if (!m.features) return undefined;
  let cols = columnsCache.get(m);
  if (!cols) {
    cols = m.features.map((f) => (FEATURE_NAMES as readonly string[]).indexOf(f));
    columnsCache.set(m, cols);
  }
  return cols;
}

/** The model's raw score: log-odds for the logistic model, the trees' margin for GBDT. */
export function margin(m: ScoringModel, x: readonly number[]): number {
  const cols = columnsOf(m);
  const v = cols ? cols.map((c) => x[c]!) : x;
  if (m.model === 'gbdt') return gbdtMargin(m.gbdt, v);
  let z = m.intercept;
  for (let i = 0; i < m.coef.length; i++) z += m.coef[i]! * ((v[i]! - m.mean[i]!) / m.scale[i]!);
  return z;
}

/** P(same) for a full feature vector (order: FEATURE_NAMES, or the model's own columns when it names none). */
export function probability(m: ScoringModel, x: readonly number[]): number {
  const z = margin(m, x);
  return m.model === 'gbdt' ? sigmoid(m.platt.a * z + m.platt.b) : sigmoid(z);
}

/** Throws unless the weights are intact, match this code's features and the given embedder. */
export function checkWeights(w: JudgeWeights, embedder?: string): JudgeWeights {
  if (w.format !== 'tollgate-judge') throw new Error('not a judge weights file');
  if (weightsChecksum(w) !== w.checksum) throw new Error(`judge weights v${w.version}: checksum mismatch (file altered or damaged)`);
  const unknown = w.features.filter((f) => !(FEATURE_NAMES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new Error(`judge weights v${w.version}: features this build does not compute: ${unknown.join(', ')}`);
  const n = w.features.length;
  if (w.model === 'gbdt') {
    for (const t of w.gbdt.trees) {
      if (t.f.length !== t.t.length || t.f.length !== t.r.length) throw new Error(`judge weights v${w.version}: malformed tree`);
      t.f.forEach((f, i) => {
        if (f >= n || f < -1 || (f >= 0 && (t.r[i]! <= i + 1 || t.r[i]! >= t.f.length))) throw new Error(`judge weights v${w.version}: malformed tree`);
      });
    }
  } else if (w.mean.length !== n || w.scale.length !== n || w.coef.length !== n) throw new Error(`judge weights v${w.version}: wrong vector length`);
  if (embedder !== undefined && w.embedder !== embedder) throw new Error(`judge weights were fitted for ${w.embedder}, not ${embedder}`);
  return w;
}
