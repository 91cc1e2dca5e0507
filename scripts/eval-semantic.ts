/**
 * `npm run eval:semantic -- --pairs <tsv>` / `-- --workload <jsonl>`: measures the semantic cache
 * (real embedder, real sqlite-vec store, threshold and false-hit guard) on labelled data.
 *
 * Options: --backend use-lite|transformers (default use-lite), --threshold <t> (default: the
 * backend's calibrated default), --model-dir <dir> and --model <id> (transformers: load a model
 * folder from disk), --no-guard (measure without the guard), --answer-model / --answer-tokens
 * (the $ assumption for a workload). Several --pairs / --workload may be given.
 * Data files are read where they are; nothing is copied into the project.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_THRESHOLDS } from '../proxy/src/embedding/thresholds';
import type { Embedder } from '../proxy/src/embedding/types';
import { chooseThreshold, pairMetrics, parsePairsTsv, subsetMetrics, type ScoredPair } from './lib/semantic-eval/pairs';
import { loadTransformersEmbedder } from './lib/semantic-eval/transformers-embedder';
import { openUseLiteEmbedder } from '../proxy/src/embedding/backends/use-lite';
import { replayWorkload, replayWorkloadJudged, type WorkloadPrompt, type WorkloadResult } from './lib/semantic-eval/workload';
import { vetoReason } from '../proxy/src/cache/semantic/guard';
import { priceCall } from '../proxy/src/pricing/price';
import { countChatTokens } from '../proxy/src/tokens/count';
import { requiredProbability, type ServeRule } from '../proxy/src/cache/semantic/decide';
import type { EquivalenceJudge } from '../proxy/src/cache/semantic/judge/judge';
import { shippedJudgeFor, shippedVersionsFor } from '../proxy/src/cache/semantic/judge/shipped';
import { CONTROLLER_ONLY, FULL_LEARNING, type QualityLearning } from '../proxy/src/cache/semantic/quality/qualityStore';
import { crossValidate, featurise, precisionRecallCurve, specOf } from './lib/judge/train';
import { loadTrainingSet } from './lib/judge/trainingSet';
import { SemanticCacheSchema } from '../proxy/src/policy/schema';
import { dot } from '../proxy/src/embedding/vector';
import { cannotJudgeReason, inputLimitOf, type InputLimit } from '../proxy/src/cache/semantic/inputLimit';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', multiple: true, default: [] },
    workload: { type: 'string', multiple: true, default: [] },
    backend: { type: 'string', default: 'use-lite' },
    threshold: { type: 'string' },
    'model-dir': { type: 'string' },
    model: { type: 'string', default: 'Xenova/all-MiniLM-L6-v2' },
    'no-guard': { type: 'boolean', default: false },
    'answer-model': { type: 'string', default: 'gpt-4o-mini' },
    'answer-tokens': { type: 'string', default: '350' },
    'precision-goal': { type: 'string', default: '0.98' },
    feedback: { type: 'boolean', default: false },
    'show-false': { type: 'boolean', default: false },
    cv: { type: 'string' },
    exclude: { type: 'string', default: '../shared/data/qqp-exclude.txt' },
    'cv-size': { type: 'string' },
    'cv-seed': { type: 'string', default: '19' },
    'old-threshold': { type: 'string', default: '0.96' },
  },
});

/** The old default (cosine threshold + lexical guard): the baseline row in every table. */
const OLD_THRESHOLD = Number(values['old-threshold']);

function savedUsdFor(prompt: string): number {
  const model = values['answer-model'];
  const input = countChatTokens([{ role: 'user', content: prompt }], model).tokens;
  return priceCall(model, { inputTokens: input, outputTokens: Number(values['answer-tokens']) }).totalUsd;
}

function judgeRule(judge: EquivalenceJudge): ServeRule {
  const cfg = SemanticCacheSchema.parse({});
  return { baseMinProbability: judge.minProbability, wrongAnswerCostUsd: cfg.wrongAnswerCostUsd };
}

