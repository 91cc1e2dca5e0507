/**
 * `npx tsx scripts/sim-stream-competition.ts`: simulated prompt streams from the judge's own
 * training pairs (QQP, minus the excluded evaluation indices), to study rules that look at more than
 * one candidate at a time (the competition between cached entries) without any evaluation data.
 *
 * Honest scores: the pairs are split into the training script's 5 grouped folds; a judge is refitted
 * on four folds (same recipe as the shipped v2) and Platt-calibrated on the other folds' out-of-fold
 * margins, and a stream is made of the held-out fold's distinct texts in a seeded order. Each text is
 * looked up against the earlier ones (top 5 by cosine, as the proxy judges); a miss is stored. A hit
 * is right when both texts are in one duplicate cluster (connected by labelled "same" pairs) — a
 * pessimistic truth (QQP leaves most true duplicates unlabelled), the same for every rule compared.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exclusiveProbability } from '../proxy/src/cache/semantic/judge/competition';
import { DEFAULT_GBDT } from '../proxy/src/cache/semantic/judge/gbdt';
import { EquivalenceJudge } from '../proxy/src/cache/semantic/judge/judge';
import { margin, weightsChecksum, type GbdtWeights, type ScoringModel } from '../proxy/src/cache/semantic/judge/model';
import { shippedJudgeFor } from '../proxy/src/cache/semantic/judge/shipped';
import { featurise, fitPlatt, fitSpec, groupedFolds, type ModelSpec } from '../proxy/src/cache/semantic/judge/train';
import { seededRandom } from '../proxy/src/cache/semantic/judge/trainingData';
import { loadTrainingSet } from '../proxy/src/cache/semantic/judge/trainingSet';
import { dot } from '../proxy/src/embedding/vector';
import { requiredProbability } from '../proxy/src/cache/semantic/decide';
import { priceCall } from '../proxy/src/pricing/price';
import { countChatTokens } from '../proxy/src/tokens/count';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '.cache/semantic-train' },
    exclude: { type: 'string', default: '../shared/data/qqp-exclude.txt' },
    size: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '19' },
    folds: { type: 'string', default: '5' },
    'stream-seed': { type: 'string', default: '7' },
    'models-cache': { type: 'string' },
  },
});

const K = 5;
const TOP = 12;

interface Cand {
  e: number;
  cos: number;
}

async function main(): Promise<void> {
  const t = await loadTrainingSet({ dataDir: values.data!, excludeFile: values.exclude!, size: Number(values.size), seed: Number(values.seed) });
  const judge0 = shippedJudgeFor(t.modelId);
  if (!judge0) throw new Error(`no shipped judge for ${t.modelId}`);
  const w0 = judge0.weights as GbdtWeights;
  const spec: ModelSpec = { model: 'gbdt', params: { ...DEFAULT_GBDT, seed: Number(values.seed) }, features: w0.features };
  const data = featurise(t.pairs, t.va, t.vb, w0.idf);
  const y = data.map((d) => (d.pair.same ? 1 : 0));
  const folds = groupedFolds(t.pairs, 5, Number(values.seed));
  // Fold models are cached (a refit of all five takes minutes on a busy machine).
  const cacheFile = values['models-cache'];
  const models: ScoringModel[] = cacheFile && existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as ScoringModel[]) : [];
  const margins = new Array<number>(data.length).fill(0);
  for (let f = 0; f < 5; f++) {
    if (!models[f]) {
      const tr = data.filter((_d, i) => folds[i] !== f);
      models[f] = fitSpec(
        spec,
        tr.map((d) => d.x),
        tr.map((d) => (d.pair.same ? 1 : 0)),
      );
      process.stderr.write(`fold model ${f + 1}/5\n`);
    }
    const m = models[f]!;
    data.forEach((d, i) => {
      if (folds[i] === f) margins[i] = margin(m, d.x);
    });
  }
  if (cacheFile && !existsSync(cacheFile)) writeFileSync(cacheFile, JSON.stringify(models));
  const savedCache = new Map<string, number>();
  const saved = (text: string) => {
    const hit = savedCache.get(text);
    if (hit !== undefined) return hit;
    const input = countChatTokens([{ role: 'user', content: text }], 'gpt-4o-mini').tokens;
    const usd = priceCall('gpt-4o-mini', { inputTokens: input, outputTokens: 350 }).totalUsd;
    savedCache.set(text, usd);
    return usd;
  };
  const wrongCost = 0.0005;
  const thresholds = [0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.87];
  type Tally = { hits: number; right: number; prompts: number };
  const totals = new Map<string, Tally>();
  const add = (name: string, hits: number, right: number, prompts: number) => {
    const o = totals.get(name) ?? { hits: 0, right: 0, prompts: 0 };
    o.hits += hits;
    o.right += right;
    o.prompts += prompts;
    totals.set(name, o);
  };
  for (let f = 0; f < Number(values.folds); f++) {
    const rest = margins.map((_m, i) => i).filter((i) => folds[i] !== f);
    const platt = fitPlatt(
      rest.map((i) => margins[i]!),
      rest.map((i) => y[i]!),
    );
    const m = models[f]!;
    if (m.model !== 'gbdt') throw new Error('gbdt expected');
    const { selfCheck: _s, ...w0body } = w0;
    const draft = { ...w0body, gbdt: m.gbdt, platt, checksum: '' } as GbdtWeights;
    const judge = new EquivalenceJudge({ ...draft, checksum: weightsChecksum(draft) });
    // Distinct texts of the held-out fold and their duplicate clusters.
    const idx = new Map<string, number>();
    const texts: string[] = [];
    const vecs: Float32Array[] = [];
    const parent: number[] = [];
    const find = (a: number): number => {
      let r = a;
      while (parent[r] !== r) r = parent[r]!;
      return r;
    };
    const at = (s: string, v: Float32Array) => {
      let i = idx.get(s);
      if (i === undefined) {
        i = texts.length;
        idx.set(s, i);
        texts.push(s);
        vecs.push(v);
        parent.push(i);
      }
      return i;
    };
    t.pairs.forEach((p, i) => {
      if (folds[i] !== f) return;
      const a = at(p.a, t.va[i]!);
      const b = at(p.b, t.vb[i]!);
      if (p.same) parent[find(a)] = find(b);
    });
    const rnd = seededRandom(Number(values['stream-seed']) + f);
    const order = texts.map((_t, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Nearest earlier texts per query (computed once; each rule then sees only what it stored).
    const near: Cand[][] = order.map((q, qi) => {
      const best: Cand[] = [];
      for (let j = 0; j < qi; j++) {
        const e = order[j]!;
        const c = dot(vecs[q]!, vecs[e]!);
        if (best.length < TOP || c > best[best.length - 1]!.cos) {
          best.push({ e, cos: c });
          best.sort((x, z) => z.cos - x.cos);
          if (best.length > TOP) best.pop();
        }
      }
      return best;
    });
    process.stderr.write(`fold ${f}: neighbours done\n`);
    const pCache = new Map<string, number>();
    const P = (a: number, b: number, cos: number) => {
      const key = `${a},${b}`;
      let p = pCache.get(key);
      if (p === undefined) {
        const v = judge.judge(cos, texts[a]!, texts[b]!);
        p = v.veto !== undefined ? 0 : v.probability;
        pCache.set(key, p);
      }
      return p;
    };
    type Rule = (q: number, cands: Array<Cand & { p: number; req: number }>) => number | undefined;
    const replay = (name: string, rule: Rule) => {
      const stored = new Set<number>();
      let hits = 0;
      let right = 0;
      for (const [qi, q] of order.entries()) {
        const cands = near[qi]!.filter((c) => stored.has(c.e)).slice(0, K);
        const judged = cands.map((c) => ({ ...c, p: P(q, c.e, c.cos), req: requiredProbability(saved(texts[c.e]!), 0, wrongCost) }));
        const e = judged.length ? rule(q, judged) : undefined;
        if (e !== undefined) {
          hits++;
          if (find(e) === find(q)) right++;
        } else stored.add(q);
      }
      add(name, hits, right, order.length);
    };
    const pick = (cands: Array<Cand & { p: number; req: number }>, floor: number) => {
      let best: (Cand & { p: number; req: number }) | undefined;
      for (const c of cands) if (!best || c.p - Math.max(c.req, floor) > best.p - Math.max(best.req, floor)) best = c;
      return best;
    };
    for (const th of thresholds) {
      replay(`single pair, P ≥ ${th}`, (_q, cands) => {
        const b = pick(cands, th)!;
        return b.p >= Math.max(b.req, th) ? b.e : undefined;
      });
      replay(`exclusive, P ≥ ${th}`, (_q, cands) => {
        const b = pick(cands, th)!;
        if (b.p < Math.max(b.req, th)) return undefined;
        const rivals = cands.filter((c) => c !== b).map((c) => ({ probability: c.p, sameAsBest: P(c.e, b.e, dot(vecs[c.e]!, vecs[b.e]!)) }));
        return exclusiveProbability(b.p, rivals) >= Math.max(b.req, th) ? b.e : undefined;
      });
      replay(`exclusive (no duplicate discount), P ≥ ${th}`, (_q, cands) => {
        const b = pick(cands, th)!;
        if (b.p < Math.max(b.req, th)) return undefined;
        const rivals = cands.filter((c) => c !== b).map((c) => ({ probability: c.p, sameAsBest: 0 }));
        return exclusiveProbability(b.p, rivals) >= Math.max(b.req, th) ? b.e : undefined;
      });
    }
    process.stderr.write(`fold ${f}: ${order.length} prompts\n`);
    printTable(totals);
  }
}

function printTable(totals: Map<string, { hits: number; right: number; prompts: number }>): void {
  console.log('| rule | prompts | hits | hit rate | right (same cluster) | not same cluster | hit precision |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, o] of totals) {
    console.log(`| ${name} | ${o.prompts} | ${o.hits} | ${((100 * o.hits) / o.prompts).toFixed(2)}% | ${o.right} | ${o.hits - o.right} | ${((100 * o.right) / Math.max(1, o.hits)).toFixed(1)}% |`);
  }
}

await main();
