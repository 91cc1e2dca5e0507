/**
 * `npx tsx scripts/train-judge.ts --data <dir>`: fits the semantic cache's equivalence judge.
 * Deterministic (seeded sample, seeded folds, seeded row subsampling, full-batch optimisation).
 * Reads the training pairs from a local folder (see docs/semantic-cache.md for where they come
 * from), caches embeddings under .cache/, writes
 * proxy/src/cache/semantic/judge/weights-<embedder>-v<version>.json.
 *
 * --model gbdt (default; v2) or logistic (v1); --trees / --depth override the GBDT's size. The default operating point is chosen on the
 * cross-validated curve only: the lowest P (0.005 grid) whose CV precision reaches the target at it
 * and at every higher P with ≥ 20 pairs served.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FEATURE_NAMES } from '../proxy/src/cache/semantic/judge/features';
import type { GbdtModel } from '../proxy/src/cache/semantic/judge/gbdt';
import { DEFAULT_GBDT, featureUse } from './lib/judge/fit-gbdt';
import { EquivalenceJudge } from '../proxy/src/cache/semantic/judge/judge';
import { probability, weightsChecksum, type GbdtWeights, type JudgeWeights, type LogisticWeights } from '../proxy/src/cache/semantic/judge/model';
import { calibration, chooseOperatingPoint, countIdf, crossValidate, featurise, fitPlatt, fitSpec, precisionRecallCurve, round, type ModelSpec } from './lib/judge/train';
import { loadClincTrainingSet, loadTrainingSet } from './lib/judge/trainingSet';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.cache/semantic-train' },
    source: { type: 'string', default: 'qqp' },
    version: { type: 'string' },
    trees: { type: 'string' },
    depth: { type: 'string' },
    exclude: { type: 'string', default: '../shared/data/qqp-exclude.txt' },
    size: { type: 'string', default: '8000' },
    seed: { type: 'string', default: '19' },
    model: { type: 'string', default: 'gbdt' },
    'precision-target': { type: 'string' },
    'embed-only': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const FOLDS = 5;
/** Where the pairs come from, and under what terms (recorded in the weights file). */
const SOURCES: Record<string, { source: string; licence: string }> = {
  qqp: {
    source: 'GPTCache examples/benchmark/similiar_qqp_full.json (QQP pairs), seeded sample minus the excluded evaluation indices',
    licence: 'file: MIT (zilliztech/GPTCache); question text: Quora, non-commercial terms',
  },
  clinc: {
    source: 'CLINC150 clinc/oos-eval data/data_full.json train+val splits (intent-labelled queries; nearest-neighbour, same-intent and same-domain pairs); IDF also over data/all_wiki_sents.txt',
    licence: 'CC BY 3.0 (Larson et al. 2019, "An Evaluation Dataset for Intent Classification and Out-of-Scope Prediction")',
  },
};
/** Candidate operating points: 0.005 steps (the CV curve has ~1,000 pairs served near the target, so finer steps would chase noise). */
const GRID = Array.from({ length: 199 }, (_v, i) => round((i + 1) / 200, 3));
/** The v1 model: 17 features, logistic regression. */
const V1_FEATURES = FEATURE_NAMES.slice(0, 17);
/** The v2 model reads every feature except the cosine hinges (a tree splits on the cosine itself). */
const V2_FEATURES = FEATURE_NAMES.filter((f) => !f.startsWith('cosine_over_'));

/** Invented pairs (not training text) whose shipped P(same) a test reproduces through the proxy's judge. */
const SELF_CHECK: Array<{ cosine: number; a: string; b: string }> = [
  { cosine: 0.97, a: 'How do I reset my password?', b: 'How can I reset my password?' },
  { cosine: 0.95, a: 'What is the best offline dictionary for PC?', b: 'What is the best offline dictionary for Android?' },
  { cosine: 0.96, a: 'Is smoking allowed here?', b: 'Is smoking not allowed here?' },
  { cosine: 0.93, a: 'How many moons does Jupiter have in 2021?', b: 'How many moons does Jupiter have?' },
  { cosine: 0.9, a: 'Why is my card payment still pending?', b: 'My card payment has been pending for days, why?' },
  { cosine: 0.82, a: 'What are good books to learn machine learning?', b: 'Which books should I read to learn machine learning?' },
  { cosine: 0.71, a: 'How do I cook rice in a microwave?', b: 'How long do I boil an egg?' },
];

