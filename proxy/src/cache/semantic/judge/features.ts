/**
 * Pair features for the equivalence judge: the embedding's cosine plus the lexical signals the
 * embedding blurs (a different object, number, negation or entity). The old guard's rules are
 * features here, weighed against each other by a fitted model instead of vetoing on their own.
 * Pure; the proxy and the training script call the same function, so they score alike.
 */
import { sameMultiset } from '../guard';
import { extractFeatures, foldForms, stem, type PromptFeatures } from '../lexical/features';

/** Document frequencies of word stems, shipped with the weights (see weights-*.json). */
export interface IdfTable {
  /** Documents the table was counted over. */
  docs: number;
  /** Smallest document frequency kept; rarer stems get the IDF of `minDf - 1`. */
  minDf: number;
  df: Readonly<Record<string, number>>;
}

/** A prompt's preprocessed form, computed once per text (the stored side can be cached). */
export interface JudgeText {
  features: PromptFeatures;
  /** Stems of every word (lower case), in order. */
  stems: string[];
  /** Character 3-grams of the lower-cased, whitespace-collapsed text. */
  trigrams: Set<string>;
  /** Character 4-grams, likewise. */
  quadgrams: Set<string>;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function prepareText(text: string): JudgeText {
  const lower = foldForms(text).toLowerCase().replace(/\s+/g, ' ').trim();
  const stems = (lower.match(WORD) ?? []).map(stem);
  const trigrams = new Set<string>();
  const padded = ` ${lower} `;
  const quadgrams = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) trigrams.add(padded.slice(i, i + 3));
  for (let i = 0; i + 4 <= padded.length; i++) quadgrams.add(padded.slice(i, i + 4));
  return { features: extractFeatures(text), stems, trigrams, quadgrams };
}

