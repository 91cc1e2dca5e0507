/**
 * `npm run eval:router [-- --labels <tsv>] [--output-tokens 500] [--shared <dir>] [--misses] [--baseline <weights.json>]`
 *
 * Compares four routers in the same run, on the same prompts:
 *  - learned: the shipped model (proxy/src/routing/learned/router-weights.json) with the USE-lite
 *    embedding of each prompt;
 *  - learned (cheap): the same model's fallback variant (no embedding);
 *  - always medium;
 *  - old score: the hand-weighted complexity score with the default thresholds (0.3 / 0.7).
 * With --baseline, the learned rows of another weights file (e.g. `git show HEAD:<weights>`) are
 * printed beside them, so new weights are judged against the old ones in one run.
 * Without --labels: on the held-out split (scripts/router-data.ts) of every training source, by
 * source, plus the evaluation-only sets (FAQ-style CLINC150 test queries, the project's held-out
 * labels and their medium/large rows = "hard"). With --labels: on that one file.
 * Per router: tier accuracy, share routed below the labelled tier, share sent to small, and cost as
 * a share of always-large (gpt-4.1-nano / mini / 4.1 prices from genai-prices; each prompt's own
 * input tokens by js-tiktoken o200k_base; --output-tokens per call, the same for every tier).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getEncoding } from 'js-tiktoken';
import { TIERS, type Tier } from '../proxy/src/policy/schema';
import { priceCall } from '../proxy/src/pricing/price';
import { USE_LITE_MODEL_ID } from '../proxy/src/embedding/backends/use-lite';
import { evaluateRouter, parseLabels, type EvalReport } from './lib/router/evaluate';
import { predictTier, shippedRouterModel } from '../proxy/src/routing/learned/router';
import { loadRouterModel } from '../proxy/src/routing/learned/model';
import { loadRouterData, OUTCOME_SOURCES, type RouterRow } from './router-data';
import { embedCached } from './router-embeddings';

const { values } = parseArgs({
  options: {
    labels: { type: 'string' },
    'output-tokens': { type: 'string', default: '500' },
    shared: { type: 'string' },
    misses: { type: 'boolean', default: false },
    'cached-only': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});

const root = resolve(import.meta.dirname, '..');
const MODELS: Record<Tier, string> = { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' };
const outputTokens = Number(values['output-tokens']);
const enc = getEncoding('o200k_base');

const sets = new Map<string, RouterRow[]>();
if (values.labels) {
  sets.set(values.labels, parseLabels(readFileSync(values.labels, 'utf8')).map((l) => ({ prompt: l.prompt, tier: l.tier, source: 'file', split: 'test' as const })));
} else {
  const data = loadRouterData(root, values.shared ? { sharedDir: values.shared } : {});
  for (const n of data.notes) console.log(`note: ${n}`);
  const test = data.rows.filter((r) => r.split === 'test');
  const outcome = test.filter((r) => OUTCOME_SOURCES.includes(r.source));
  if (outcome.length) sets.set('outcome-labelled (gsm8k+mmlu+math)', outcome);
  for (const source of [...new Set(test.map((r) => r.source))].sort()) sets.set(source, test.filter((r) => r.source === source));
  sets.set('all held-out', test);
  for (const [name, rows] of Object.entries(data.evalOnly)) sets.set(name, rows);
}

const all = [...sets.values()].flat();
const vectors = await embedCached(
  all.map((r) => r.prompt),
  join(root, '.cache', 'router', 'use-lite.bin'),
  (s) => process.stderr.write(`${s}\n`),
  values['cached-only'],
);
// --cached-only: prompts without a cached embedding are left out of every router's figures alike.
for (const [name, rows] of sets) {
  const kept = rows.filter((r) => vectors.has(r.prompt));
  if (kept.length < rows.length) console.log(`note: ${name}: ${rows.length - kept.length} of ${rows.length} prompts left out (no cached embedding)`);
  sets.set(name, kept);
}
const model = shippedRouterModel();
const baseline = values.baseline ? loadRouterModel(JSON.parse(readFileSync(values.baseline, 'utf8')) as unknown) : undefined;

type RouterName = 'learned' | 'learned (cheap)' | 'learned (baseline)' | 'learned (cheap, baseline)' | 'always medium' | 'old score';
const ROUTERS: RouterName[] = ['learned', 'learned (cheap)', ...(baseline ? (['learned (baseline)', 'learned (cheap, baseline)'] as const) : []), 'always medium', 'old score'];

function run(rows: RouterRow[], router: RouterName): EvalReport {
  const labels = rows.map((r) => ({ prompt: r.prompt, tier: r.tier, reason: '' }));
  const predict =
    router === 'old score'
      ? undefined
      : (i: number, prompt: string) => {
          if (router === 'always medium') return { tier: 'medium' as Tier, score: 0.5 };
          const messages = [{ role: 'user', text: prompt }];
          const withEmbedding = router === 'learned' || router === 'learned (baseline)';
          const p = predictTier(
            withEmbedding ? { messages, embedding: { modelId: USE_LITE_MODEL_ID, vector: vectors.get(rows[i]!.prompt)! } } : { messages, embeddingUnavailable: 'eval' },
            router.includes('baseline') ? baseline! : model,
          );
          return { tier: p.tier, score: p.p.atLeastMedium };
        };
  return evaluateRouter(labels, {
    thresholds: { medium: 0.3, large: 0.7 },
    countTokens: (t) => enc.encode(t).length,
    outputTokens,
    price: (tier, inputTokens, out) => priceCall(MODELS[tier], { inputTokens, outputTokens: out }, 'openai').totalUsd,
    ...(predict ? { predict } : {}),
  });
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(`Router eval — prompts never used for fitting or threshold choice; output ${outputTokens} tokens per call; ${TIERS.map((t) => `${t}=${MODELS[t]}`).join(', ')}`);
for (const [name, m] of [['model', model], ...(baseline ? [['baseline', baseline] as const] : [])] as const)
  console.log(`${name}: ${m.checksum.slice(0, 12)}…; thresholds (embedding) ${JSON.stringify(m.variants.embedding.thresholds)}, (cheap) ${JSON.stringify(m.variants.cheap.thresholds)}`);
console.log('');
console.log('| set | n (s/m/l) | router | accuracy | routed below need | sent to small | cost vs always-large |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const missesOut: string[] = [];
for (const [name, rows] of sets) {
  const counts = TIERS.map((t) => rows.filter((r) => r.tier === t).length).join('/');
  for (const router of ROUTERS) {
    const r = run(rows, router);
    console.log(`| ${name} | ${rows.length} (${counts}) | ${router} | ${pct(r.accuracy)} | ${pct(r.underRouted)} | ${pct(r.share.small)} | ${pct(r.routedUsd / r.alwaysLargeUsd)} |`);
    if (values.misses && router === 'learned') for (const m of r.misses.slice(0, 15)) missesOut.push(`${name}: ${m.label} → ${m.predicted} (${m.score.toFixed(2)}): ${m.prompt.slice(0, 100).replace(/\s+/g, ' ')}`);
  }
}
if (missesOut.length) console.log(`\nmisses (learned):\n${missesOut.join('\n')}`);