/** Why the proxy would not judge a pair at all: either side is text the embedder cannot judge (inputLimit.ts). */
function pairCannotJudge(limit: InputLimit, a: string, b: string): string | undefined {
  const why = cannotJudgeReason(a, limit) ?? cannotJudgeReason(b, limit);
  return why === undefined ? undefined : `embedder cannot judge: ${why}`;
}

/** Judge verdict for a pair as the proxy would decide it: the check before the embedding, vetoes, P(same), the expected-value rule. */
function judgeServes(judge: EquivalenceJudge, rule: ServeRule, limit: InputLimit, cosine: number, a: string, b: string, minP = rule.baseMinProbability): { serve: boolean; p: number; veto?: string } {
  const cannot = pairCannotJudge(limit, a, b);
  if (cannot !== undefined) return { serve: false, p: 0, veto: cannot };
  const v = judge.judge(cosine, a, b);
  if (v.veto !== undefined) return { serve: false, p: 0, veto: v.veto };
  return { serve: v.probability >= requiredProbability(savedUsdFor(b), minP, rule.wrongAnswerCostUsd), p: v.probability };
}

function prf(rows: Array<{ same: boolean; served: boolean }>): { precision: number; recall: number; tp: number; fp: number; served: number } {
  const tp = rows.filter((r) => r.same && r.served).length;
  const fp = rows.filter((r) => !r.same && r.served).length;
  const pos = rows.filter((r) => r.same).length;
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: pos ? tp / pos : 0, tp, fp, served: tp + fp };
}

const PRECISION_GOAL = Number(values['precision-goal']);
const FALSE_HIT_GOAL = 0.01;
const SWEEP = Array.from({ length: 31 }, (_v, i) => Math.round((0.7 + i * 0.01) * 100) / 100);

