/**
 * Judge training pairs from CLINC150 (clinc/oos-eval `data/data_full.json`, CC BY 3.0): short
 * assistant queries, each labelled with one of 150 intents (10 domains), plus out-of-scope queries.
 *
 * A pair is the same request when both queries carry the same intent and name the same numbers
 * (a cache must not answer "transfer $50" with the answer to "transfer $100", though the intent
 * matches). Out-of-scope queries are never the same as anything.
 *
 * Pairs are drawn the way the cache meets them: each query against its nearest neighbours by
 * embedding (the candidates a KNN lookup returns), plus one random query of the same intent and one
 * of the same domain but another intent. Texts are dealt into folds first and pairs never cross a
 * fold, so grouped cross-validation holds out whole texts. Deterministic; pure apart from the
 * file it reads.
 */
import { readFileSync } from 'node:fs';
import { dot } from '../../../proxy/src/embedding/vector';
import { seededRandom, type LabelledPair } from './trainingData';

export interface ClincQuery {
  text: string;
  /** The intent, or 'oos' (out of scope). */
  intent: string;
}

type Split = Array<[string, string]>;

/** The training and validation splits (in-scope and out-of-scope); the test split is left out. */
export function readClincQueries(file: string): ClincQuery[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Split | undefined>;
  const out: ClincQuery[] = [];
  const seen = new Set<string>();
  for (const split of ['train', 'val', 'oos_train', 'oos_val']) {
    for (const [text, intent] of raw[split] ?? []) {
      const t = typeof text === 'string' ? text.trim() : '';
      if (!t || typeof intent !== 'string' || seen.has(t.toLowerCase())) continue;
      seen.add(t.toLowerCase());
      out.push({ text: t, intent });
    }
  }
  if (out.length === 0) throw new Error(`${file}: no CLINC150 queries (expected data_full.json's train/val splits)`);
  return out;
}

/** Digit sequences in a text, sorted: two queries name the same numbers when these lists match. */
function numbersOf(text: string): string {
  return (text.match(/\d+(?:[.,]\d+)?/g) ?? []).sort().join(' ');
}

export function sameRequest(a: ClincQuery, b: ClincQuery): boolean {
  return a.intent !== 'oos' && a.intent === b.intent && numbersOf(a.text) === numbersOf(b.text);
}

export interface ClincPairOptions {
  folds: number;
  seed: number;
  /** Nearest neighbours paired with each query. */
  neighbours: number;
  /** intent → domain (CLINC's domains.json inverted); same-domain negatives need it. */
  domainOf: ReadonlyMap<string, string>;
}

/** Pairs with their fold (`fold`), as indices into `queries` (a, b) plus the label. */
export function clincPairs(queries: readonly ClincQuery[], vectors: readonly Float32Array[], o: ClincPairOptions): Array<LabelledPair & { fold: number }> {
  const rnd = seededRandom(o.seed);
  const foldOf = queries.map(() => Math.floor(rnd() * o.folds));
  const out: Array<LabelledPair & { fold: number }> = [];
  const seen = new Set<string>();
  const add = (i: number, j: number) => {
    if (i === j) return;
    const key = i < j ? `${i}:${j}` : `${j}:${i}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ index: out.length, a: queries[i]!.text, b: queries[j]!.text, same: sameRequest(queries[i]!, queries[j]!), fold: foldOf[i]! });
  };
  for (let f = 0; f < o.folds; f++) {
    const members = queries.map((_q, i) => i).filter((i) => foldOf[i] === f);
    const byIntent = new Map<string, number[]>();
    const byDomain = new Map<string, number[]>();
    for (const i of members) {
      const intent = queries[i]!.intent;
      byIntent.set(intent, [...(byIntent.get(intent) ?? []), i]);
      const domain = o.domainOf.get(intent);
      if (domain) byDomain.set(domain, [...(byDomain.get(domain) ?? []), i]);
    }
    for (const i of members) {
      // Nearest neighbours within the fold (brute force: a few thousand texts per fold).
      const best: Array<[number, number]> = [];
      for (const j of members) {
        if (j === i) continue;
        const s = dot(vectors[i]!, vectors[j]!);
        if (best.length < o.neighbours || s > best[best.length - 1]![0]) {
          best.push([s, j]);
          best.sort((x, y) => y[0] - x[0]);
          if (best.length > o.neighbours) best.pop();
        }
      }
      for (const [, j] of best) add(i, j);
      const q = queries[i]!;
      if (q.intent === 'oos') continue;
      const same = byIntent.get(q.intent) ?? [];
      if (same.length > 1) add(i, same[Math.floor(rnd() * same.length)]!);
      const domain = o.domainOf.get(q.intent);
      const others = (domain ? (byDomain.get(domain) ?? []) : []).filter((j) => queries[j]!.intent !== q.intent);
      if (others.length > 0) add(i, others[Math.floor(rnd() * others.length)]!);
    }
  }
  return out;
}

/** CLINC's domains.json ({ domain: intents[] }) as intent → domain. */
export function readClincDomains(file: string): Map<string, string> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  const out = new Map<string, string>();
  for (const [domain, intents] of Object.entries(raw)) for (const intent of intents) out.set(intent, domain);
  return out;
}
