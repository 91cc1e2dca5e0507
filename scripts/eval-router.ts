/**
 * `npm run eval:router -- --labels test/data/router-labels.tsv [--provider openai]
 *   [--small gpt-4.1-nano --medium gpt-4.1-mini --large gpt-4.1] [--output-tokens 500]
 *   [--medium-threshold 0.3 --large-threshold 0.7] [--misses]
 *   [--embedder use-lite [--exemplars <tsv>] [--k 5]]`
 *
 * With --embedder, each prompt's score is blended with its k nearest labelled exemplars (from
 * --exemplars, default the labels file itself — then leave-one-out: a prompt never sees itself).
 *
 * Scores every labelled prompt with the router's complexity score and prints tier accuracy, the
 * confusion matrix, the share sent to each tier, and the cost against always using the large tier.
 * Input tokens are each prompt's own count (js-tiktoken o200k_base); output tokens are a stated
 * assumption (same for every tier); prices come from genai-prices.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { getEncoding } from 'js-tiktoken';
import { TIERS, type Tier } from '../proxy/src/policy/schema';
import { priceCall } from '../proxy/src/pricing/price';
import { openUseLiteEmbedder } from '../proxy/src/embedding/backends/use-lite';
import type { ExemplarMatch } from '../proxy/src/routing/complexity';
import { evaluateRouter, parseLabels, type LabelledPrompt } from '../proxy/src/routing/evaluate';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: 'test/data/router-labels.tsv' },
    provider: { type: 'string', default: 'openai' },
    small: { type: 'string', default: 'gpt-4.1-nano' },
    medium: { type: 'string', default: 'gpt-4.1-mini' },
    large: { type: 'string', default: 'gpt-4.1' },
    'output-tokens': { type: 'string', default: '500' },
    'medium-threshold': { type: 'string', default: '0.3' },
    'large-threshold': { type: 'string', default: '0.7' },
    misses: { type: 'boolean', default: false },
    embedder: { type: 'string' },
    exemplars: { type: 'string' },
    k: { type: 'string', default: '5' },
  },
});

const models: Record<Tier, string> = { small: values.small, medium: values.medium, large: values.large };
const enc = getEncoding('o200k_base');
const labels = parseLabels(readFileSync(values.labels, 'utf8'));
const outputTokens = Number(values['output-tokens']);

/** k nearest exemplars for every prompt, by cosine similarity of normalised embeddings. */
async function nearestExemplars(prompts: LabelledPrompt[], exemplars: LabelledPrompt[], k: number): Promise<ExemplarMatch[][]> {
  if (values.embedder !== 'use-lite') throw new Error('--embedder: only "use-lite" (bundled, offline) is supported here');
  const embedder = await openUseLiteEmbedder();
  try {
    const embedAll = async (texts: string[]): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += 32) out.push(...(await embedder.embed(texts.slice(i, i + 32))));
      return out;
    };
    const ev = await embedAll(exemplars.map((e) => e.prompt));
    const pv = await embedAll(prompts.map((p) => p.prompt));
    return pv.map((q, i) =>
      ev
        .map((v, j) => ({ tier: exemplars[j]!.tier, similarity: v.reduce((s, x, d) => s + x * q[d]!, 0), same: exemplars[j]!.prompt === prompts[i]!.prompt }))
        .filter((m) => !m.same)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k)
        .map(({ tier, similarity }) => ({ tier, similarity })),
    );
  } finally {
    await embedder.close();
  }
}

const neighbours = values.embedder
  ? await nearestExemplars(labels, values.exemplars ? parseLabels(readFileSync(values.exemplars, 'utf8')) : labels, Number(values.k))
  : undefined;
const report = evaluateRouter(labels, {
  ...(neighbours ? { neighbours } : {}),
  thresholds: { medium: Number(values['medium-threshold']), large: Number(values['large-threshold']) },
  countTokens: (text) => enc.encode(text).length,
  outputTokens,
  price: (tier, inputTokens, out) => {
    const p = priceCall(models[tier], { inputTokens, outputTokens: out }, values.provider);
    if (!p.priced) throw new Error(`genai-prices has no price for ${values.provider}/${models[tier]}`);
    return p.totalUsd;
  },
});

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const perLabel = (t: Tier): number => TIERS.reduce((s, p) => s + report.confusion[t][p], 0);
console.log(`Router eval — ${values.labels}: ${report.n} prompts (${TIERS.map((t) => `${t} ${perLabel(t)}`).join(', ')})`);
console.log(`thresholds medium ≥ ${values['medium-threshold']}, large ≥ ${values['large-threshold']}`);
console.log(
  values.embedder
    ? `score: heuristic blended with the ${values.k} nearest exemplars (${values.embedder}; ${values.exemplars ?? 'same file, leave-one-out'})\n`
    : 'score: heuristic features only\n',
);
console.log(`tier accuracy: ${pct(report.accuracy)}   routed below label: ${pct(report.underRouted)}   above label: ${pct(report.overRouted)}\n`);
console.log('| label \\ routed | small | medium | large |');
console.log('| --- | --- | --- | --- |');
for (const t of TIERS) console.log(`| ${t} | ${TIERS.map((p) => report.confusion[t][p]).join(' | ')} |`);
console.log(`\nshare routed: ${TIERS.map((t) => `${t} ${pct(report.share[t])}`).join(', ')}`);
console.log(
  `\ncost (${values.provider}: ${TIERS.map((t) => `${t}=${models[t]}`).join(', ')}; input = each prompt's own tokens, output = ${outputTokens} tokens per call):`,
);
console.log(`  routed        $${report.routedUsd.toFixed(4)}  (${pct(report.routedUsd / report.alwaysLargeUsd)} of always-large)`);
console.log(`  always large  $${report.alwaysLargeUsd.toFixed(4)}`);
console.log(`  oracle        $${report.oracleUsd.toFixed(4)}  (${pct(report.oracleUsd / report.alwaysLargeUsd)} of always-large; every prompt at its label)`);
if (values.misses) {
  console.log('\nmisses:');
  for (const m of report.misses) console.log(`  ${m.label} → ${m.predicted} (${m.score.toFixed(2)}): ${m.prompt.slice(0, 110).replace(/\n/g, ' ')}`);
}
