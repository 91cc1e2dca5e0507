/**
 * `npx tsx scripts/train-judge.ts --data <dir>`: fits the semantic cache's equivalence judge.
 * Deterministic (seeded sample, seeded folds, full-batch optimisation). Reads the training pairs
 * from a local folder (see docs/semantic-cache.md for where they come from), caches embeddings
 * under .cache/, writes proxy/src/cache/semantic/judge/weights-<embedder>-v<version>.json.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadTrainingSet } from '../proxy/src/cache/semantic/judge/trainingSet';
import { FEATURE_NAMES, calibration, chooseOperatingPoint, countIdf, crossValidate, featurise, precisionRecallCurve, round } from '../proxy/src/cache/semantic/judge/train';
import { fitLogistic, weightsChecksum, type JudgeWeights } from '../proxy/src/cache/semantic/judge/model';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.cache/semantic-train' },
    exclude: { type: 'string', default: '../shared/data/qqp-exclude.txt' },
    size: { type: 'string', default: '8000' },
    seed: { type: 'string', default: '19' },
    'embed-only': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const FOLDS = 5;
const L2 = 1;
/** CV precision the default operating point must reach (QQP's label noise caps what is reachable). */
const PRECISION_TARGET = 0.8;
const GRID = Array.from({ length: 99 }, (_v, i) => round((i + 1) / 100, 2));

async function main(): Promise<void> {
  const t = await loadTrainingSet({ dataDir: values.data!, excludeFile: values.exclude!, size: Number(values.size), seed: Number(values.seed) });
  if (values['embed-only']) {
    console.log(`embedded ${t.pairs.length} pairs for ${t.modelId}`);
    return;
  }
  const seed = Number(values.seed);
  const idf = countIdf([...new Set(t.pairs.flatMap((p) => [p.a, p.b]))], 3);
  const data = featurise(t.pairs, t.va, t.vb, idf);
  const labels = data.map((d) => d.pair.same);
  const cv = crossValidate(data, FOLDS, seed, L2);
  const curve = precisionRecallCurve(cv.oof, labels, GRID);
  const op = chooseOperatingPoint(curve, PRECISION_TARGET) ?? [...curve].filter((c) => c.served >= 20).sort((a, b) => b.precision - a.precision)[0];
  if (!op) throw new Error('too few pairs to choose an operating point');
  if (op.precision < PRECISION_TARGET) console.warn(`no operating point reaches CV precision ${PRECISION_TARGET}; using the most precise one`);
  const model = fitLogistic(
    data.map((d) => d.x),
    data.map((d) => (d.pair.same ? 1 : 0)),
    L2,
  );
  const body: Omit<JudgeWeights, 'checksum'> = {
    format: 'tollgate-judge',
    version: 1,
    embedder: t.modelId,
    features: [...FEATURE_NAMES],
    mean: model.mean.map((v) => round(v, 9)),
    scale: model.scale.map((v) => round(v, 9)),
    coef: model.coef.map((v) => round(v, 9)),
    intercept: round(model.intercept, 9),
    idf,
    operatingPoint: { minProbability: op.minProbability, precisionTarget: PRECISION_TARGET, cvPrecision: round(op.precision, 4), cvRecall: round(op.recall, 4) },
    calibration: calibration(cv.oof, labels),
    training: {
      source: 'GPTCache examples/benchmark/similiar_qqp_full.json (QQP pairs), seeded sample minus the excluded evaluation indices',
      licence: 'file: MIT (zilliztech/GPTCache); question text: Quora, non-commercial terms',
      pairs: data.length,
      positives: labels.filter(Boolean).length,
      folds: FOLDS,
      seed,
      cvAuc: round(cv.auc, 4),
    },
  };
  const weights: JudgeWeights = { ...body, checksum: weightsChecksum(body) };
  const out = values.out ?? 'proxy/src/cache/semantic/judge/weights-use-lite-v1.json';
  writeFileSync(out, `${JSON.stringify(weights)}\n`);
  console.log(`pairs ${data.length} (${body.training.positives} same), ${FOLDS}-fold grouped CV AUC ${cv.auc.toFixed(4)}`);
  console.log(`operating point: P(same) ≥ ${op.minProbability} → CV precision ${(100 * op.precision).toFixed(1)}%, recall ${(100 * op.recall).toFixed(1)}%`);
  console.log('coefficients (standardised):');
  FEATURE_NAMES.forEach((f, i) => console.log(`  ${f.padEnd(24)} ${model.coef[i]!.toFixed(3)}`));
  console.log('CV curve:');
  for (const c of curve.filter((_c, i) => i % 5 === 4)) console.log(`  p≥${c.minProbability.toFixed(2)} precision ${(100 * c.precision).toFixed(1)}% recall ${(100 * c.recall).toFixed(1)}% served ${c.served}`);
  console.log(`wrote ${out} (${(JSON.stringify(weights).length / 1024).toFixed(0)} KB, sha256 ${weights.checksum.slice(0, 16)}…)`);
}

await main();