function pct(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a';
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

async function loadEmbedder(): Promise<Embedder> {
  const backend = values.backend;
  if (backend === 'use-lite') return openUseLiteEmbedder();
  if (backend === 'transformers') {
    const dir = values['model-dir'];
    if (!dir) {
      throw new Error(
        'transformers: pass --model-dir <dir> holding <owner>/<name>/ (config.json, tokenizer files, onnx/model_quantized.onnx). ' +
          'all-MiniLM-L6-v2 cannot be downloaded on machines without Hugging Face access.',
      );
    }
    return loadTransformersEmbedder(dir, values.model, DEFAULT_THRESHOLDS.transformers);
  }
  throw new Error(`unknown backend ${backend} (use-lite | transformers)`);
}

/** Embeddings are cached in the OS temp dir per (model, text) so re-runs only re-score. */
async function embedAll(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  const key = createHash('sha256').update(embedder.info.modelId).update('\u0000').update(texts.join('\u0000')).digest('hex').slice(0, 24);
  const file = join(tmpdir(), `tollgate-eval-embeddings-${key}.bin`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    const d = all.length / texts.length;
    if (Number.isInteger(d)) return texts.map((_t, i) => all.slice(i * d, (i + 1) * d));
  }
  const out: Float32Array[] = [];
  const batch = 32;
  for (let i = 0; i < texts.length; i += batch) {
    out.push(...(await embedder.embed(texts.slice(i, i + batch))));
    process.stderr.write(`\rembedding ${Math.min(i + batch, texts.length)}/${texts.length}`);
  }
  process.stderr.write('\n');
  const flat = new Float32Array(out.reduce((n, v) => n + v.length, 0));
  let o = 0;
  for (const v of out) {
    flat.set(v, o);
    o += v.length;
  }
  writeFileSync(file, Buffer.from(flat.buffer));
  return out;
}

async function evalPairs(embedder: Embedder, file: string, threshold: number, guard: boolean): Promise<void> {
  const pairs = parsePairsTsv(readFileSync(file, 'utf8'));
  const vecs = await embedAll(embedder, pairs.flatMap((p) => [p.a, p.b]));
  const scored: ScoredPair[] = pairs.map((p, i) => ({ ...p, similarity: dot(vecs[2 * i]!, vecs[2 * i + 1]!), veto: vetoReason(p.a, p.b) }));

  console.log(`\n## Pairs: ${basename(file)} (${pairs.length} pairs, ${pairs.filter((p) => p.same).length} same-meaning), backend ${embedder.info.backend}\n`);
  const subsets = [...new Set(scored.map((p) => p.subset))].sort();
  const judge = shippedJudgeFor(embedder.info.modelId);
  if (judge) {
    const rule = judgeRule(judge);
    const limit = inputLimitOf(embedder.info);
    console.log(`### Learned judge vs the old guard (same run)\n`);
    const methodRow = (name: string, served: boolean[]) => {
      const m = prf(scored.map((p, i) => ({ same: p.same, served: served[i]! })));
      return [name, pct(m.precision), pct(m.recall), `${m.tp}/${m.fp}`, ...subsets.map((sub) => `${scored.filter((p, i) => p.subset === sub && served[i]).length}/${scored.filter((p) => p.subset === sub).length}`)];
    };
    const verdicts = scored.map((p) => judgeServes(judge, rule, limit, p.similarity, p.a, p.b));
    const rows = [methodRow(`old: cosine ≥ ${OLD_THRESHOLD} + lexical guard`, scored.map((p) => p.similarity >= OLD_THRESHOLD && !p.veto && !pairCannotJudge(limit, p.a, p.b)))];
    // Earlier shipped judges as baseline rows (each at its own CV operating point).
    for (const v of shippedVersionsFor(embedder.info.modelId).filter((v) => v !== judge.weights.version).reverse()) {
      const prev = shippedJudgeFor(embedder.info.modelId, v)!;
      const prevRule = judgeRule(prev);
      rows.push(methodRow(`previous judge v${v}: P ≥ ${prev.minProbability} + expected value`, scored.map((p) => judgeServes(prev, prevRule, limit, p.similarity, p.a, p.b).serve)));
    }
    rows.push(methodRow(`judge v${judge.weights.version}: P ≥ ${judge.minProbability} (CV operating point) + expected value`, verdicts.map((v) => v.serve)));
    for (const t of [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]) rows.push(methodRow(`judge, P ≥ ${t}`, scored.map((p) => judgeServes(judge, rule, limit, p.similarity, p.a, p.b, t).serve)));
    console.log(table(['method', 'precision', 'recall', 'TP/FP', ...subsets.map((sub) => `${sub} served`)], rows));
    const vetoes = new Map<string, number>();
    for (const v of verdicts) if (v.veto) vetoes.set(v.veto.split(':')[0]!, (vetoes.get(v.veto.split(':')[0]!) ?? 0) + 1);
    console.log(`\nJudge hard vetoes: ${[...vetoes].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}\n`);
  }
  for (const g of guard ? [true, false] : [false]) {
    console.log(`### Threshold sweep, guard ${g ? 'on' : 'off'}\n`);
    const rows = SWEEP.map((t) => {
      const m = pairMetrics(scored, t, g);
      const subs = subsetMetrics(scored, t, g);
      return [t.toFixed(2), pct(m.precision), pct(m.recall), m.f1.toFixed(3), ...subs.map((s) => `${s.hits}/${s.n}`)];
    });
    console.log(table(['threshold', 'precision', 'recall', 'F1', ...subsets.map((s) => `${s} hits`)], rows));
    const chosen = chooseThreshold(scored, SWEEP, g, PRECISION_GOAL);
    console.log(`\nLowest threshold with precision ≥ ${PRECISION_GOAL} at it and above (guard ${g ? 'on' : 'off'}): ${chosen ?? 'none in sweep'}\n`);
  }

  console.log(`### At threshold ${threshold} (guard ${guard ? 'on' : 'off'})\n`);
  const m = pairMetrics(scored, threshold, guard);
  console.log(`overall: precision ${pct(m.precision)}, recall ${pct(m.recall)}, F1 ${m.f1.toFixed(3)} (TP ${m.tp}, FP ${m.fp}, FN ${m.fn})\n`);
  console.log(
    table(
      ['subset', 'pairs', 'served', 'recall (same) / false-hit rate (different)', 'precision vs the positives'],
      subsetMetrics(scored, threshold, guard).map((s) => [s.subset, s.n, s.hits, pct(s.hitRate), s.precisionVsPositives === undefined ? '' : pct(s.precisionVsPositives)]),
    ),
  );
  const vetoKinds = new Map<string, number>();
  for (const p of scored) if (p.similarity >= threshold && p.veto) vetoKinds.set(p.veto.split(':')[0]!, (vetoKinds.get(p.veto.split(':')[0]!) ?? 0) + 1);
  console.log(`\nGuard vetoes above the threshold, by rule: ${[...vetoKinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
  const vetoedSame = scored.filter((p) => p.same && p.similarity >= threshold && p.veto).length;
  const vetoedDiff = scored.filter((p) => !p.same && p.similarity >= threshold && p.veto).length;
  console.log(`Of those: ${vetoedDiff} different-meaning pairs blocked (false hits avoided), ${vetoedSame} same-meaning pairs blocked (recall lost).`);
}

interface WorkloadRow {
  prompt?: unknown;
  intent?: unknown;
}

function dollarsSaved(r: WorkloadResult, prompts: readonly WorkloadPrompt[]): { saved: number; perHit: number } {
  const saved = r.hits.reduce((sum, h) => sum + savedUsdFor(prompts[h.index]!.prompt), 0);
  return { saved, perHit: r.hits.length ? saved / r.hits.length : 0 };
}

async function evalWorkload(embedder: Embedder, file: string, threshold: number, guard: boolean): Promise<void> {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as WorkloadRow);
  const texts = rows.map((r) => String(r.prompt ?? ''));
  const vecs = await embedAll(embedder, texts);
  const prompts: WorkloadPrompt[] = rows.map((r, i) => ({
    prompt: texts[i]!,
    vector: vecs[i]!,
    ...(typeof r.intent === 'string' ? { intent: r.intent } : {}),
  }));
  const labelled = prompts.some((p) => p.intent !== undefined);
  console.log(
    `\n## Workload: ${basename(file)} (${prompts.length} prompts; ${labelled ? 'a hit is false when the gold intents differ' : 'all prompts distinct: every hit counts as false'}), backend ${embedder.info.backend}\n`,
  );
  const sweepRows: Array<Array<string | number>> = [];
  for (const t of SWEEP.filter((_t, i) => i % 2 === 0)) {
    const on = replayWorkload(prompts, t, true, embedder.info);
    const off = replayWorkload(prompts, t, false, embedder.info);
    sweepRows.push([t.toFixed(2), pct(on.hitRate), pct(on.falseHitRate), on.vetoed, pct(off.hitRate), pct(off.falseHitRate)]);
  }
  console.log(table(['threshold', 'hit rate (guard)', 'false-hit rate (guard)', 'vetoed', 'hit rate (no guard)', 'false-hit rate (no guard)'], sweepRows));

  const judge = shippedJudgeFor(embedder.info.modelId);
  if (judge) {
    const saved = prompts.map((p) => savedUsdFor(p.prompt));
    const rule = judgeRule(judge);
    const old = replayWorkload(prompts, OLD_THRESHOLD, true, embedder.info);
    const runs: Array<[string, WorkloadResult & { secondHalfHitRate?: number; secondHalfFalseHitRate?: number; finalMinProbability?: number }]> = [
      [`old: cosine ≥ ${OLD_THRESHOLD} + lexical guard`, old],
    ];
    for (const v of shippedVersionsFor(embedder.info.modelId).filter((v) => v !== judge.weights.version).reverse()) {
      const prev = shippedJudgeFor(embedder.info.modelId, v)!;
      runs.push([`previous judge v${v}, out of the box (P ≥ ${prev.minProbability} + expected value)`, replayWorkloadJudged(prompts, { judge: prev, rule: judgeRule(prev), embedder: embedder.info, savedUsd: (i) => saved[i]!, feedback: false })]);
    }
    runs.push([`judge v${judge.weights.version}, out of the box (P ≥ ${judge.minProbability} + expected value)`, replayWorkloadJudged(prompts, { judge, rule, embedder: embedder.info, savedUsd: (i) => saved[i]!, feedback: false })]);
    if (values.feedback) {
      // Each wrong hit served is evicted as feedback (the dashboard's path); the earlier rule (rate
      // controller only) is the baseline, then what each kind of learning adds.
      const fb = (learning: QualityLearning) => replayWorkloadJudged(prompts, { judge, rule, embedder: embedder.info, savedUsd: (i) => saved[i]!, feedback: true, learning });
      runs.push(['judge + feedback replay, earlier rule (rate controller only)', fb(CONTROLLER_ONLY)]);
      runs.push(['judge + feedback replay, + reported confusions', fb({ ...CONTROLLER_ONLY, confusions: true })]);
      runs.push(['judge + feedback replay, + trusted entries', fb({ ...CONTROLLER_ONLY, trust: true })]);
      runs.push(['judge + feedback replay, + credit at the first report', fb({ ...CONTROLLER_ONLY, credit: true })]);
      runs.push(['**judge + feedback replay, all (default)**', fb(FULL_LEARNING)]);
    }
    console.log(`### Learned judge vs the old guard (same run)\n`);
    console.log(
      table(
        ['method', 'hits', 'hit rate', 'false hits', 'false-hit rate', 'hit precision', '2nd-half hit rate', '2nd-half false-hit rate', 'final operating point'],
        runs.map(([name, r]) => [
          name,
          r.hits.length,
          pct(r.hitRate),
          r.falseHits,
          pct(r.falseHitRate),
          r.hits.length ? pct((r.hits.length - r.falseHits) / r.hits.length) : 'n/a',
          r.secondHalfHitRate !== undefined ? pct(r.secondHalfHitRate) : '',
          r.secondHalfFalseHitRate !== undefined ? pct(r.secondHalfFalseHitRate) : '',
          r.finalMinProbability !== undefined ? r.finalMinProbability.toFixed(3) : '',
        ]),
      ),
    );
    // --show-false: every wrong hit each run served, as texts with their gold intents.
    const shown = (i: number) => `"${prompts[i]!.prompt}" (${prompts[i]!.intent ?? 'unlabelled'})`;
    if (values['show-false']) for (const [name, run] of runs) for (const h of run.hits.filter((x) => !x.correct)) console.log(`- ${name}: cosine ${h.similarity.toFixed(3)} ${shown(h.index)} ← ${shown(h.matchedIndex)}`);
    console.log('');
  }
  const r = replayWorkload(prompts, threshold, guard, embedder.info);
  const { saved, perHit } = dollarsSaved(r, prompts);
  const correct = r.hits.length - r.falseHits;
  console.log(`\n### At threshold ${threshold} (guard ${guard ? 'on' : 'off'})\n`);
  console.log(
    table(
      ['prompts', 'hits', 'hit rate', 'false hits', 'false-hit rate', 'hit precision', 'vetoed by guard', 'embedder cannot judge', '$ saved', '$ saved / 1k prompts'],
      [[r.prompts, r.hits.length, pct(r.hitRate), r.falseHits, pct(r.falseHitRate), r.hits.length ? pct(correct / r.hits.length) : 'n/a', r.vetoed, r.refused, saved.toFixed(4), ((1000 * saved) / r.prompts).toFixed(4)]],
    ),
  );
  console.log(
    `\n$ assumption: every hit saves one ${values['answer-model']} call with the prompt as input (js-tiktoken count) and a typical ` +
      `${values['answer-tokens']}-token answer, priced by proxy/src/pricing/price.ts (genai-prices); ${perHit.toFixed(5)} $ per hit. ` +
      `False hits are counted as saved $ too but deliver a wrong answer. Goal: false-hit rate ≤ ${pct(FALSE_HIT_GOAL)}: ${r.falseHitRate <= FALSE_HIT_GOAL ? 'met' : 'NOT met'}.`,
  );
  const falseExamples = r.hits.filter((h) => !h.correct).slice(0, 5);
  if (falseExamples.length) {
    console.log(`\nFalse hits (similarity, prompt indices): ${falseExamples.map((h) => `${h.similarity.toFixed(3)} #${h.index}→#${h.matchedIndex}`).join(', ')}`);
  }
}

/**
 * Cross-validation on the judge's training data (5 grouped folds, refitted per fold exactly as the
 * training script does), with the old guard scored on the same pairs.
 */
async function evalCrossValidation(embedder: Embedder, dataDir: string): Promise<void> {
  const judge = shippedJudgeFor(embedder.info.modelId);
  if (!judge) throw new Error(`no judge weights for ${embedder.info.modelId}`);
  // The newest judge's own training sample unless --cv-size says otherwise; every shipped recipe
  // is refitted per fold on the same pairs and features (IDF of the newest weights), so rows compare.
  const size = values['cv-size'] !== undefined ? Number(values['cv-size']) : judge.weights.training.pairs;
  const seed = Number(values['cv-seed']);
  const t = await loadTrainingSet({ dataDir, excludeFile: values.exclude!, size, seed }, embedder);
  const data = featurise(t.pairs, t.va, t.vb, judge.weights.idf);
  const labels = data.map((d) => d.pair.same);
  const limit = inputLimitOf(embedder.info);
  const vetoed = data.map((d) => (pairCannotJudge(limit, d.pair.a, d.pair.b) ?? judge.judge(d.cosine, d.pair.a, d.pair.b).veto) !== undefined);
  const row = (name: string, served: boolean[]) => {
    const m = prf(data.map((d, i) => ({ same: d.pair.same, served: served[i]! })));
    return [name, pct(m.precision), pct(m.recall), m.served];
  };
  const rows = [row(`old: cosine ≥ ${OLD_THRESHOLD} + lexical guard`, data.map((d) => d.cosine >= OLD_THRESHOLD && !vetoReason(d.pair.a, d.pair.b) && !pairCannotJudge(limit, d.pair.a, d.pair.b)))];
  const aucs: string[] = [];
  for (const v of shippedVersionsFor(embedder.info.modelId).reverse()) {
    const j = shippedJudgeFor(embedder.info.modelId, v)!;
    const cv = crossValidate(data, 5, seed, specOf(j.weights));
    aucs.push(`v${v} ${j.weights.model ?? 'logistic'} AUC ${cv.auc.toFixed(3)}`);
    const rule = judgeRule(j);
    const servedAt = (minP: number) => data.map((d, i) => !vetoed[i] && cv.oof[i]! >= requiredProbability(savedUsdFor(d.pair.b), minP, rule.wrongAnswerCostUsd));
    const latest = v === judge.weights.version;
    rows.push(row(`${latest ? 'judge' : 'previous judge'} v${v} (${j.weights.model ?? 'logistic'}): P ≥ ${j.minProbability} (its default operating point) + expected value`, servedAt(j.minProbability)));
    if (latest) for (const p of precisionRecallCurve(cv.oof, labels, [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])) rows.push(row(`judge v${v}, P ≥ ${p.minProbability}`, servedAt(p.minProbability)));
  }
  console.log(`\n## Cross-validation on the training data (${data.length} QQP pairs, ${labels.filter(Boolean).length} same; 5 grouped folds, refitted per fold; ${aucs.join(', ')})\n`);
  console.log(table(['method', 'precision', 'recall', 'served'], rows));
}

async function main(): Promise<void> {
  const pairsFiles = values.pairs ?? [];
  const workloadFiles = values.workload ?? [];
  if (pairsFiles.length === 0 && workloadFiles.length === 0 && !values.cv) {
    console.error('usage: npm run eval:semantic -- --pairs <tsv> | --workload <jsonl> [--backend use-lite|transformers] [--threshold t] [--no-guard]');
    process.exit(2);
  }
  const embedder = await loadEmbedder();
  const threshold = values.threshold !== undefined ? Number(values.threshold) : OLD_THRESHOLD;
  const guard = !values['no-guard'];
  console.log(`# Semantic cache evaluation — backend ${embedder.info.backend} (${embedder.info.modelId}), threshold ${threshold}, guard ${guard ? 'on' : 'off'}`);
  try {
    if (values.cv) await evalCrossValidation(embedder, values.cv);
    for (const f of pairsFiles) await evalPairs(embedder, f, threshold, guard);
    for (const f of workloadFiles) await evalWorkload(embedder, f, threshold, guard);
  } finally {
    await embedder.close();
  }
}

await main();