export function idfOf(table: IdfTable, stemmed: string): number {
  const df = table.df[stemmed] ?? table.minDf - 1;
  return Math.log((table.docs + 1) / (Math.max(df, 0) + 1));
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

function tfidfCosine(a: readonly string[], b: readonly string[], idf: IdfTable): number {
  const va = new Map<string, number>();
  const vb = new Map<string, number>();
  for (const s of a) va.set(s, (va.get(s) ?? 0) + 1);
  for (const s of b) vb.set(s, (vb.get(s) ?? 0) + 1);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [s, n] of va) {
    const w = n * idfOf(idf, s);
    na += w * w;
    const m = vb.get(s);
    if (m !== undefined) dot += w * m * idfOf(idf, s);
  }
  for (const [s, n] of vb) {
    const w = n * idfOf(idf, s);
    nb += w * w;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** One-edit typo tolerance for long words, as the guard had. */
function nearWord(w: string, others: ReadonlySet<string>): boolean {
  if (others.has(w)) return true;
  if (w.length < 5) return false;
  for (const o of others) {
    if (o.length < 5 || Math.abs(o.length - w.length) > 1) continue;
    let i = 0;
    while (i < w.length && i < o.length && w[i] === o[i]) i++;
    if (w.length === o.length ? w.slice(i + 1) === o.slice(i + 1) : w.length > o.length ? w.slice(i + 1) === o.slice(i) : w.slice(i) === o.slice(i + 1)) return true;
  }
  return false;
}

/** Names of the features, in vector order (the weights file lists them too, checked on load). */
export const FEATURE_NAMES = [
  'cosine',
  'cosine_over_0.8',
  'cosine_over_0.9',
  'cosine_over_0.95',
  'max_idf_unmatched',
  'unmatched_idf_share',
  'token_jaccard',
  'char3_jaccard',
  'tfidf_cosine',
  'content_unmatched',
  'numbers_differ',
  'negation_differs',
  'entities_differ',
  'entity_order_differs',
  'question_word_differs',
  'length_ratio',
  'cosine_x_max_idf',
  // v2 (gradient-boosted trees): order, containment and asymmetry signals a linear model could not use well.
  'second_idf_unmatched',
  'unmatched_idf_sum',
  'unmatched_idf_max_side',
  'unmatched_idf_min_side',
  'bigram_jaccard',
  'char4_jaccard',
  'token_containment',
  'lcs_ratio',
  'first_word_same',
  'last_word_same',
  'length_diff',
  'numbers_both',
] as const;

function bigrams(stems: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < stems.length; i++) out.add(`${stems[i]}\u0000${stems[i + 1]}`);
  return out;
}

/**
 * Words per side the LCS looks at: it is quadratic, and the judge runs on the request path for up
 * to five candidates. Training questions are far shorter (the longest of the 20,000 pairs has 74
 * words), so the cap changes no trained value; on long prompts it compares their openings.
 */
export const LCS_MAX_WORDS = 128;

/** Longest common subsequence of two stem sequences (word order kept), by length. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]!;
}

/** The feature vector of a pair (order: FEATURE_NAMES). `cosine` is the embeddings' dot product. */
export function pairFeatures(cosine: number, a: JudgeText, b: JudgeText, idf: IdfTable): number[] {
  const fa = a.features;
  const fb = b.features;
  const ca = new Set(fa.content);
  const cb = new Set(fb.content);
  const onlyA = [...ca].filter((w) => !nearWord(w, cb));
  const onlyB = [...cb].filter((w) => !nearWord(w, ca));
  const unmatched = onlyA.concat(onlyB);
  const maxIdfNorm = Math.log(idf.docs + 1);
  const unmatchedIdfs = unmatched.map((w) => idfOf(idf, w) / maxIdfNorm).sort((x, y) => y - x);
  const maxIdf = unmatchedIdfs[0] ?? 0;
  const sideIdf = (ws: readonly string[]) => ws.reduce((s, w) => s + idfOf(idf, w), 0) / maxIdfNorm;
  const totalIdf = [...ca, ...cb].reduce((s, w) => s + idfOf(idf, w), 0);
  const unmatchedIdf = unmatched.reduce((s, w) => s + idfOf(idf, w), 0);
  const entA = fa.entities.filter((e) => !fb.allStems.has(e));
  const entB = fb.entities.filter((e) => !fa.allStems.has(e));
  const shared = [...new Set([...fa.entities, ...fb.entities])].filter((e) => fa.allStems.has(e) && fb.allStems.has(e));
  const order = (f: PromptFeatures) => [...shared].sort((x, y) => f.stemSequence.indexOf(x) - f.stemSequence.indexOf(y)).join('\u0000');
  const la = a.stems.length;
  const lb = b.stems.length;
  const sa = new Set(a.stems);
  const sb = new Set(b.stems);
  let common = 0;
  for (const w of sa) if (sb.has(w)) common++;
  return [
    cosine,
    Math.max(0, cosine - 0.8),
    Math.max(0, cosine - 0.9),
    Math.max(0, cosine - 0.95),
    maxIdf,
    totalIdf > 0 ? unmatchedIdf / totalIdf : 0,
    jaccard(new Set(a.stems), new Set(b.stems)),
    jaccard(a.trigrams, b.trigrams),
    tfidfCosine(a.stems, b.stems, idf),
    Math.log1p(unmatched.length),
    sameMultiset(fa.numbers, fb.numbers) ? 0 : 1,
    fa.negations === fb.negations ? 0 : 1,
    entA.length + entB.length > 0 ? 1 : 0,
    order(fa) === order(fb) ? 0 : 1,
    sameMultiset(fa.questionWords, fb.questionWords) ? 0 : 1,
    Math.max(la, lb) > 0 ? Math.min(la, lb) / Math.max(la, lb) : 1,
    cosine * maxIdf,
    unmatchedIdfs[1] ?? 0,
    unmatchedIdfs.reduce((x, y) => x + y, 0),
    Math.max(sideIdf(onlyA), sideIdf(onlyB)),
    Math.min(sideIdf(onlyA), sideIdf(onlyB)),
    jaccard(bigrams(a.stems), bigrams(b.stems)),
    jaccard(a.quadgrams, b.quadgrams),
    Math.min(sa.size, sb.size) > 0 ? common / Math.min(sa.size, sb.size) : 1,
    Math.max(la, lb) > 0 ? lcsLength(a.stems.slice(0, LCS_MAX_WORDS), b.stems.slice(0, LCS_MAX_WORDS)) / Math.min(Math.max(la, lb), LCS_MAX_WORDS) : 1,
    la > 0 && lb > 0 && a.stems[0] === b.stems[0] ? 1 : 0,
    la > 0 && lb > 0 && a.stems[la - 1] === b.stems[lb - 1] ? 1 : 0,
    Math.log1p(Math.abs(la - lb)),
    fa.numbers.length > 0 && fb.numbers.length > 0 ? 1 : fa.numbers.length + fb.numbers.length > 0 ? 0.5 : 0,
  ];
}

/** Counts document frequencies of word stems over `texts`, keeping stems seen in ≥ minDf texts. */
export function countIdf(texts: readonly string[], minDf: number): IdfTable {
  const df = new Map<string, number>();
  for (const t of texts) for (const s of new Set(prepareText(t).stems)) df.set(s, (df.get(s) ?? 0) + 1);
  const kept: Record<string, number> = {};
  for (const [s, n] of [...df].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) if (n >= minDf && !/^\d+$/.test(s)) kept[s] = n;
  return { docs: texts.length, minDf, df: kept };
}

export { stem };
