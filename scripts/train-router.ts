/**
 * `npx tsx scripts/train-router.ts [--max-under 0.05] [--output-tokens 500] [--out proxy/src/routing/learned/router-weights.json]`
 *
 * Trains the learned router deterministically (same data → same weights, byte for byte):
 *  1. loads the labelled sources of scripts/router-data.ts and their fixed train/select/test split;
 *  2. embeds every prompt with the bundled USE-lite model (cached under .cache/router/);
 *  3. fits two cumulative logistic heads — P(needs ≥ medium), P(needs large) — on the train split,
 *     for two variants: embedding + cheap features, and cheap features only (the fallback);
 *  4. calibrates each head by Platt scaling on the select split;
 *  5. chooses the thresholds on the select split by the stated objective: minimise cost (gpt-4.1
 *     nano/mini/4.1 prices from genai-prices, each prompt's own tokens + --output-tokens) subject to
 *     at most --max-under of prompts routed below the tier they need;
 *  6. writes the weights file with its checksum and the sources' attribution.
 * Each source is weighted so that none dominates (MMLU alone is 4,902 rows): weight = min(1, 1200 / rows).
 * The test split is never looked at here; scripts/eval-router.ts reports on it.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getEncoding } from 'js-tiktoken';
import { TIERS, type Tier } from '../proxy/src/policy/schema';
import { priceCall } from '../proxy/src/pricing/price';
import { USE_LITE_MODEL_ID } from '../proxy/src/embedding/backends/use-lite';
import { CHEAP_FEATURES, routerVector } from '../proxy/src/routing/learned/features';
import { chooseThresholds, DEFAULT_FIT, fitLogistic, fitPlatt, type ThresholdRow } from './lib/router/fit';
import { headLogit, modelChecksum, predictProbabilities, type LogisticHead, type RouterModelFile, type RouterVariant } from '../proxy/src/routing/learned/model';
import { EMBEDDING_ONLY_SOURCES, HAND_LABELLED, loadRouterData, SOURCE_INFO, type RouterRow } from './router-data';
import { embedCached } from './router-embeddings';

const { values } = parseArgs({
  options: {
    'max-under': { type: 'string', default: '0.05' },
    'output-tokens': { type: 'string', default: '500' },
    out: { type: 'string', default: 'proxy/src/routing/learned/router-weights.json' },
    shared: { type: 'string' },
    'cached-only': { type: 'boolean', default: false },
    'hand-weight': { type: 'string', default: '6' },
    'cheap-with-chat': { type: 'boolean', default: false },
  },
});

const root = resolve(import.meta.dirname, '..');
const maxUnder = Number(values['max-under']);
const outputTokens = Number(values['output-tokens']);
const log = (s: string) => process.stderr.write(`${s}\n`);

const data = loadRouterData(root, values.shared ? { sharedDir: values.shared } : {});
for (const n of data.notes) log(`note: ${n}`);
const embeddings = await embedCached(
  data.rows.map((r) => r.prompt),
  join(root, '.cache', 'router', 'use-lite.bin'),
  log,
  values['cached-only'],
);
// --cached-only: rows whose embedding is not cached yet are left out of both variants (same rows).
const before = data.rows.length;
data.rows = data.rows.filter((r) => embeddings.has(r.prompt));
if (data.rows.length < before) log(`note: ${before - data.rows.length} of ${before} prompts have no cached embedding and were left out (--cached-only)`);

const enc = getEncoding('o200k_base');
const MODELS: Record<Tier, string> = { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' };
export function costs(prompt: string): Record<Tier, number> {
  const inputTokens = enc.encode(prompt).length;
  const out = {} as Record<Tier, number>;
  for (const t of TIERS) out[t] = priceCall(MODELS[t], { inputTokens, outputTokens }, 'openai').totalUsd;
  return out;
}

const bySource = new Map<string, number>();
for (const r of data.rows) if (r.split === 'train') bySource.set(r.source, (bySource.get(r.source) ?? 0) + 1);
const handWeight = Number(values['hand-weight']);
// Hand labels (the rubric of test/routing/unseen/README.md: the traffic the router serves) weigh
// --hand-weight times a benchmark row in the embedding variant; the cheap variant keeps weight 1.
const weightOf = (r: RouterRow, withEmbedding: boolean) =>
  Math.min(1, 1200 / (bySource.get(r.source) ?? 1)) * (withEmbedding && HAND_LABELLED.includes(r.source) ? handWeight : 1);

const round = (x: number) => Number(x.toPrecision(5));

function trainVariant(withEmbedding: boolean): { variant: RouterVariant; select: ThresholdRow[] } {
  const vec = (r: RouterRow) => routerVector([{ role: 'user', text: r.prompt }], withEmbedding ? embeddings.get(r.prompt) : undefined);
  // The cheap variant reads only string cues: chat asks whose difficulty is in their meaning (short
  // but hard, long but easy) contradict each other there, so it is fitted without them.
  const fitted = withEmbedding || values['cheap-with-chat'] ? data.rows : data.rows.filter((r) => !EMBEDDING_ONLY_SOURCES.includes(r.source));
  const train = fitted.filter((r) => r.split === 'train');
  const select = fitted.filter((r) => r.split === 'select');
  const xTrain = train.map(vec);
  const wTrain = train.map((r) => weightOf(r, withEmbedding));
  const xSelect = select.map(vec);
  const wSelect = select.map((r) => weightOf(r, withEmbedding));
  const head = (target: (t: Tier) => boolean): LogisticHead => {
    const fit = fitLogistic(xTrain, train.map((r) => (target(r.tier) ? 1 : 0)), wTrain, DEFAULT_FIT);
    const raw: LogisticHead = { weights: fit.weights.map(round), bias: round(fit.bias), platt: { a: 1, b: 0 } };
    const platt = fitPlatt(
      xSelect.map((x) => headLogit(raw, x)),
      select.map((r) => (target(r.tier) ? 1 : 0)),
      wSelect,
    );
    return { ...raw, platt: { a: round(platt.a), b: round(platt.b) } };
  };
  log(`fitting ${withEmbedding ? 'embedding' : 'cheap'} variant on ${train.length} prompts (${xTrain[0]?.length} features)`);
  const atLeastMedium = head((t) => t !== 'small');
  const large = head((t) => t === 'large');
  const partial = { embeddingDimensions: withEmbedding ? 512 : 0, cheapFeatures: [...CHEAP_FEATURES], atLeastMedium, large };
  const rows: ThresholdRow[] = select.map((r, i) => ({
    p: predictProbabilities({ ...partial, thresholds: { medium: 0.5, large: 0.5 } }, xSelect[i]!),
    label: r.tier,
    cost: costs(r.prompt),
    weight: wSelect[i]!,
  }));
  const choice = chooseThresholds(rows, maxUnder);
  log(
    `  thresholds medium ≥ ${choice.thresholds.medium}, large ≥ ${choice.thresholds.large}: ` +
      `${(choice.underRouted * 100).toFixed(1)} % below need, ${(choice.costRatio * 100).toFixed(1)} % of always-large on the select split`,
  );
  return { variant: { ...partial, thresholds: choice.thresholds }, select: rows };
}

const embedding = trainVariant(true).variant;
const cheap = trainVariant(false).variant;

const counts = new Map<string, number>();
for (const r of data.rows) counts.set(r.source, (counts.get(r.source) ?? 0) + 1);
const body: Omit<RouterModelFile, 'checksum'> = {
  format: 'tollgate-router/1',
  embeddingModelId: USE_LITE_MODEL_ID,
  objective: `minimise cost (gpt-4.1-nano/mini/4.1, ${outputTokens} output tokens per call) subject to ≤ ${maxUnder * 100} % of prompts routed below the tier they need, on the calibration split; sources weighted min(1, 1200/rows)`,
  trainedAt: 'deterministic',
  variants: { embedding, cheap },
  sources: [...counts.entries()].map(([name, rows]) => ({ name, rows, licence: SOURCE_INFO[name]?.licence ?? 'unknown', origin: SOURCE_INFO[name]?.origin ?? 'unknown' })),
  heldOut: { note: 'run `npm run eval:router` for held-out figures by source' },
};
const file: RouterModelFile = { ...body, checksum: modelChecksum(body) };
writeFileSync(resolve(root, values.out), `${JSON.stringify(file)}\n`);
log(`wrote ${values.out} (${JSON.stringify(file).length} bytes, sha256 ${file.checksum.slice(0, 12)}…)`);
