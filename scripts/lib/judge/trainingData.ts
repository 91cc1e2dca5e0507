/**
 * Training pairs for the equivalence judge, read from a local copy of a public labelled pair file
 * (never from the repository): a deterministic seeded sample, minus the indices a caller must leave
 * out (the evaluation rows). Pure apart from reading the files it is given.
 */
import { readFileSync } from 'node:fs';

export interface LabelledPair {
  /** Index into the source file (kept so a run can be reproduced and audited). */
  index: number;
  a: string;
  b: string;
  same: boolean;
  /** Cross-validation fold fixed by the source (pairs drawn within folds); else folds are grouped by shared text. */
  fold?: number;
}

/** mulberry32: a tiny seeded PRNG, so a sample is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Indices (one per line, `#` comments allowed) to leave out. */
export function readExcludeList(file: string): Set<number> {
  const out = new Set<number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const n = Number(t);
    if (Number.isInteger(n)) out.add(n);
  }
  return out;
}

interface RawPair {
  text_a?: unknown;
  text_b?: unknown;
  label?: unknown;
}

/**
 * GPTCache's QQP benchmark layout: a JSON array of `{ text_a, text_b, label }`. Returns a seeded
 * sample of `size` usable pairs (both texts non-empty, label 0/1, not excluded), in sample order.
 */
export function sampleQqpPairs(file: string, exclude: ReadonlySet<number>, size: number, seed: number): LabelledPair[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RawPair[];
  const usable: LabelledPair[] = [];
  raw.forEach((r, index) => {
    if (exclude.has(index)) return;
    if (typeof r.text_a !== 'string' || typeof r.text_b !== 'string') return;
    const a = r.text_a.trim();
    const b = r.text_b.trim();
    const label = Number(r.label);
    if (!a || !b || (label !== 0 && label !== 1)) return;
    usable.push({ index, a, b, same: label === 1 });
  });
  const rnd = seededRandom(seed);
  for (let i = usable.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [usable[i], usable[j]] = [usable[j]!, usable[i]!];
  }
  return usable.slice(0, size);
}