async function main(): Promise<void> {
  const source = SOURCES[values.source!];
  if (!source) throw new Error(`--source must be one of ${Object.keys(SOURCES).join(', ')}`);
  const options = { dataDir: values.data!, excludeFile: values.exclude!, size: Number(values.size), seed: Number(values.seed) };
  const t = values.source === 'clinc' ? await loadClincTrainingSet(options) : await loadTrainingSet(options);
  if (values['embed-only']) {
    console.log(`embedded ${t.pairs.length} pairs for ${t.modelId}`);
    return;
  }
  const kind = values.model === 'logistic' ? 'logistic' : 'gbdt';
  const version = Number(values.version ?? (kind === 'logistic' ? 1 : 2));
  const target = Number(values['precision-target'] ?? (kind === 'logistic' ? 0.8 : 0.85));
  const seed = Number(values.seed);
  const spec: ModelSpec = kind === 'logistic' ? { model: 'logistic', l2: 1, features: V1_FEATURES } : { model: 'gbdt', params: { ...DEFAULT_GBDT, seed, ...(values.trees ? { trees: Number(values.trees) } : {}), ...(values.depth ? { depth: Number(values.depth) } : {}) }, features: V2_FEATURES };
  const idf = countIdf(t.idfTexts, 3);
  const data = featurise(t.pairs, t.va, t.vb, idf);
  const labels = data.map((d) => d.pair.same);
  const y: number[] = labels.map((l) => (l ? 1 : 0));
  const t0 = Date.now();
  const cv = crossValidate(data, FOLDS, seed, spec);
  console.log(`cross-validation: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const curve = precisionRecallCurve(cv.oof, labels, GRID);
  const op = chooseOperatingPoint(curve, target) ?? [...curve].filter((c) => c.served >= 20).sort((a, b) => b.precision - a.precision)[0];
  if (!op) throw new Error('too few pairs to choose an operating point');
  if (op.precision < target) console.warn(`no operating point reaches CV precision ${target}; using the most precise one`);
  const common = {
    format: 'tollgate-judge' as const,
    version,
    embedder: t.modelId,
    features: [...spec.features],
    idf,
    operatingPoint: { minProbability: op.minProbability, precisionTarget: target, cvPrecision: round(op.precision, 4), cvRecall: round(op.recall, 4) },
    calibration: calibration(cv.oof, labels),
    training: {
      ...source,
      pairs: data.length,
      positives: y.reduce((s, v) => s + v, 0),
      folds: FOLDS,
      seed,
      cvAuc: round(cv.auc, 4),
    },
  };
  const full = fitSpec(
    spec,
    data.map((d) => d.x),
    y,
  );
  let model: Omit<LogisticWeights, keyof typeof common | 'checksum' | 'selfCheck'> | Omit<GbdtWeights, keyof typeof common | 'checksum' | 'selfCheck'>;
  if (full.model === 'gbdt' && spec.model === 'gbdt') {
    // The shipped trees are fitted on every pair; their margin is calibrated by the map fitted on the
    // cross-validated margins (the fold models' scale, which the full model's margin closely follows).
    model = { model: 'gbdt', params: spec.params, gbdt: full.gbdt, platt: fitPlatt(cv.margins, y) };
  } else if (full.model !== 'gbdt') {
    model = { mean: full.mean.map((v) => round(v, 9)), scale: full.scale.map((v) => round(v, 9)), coef: full.coef.map((v) => round(v, 9)), intercept: round(full.intercept, 9) };
  } else throw new Error('unreachable');
  const draft = { ...common, ...model, checksum: '' } as JudgeWeights;
  const scorer = new EquivalenceJudge({ ...draft, checksum: weightsChecksum(draft) });
  const selfCheck = SELF_CHECK.map((c) => ({ ...c, p: scorer.score(c.cosine, c.a, c.b) }));
  const body = { ...draft, selfCheck } as Omit<JudgeWeights, 'checksum'>;
  const weights = { ...body, checksum: weightsChecksum(body) } as JudgeWeights;
  const out = values.out ?? `proxy/src/cache/semantic/judge/weights-use-lite-v${version}.json`;
  writeFileSync(out, `${JSON.stringify(weights)}\n`);
  // Read back what was written: the file must score exactly as the trainer did.
  const reread = new EquivalenceJudge(JSON.parse(readFileSync(out, 'utf8')) as JudgeWeights);
  for (const c of selfCheck) if (reread.score(c.cosine, c.a, c.b) !== c.p) throw new Error('written weights score differently from the trainer');
  const trainP = data.map((d) => probability(weights, d.x));
  console.log(`pairs ${data.length} (${common.training.positives} same), ${FOLDS}-fold grouped CV AUC ${cv.auc.toFixed(4)} (${kind})`);
  console.log(`operating point: P(same) ≥ ${op.minProbability} → CV precision ${(100 * op.precision).toFixed(1)}%, recall ${(100 * op.recall).toFixed(1)}% (target ${target})`);
  console.log(`in-sample (not a measure): ${precisionRecallCurve(trainP, labels, [op.minProbability]).map((c) => `precision ${(100 * c.precision).toFixed(1)}%, recall ${(100 * c.recall).toFixed(1)}%`)[0]}`);
  if (weights.model === 'gbdt') {
    const use = featureUse(weights.gbdt as GbdtModel, weights.features.length);
    console.log(`platt a ${weights.platt.a.toFixed(4)} b ${weights.platt.b.toFixed(4)}; splits per feature:`);
    for (const [i, f] of weights.features.entries()) console.log(`  ${f.padEnd(24)} ${use[i]}`);
  } else {
    console.log('coefficients (standardised):');
    for (const [i, f] of weights.features.entries()) console.log(`  ${f.padEnd(24)} ${(weights as LogisticWeights).coef[i]!.toFixed(3)}`);
  }
  console.log('CV calibration:');
  for (const b of weights.calibration) console.log(`  | ${b.lo.toFixed(1)}–${b.hi.toFixed(1)} | ${b.pairs} | ${b.predicted.toFixed(3)} | ${b.observed.toFixed(3)} |`);
  console.log('CV curve:');
  for (const c of curve.filter((c) => c.minProbability >= 0.5 && Math.round(c.minProbability * 200) % 4 === 0)) console.log(`  p≥${c.minProbability.toFixed(2)} precision ${(100 * c.precision).toFixed(1)}% recall ${(100 * c.recall).toFixed(1)}% served ${c.served}`);
  console.log(`wrote ${out} (${(JSON.stringify(weights).length / 1024).toFixed(0)} KB, sha256 ${weights.checksum.slice(0, 16)}…)`);
}

await main();
