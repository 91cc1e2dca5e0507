/**
 * `npx tsx test/routing/unseen/unseen.eval.ts [--misses] [--all-misses] [--baseline <dir>]`
 *
 * Routes every request of cases.ts the way the proxy does (chatTexts → the ask's USE-lite embedding,
 * cut where the live router cuts it → predictTier) and reports, for the development part and the
 * held-out part separately: accuracy, costly mistakes (needs large → small; and any tier below
 * need), wasteful ones (small → large), cost vs always-large, per protocol and per kind.
 * `--misses` lists the development part's misses only (the held-out part is not for reading).
 * `--baseline <dir>`: also route with another checkout's proxy/src (e.g. `git archive HEAD proxy/src contract`
 * unpacked under `.cache/router/baseline`, so its imports resolve), in the same run.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { getEncoding } from 'js-tiktoken';
import { openUseLiteEmbedder, USE_LITE_MODEL_ID } from '../../../proxy/src/embedding/backends/use-lite';
import { chatTexts } from '../../../proxy/src/pipeline/governanceStages';
import { TIERS, type Tier } from '../../../proxy/src/policy/schema';
import { priceCall } from '../../../proxy/src/pricing/price';
import { scoreComplexity, tierFor } from '../../../proxy/src/routing/complexity';
import { EMBED_MAX_CHARS } from '../../../proxy/src/routing/embedding';
import { askText, routingAsk } from '../../../proxy/src/routing/features';
import { predictTier } from '../../../proxy/src/routing/learned/router';
import type { Json } from '../../../proxy/src/providers/types';
import { holdout, unseenCases, type UnseenCase } from './cases';

const { values } = parseArgs({
  options: { misses: { type: 'boolean', default: false }, 'all-misses': { type: 'boolean', default: false }, baseline: { type: 'string' } },
});
type Router = 'learned' | 'cheap' | 'score' | 'learned (baseline)' | 'cheap (baseline)' | 'score (baseline)';
interface RouterModules {
  chatTexts: typeof chatTexts;
  predictTier: typeof predictTier;
  ask: (m: ReturnType<typeof chatTexts>) => string;
  score: (m: ReturnType<typeof chatTexts>) => Tier;
}
const current: RouterModules = {
  chatTexts,
  predictTier,
  ask: routingAsk,
  score: (messages) => tierFor(scoreComplexity({ messages }).score, { medium: 0.3, large: 0.7 }),
};
async function baselineModules(dir: string): Promise<RouterModules> {
  const src = resolve(dir, 'proxy', 'src');
  const f = (await import(resolve(src, 'routing/features.ts'))) as { askText: (m: unknown) => string; routingAsk?: (m: unknown) => string };
  const c = (await import(resolve(src, 'routing/complexity.ts'))) as typeof import('../../../proxy/src/routing/complexity');
  return {
    chatTexts: ((await import(resolve(src, 'pipeline/governanceStages.ts'))) as { chatTexts: typeof chatTexts }).chatTexts,
    predictTier: ((await import(resolve(src, 'routing/learned/router.ts'))) as { predictTier: typeof predictTier }).predictTier,
    ask: f.routingAsk ?? f.askText,
    score: (messages) => c.tierFor(c.scoreComplexity({ messages }).score, { medium: 0.3, large: 0.7 }),
  };
}
const variants: Array<[string, RouterModules]> = [['', current]];
if (values.baseline) variants.push([' (baseline)', await baselineModules(values.baseline)]);
const enc = getEncoding('o200k_base');
const MODELS: Record<Tier, string> = { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' };
const rank = (t: Tier) => TIERS.indexOf(t);

interface Routed {
  c: UnseenCase;
  tokens: number;
  tier: Partial<Record<Router, Tier>>;
  p: string;
}

const embedder = await openUseLiteEmbedder();
const routed: Routed[] = [];
for (const c of unseenCases) {
  const r: Routed = { c, tokens: 0, tier: {}, p: '' };
  for (const [suffix, m] of variants) {
    const messages = m.chatTexts(c.body as Json);
    // As the live router: the vector of what it reads of the ask, cut where it cuts.
    const [vector] = await embedder.embed([m.ask(messages).slice(0, EMBED_MAX_CHARS)]);
    const learned = m.predictTier({ messages, embedding: { modelId: USE_LITE_MODEL_ID, vector: vector! } });
    r.tier[`learned${suffix}` as Router] = learned.tier;
    r.tier[`cheap${suffix}` as Router] = m.predictTier({ messages, embeddingUnavailable: 'eval' }).tier;
    r.tier[`score${suffix}` as Router] = m.score(messages);
    if (!suffix) {
      r.tokens = enc.encode(messages.map((x) => x.text).join('\n')).length;
      r.p = `${learned.p.atLeastMedium.toFixed(2)}/${learned.p.large.toFixed(2)}${learned.variant === 'cheap' ? ' cheap' : ''}`;
    }
  }
  routed.push(r);
}
await embedder.close();

const cost = (tier: Tier, tokens: number) => priceCall(MODELS[tier], { inputTokens: tokens, outputTokens: 500 }, 'openai').totalUsd;
const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)} %` : '–');

function row(name: string, rs: Routed[], router: Router): string {
  const n = rs.length;
  const t = (r: Routed): Tier => r.tier[router]!;
  const hit = rs.filter((r) => t(r) === r.c.tier).length;
  const below = rs.filter((r) => rank(t(r)) < rank(r.c.tier)).length;
  const hardToSmall = rs.filter((r) => r.c.tier === 'large' && t(r) === 'small').length;
  const waste = rs.filter((r) => r.c.tier === 'small' && t(r) === 'large').length;
  const above = rs.filter((r) => rank(t(r)) > rank(r.c.tier)).length;
  const usd = rs.reduce((s, r) => s + cost(t(r), r.tokens), 0);
  const large = rs.reduce((s, r) => s + cost('large', r.tokens), 0);
  const counts = TIERS.map((t) => rs.filter((r) => r.c.tier === t).length).join('/');
  return `| ${name} | ${n} (${counts}) | ${router} | ${pct(hit, n)} | ${pct(below, n)} | ${hardToSmall} | ${pct(above, n)} | ${waste} | ${pct(usd, large)} |`;
}

for (const part of ['dev', 'held-out'] as const) {
  const rs = routed.filter((r) => holdout(r.c.id) === (part === 'held-out'));
  console.log(`\n## ${part} (${rs.length})\n`);
  console.log('| set | n (s/m/l) | router | accuracy | below need | large→small | above need | small→large | cost vs always-large |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const router of ['learned', 'cheap', 'score'] as const) for (const [suffix] of variants) console.log(row('all', rs, `${router}${suffix}` as Router));
  for (const [suffix] of variants) console.log(row('requests > 750 tokens', rs.filter((r) => r.tokens > 750), `learned${suffix}` as Router));
  for (const shape of ['openai', 'anthropic', 'responses'] as const) console.log(row(shape, rs.filter((r) => r.c.shape === shape), 'learned'));
  // Per kind, with the baseline beside it when there is one.
  for (const kind of [...new Set(rs.map((r) => r.c.kind))].sort())
    for (const [suffix] of variants) console.log(row(kind, rs.filter((r) => r.c.kind === kind), `learned${suffix}` as Router));
}

if (values.misses || values['all-misses']) {
  console.log('\nmisses (learned, dev part only):');
  for (const r of routed) {
    if (holdout(r.c.id) && !values['all-misses']) continue;
    if (r.tier.learned === r.c.tier) continue;
    const ask = askText(chatTexts(r.c.body as Json));
    if (!r.tier.learned) continue;
    console.log(`${r.c.id} [${r.c.shape}] ${r.c.tier} → ${r.tier.learned} (p=${r.p}): ${ask.slice(0, 90).replace(/\s+/g, ' ')}`);
  }
}
