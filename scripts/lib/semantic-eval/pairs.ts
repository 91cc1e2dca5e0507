/**
 * Labelled prompt pairs (same meaning / different meaning) and the precision / recall a threshold
 * and the guard give on them, overall and per subset. Pure.
 */

export interface LabelledPair {
  a: string;
  b: string;
  /** true: the cache should serve one for the other. */
  same: boolean;
  subset: string;
}

export interface ScoredPair extends LabelledPair {
  similarity: number;
  /** The guard's veto, if any. */
  veto?: string;
}

export interface PairMetrics {
  threshold: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface SubsetMetrics {
  subset: string;
  n: number;
  positives: boolean;
  /** Pairs the cache would serve (similarity ≥ threshold and, with the guard, no veto). */
  hits: number;
  /** Positive subset: share of pairs served. Negative subset: share wrongly served (false-hit rate). */
  hitRate: number;
  /** For a negative subset: precision of all positives against this kind of negative alone. */
  precisionVsPositives?: number;
}

/** `text_a, text_b, label, source, subset`, with `\t` and `\n` escaped inside texts. */
export function parsePairsTsv(tsv: string): LabelledPair[] {
  const unescape = (raw: string) => {
    // Some source rows are CSV-quoted: "…""…""…".
    const s = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw;
    return s.replace(/\\(t|n|\\)/g, (_m, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : '\\'));
  };
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`pairs file has no "${name}" column`);
    return i;
  };
  const [ia, ib, il, is] = [col('text_a'), col('text_b'), col('label'), col('subset')];
  return lines.map((l) => {
    const f = l.split('\t');
    return { a: unescape(f[ia] ?? ''), b: unescape(f[ib] ?? ''), same: f[il]?.trim() === '1', subset: f[is] ?? '' };
  });
}

export function isHit(p: ScoredPair, threshold: number, guard: boolean): boolean {
  return p.similarity >= threshold && (!guard || p.veto === undefined);
}

function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

export function pairMetrics(pairs: readonly ScoredPair[], threshold: number, guard: boolean): PairMetrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of pairs) {
    const hit = isHit(p, threshold, guard);
    if (hit && p.same) tp++;
    else if (hit) fp++;
    else if (p.same) fn++;
  }
  // No hits at all: precision is vacuous; report 1 so a sweep can still rank by recall.
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = ratio(tp, tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, tp, fp, fn, precision, recall, f1 };
}

export function subsetMetrics(pairs: readonly ScoredPair[], threshold: number, guard: boolean): SubsetMetrics[] {
  const subsets = [...new Set(pairs.map((p) => p.subset))].sort();
  const tpAll = pairs.filter((p) => p.same && isHit(p, threshold, guard)).length;
  return subsets.map((subset) => {
    const rows = pairs.filter((p) => p.subset === subset);
    const hits = rows.filter((p) => isHit(p, threshold, guard)).length;
    const positives = rows.every((p) => p.same);
    const out: SubsetMetrics = { subset, n: rows.length, positives, hits, hitRate: ratio(hits, rows.length) };
    if (!positives) out.precisionVsPositives = tpAll + hits === 0 ? 1 : tpAll / (tpAll + hits);
    return out;
  });
}

/**
 * The calibrated threshold: the lowest (best recall) threshold whose precision meets the goal,
 * provided every higher threshold meets it too (a stable region, not a lucky dip).
 */
export function chooseThreshold(pairs: readonly ScoredPair[], thresholds: readonly number[], guard: boolean, precisionGoal: number): number | undefined {
  const sorted = [...thresholds].sort((a, b) => b - a);
  let chosen: number | undefined;
  for (const t of sorted) {
    if (pairMetrics(pairs, t, guard).precision >= precisionGoal) chosen = t;
    else break;
  }
  return chosen;
}
