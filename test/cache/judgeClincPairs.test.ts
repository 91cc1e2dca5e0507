/**
 * The CLINC150 pair builder (scripts/lib/judge/clincPairs.ts): labels mean "same request", pairs
 * never cross a fold, and cross-validation keeps the folds the source fixed. Invented queries and
 * vectors; the real file is not in the repository.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clincPairs, readClincQueries, sameRequest, type ClincQuery } from '../../scripts/lib/judge/clincPairs';
import { groupedFolds } from '../../scripts/lib/judge/train';

function unit(...xs: number[]): Float32Array {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / n));
}

describe('CLINC150 judge pairs', () => {
  it('call a pair the same request only for one intent with the same numbers; out-of-scope never', () => {
    const q = (text: string, intent: string): ClincQuery => ({ text, intent });
    expect(sameRequest(q('transfer $100 to savings', 'transfer'), q('move 100 dollars into savings', 'transfer'))).toBe(true);
    expect(sameRequest(q('transfer $100 to savings', 'transfer'), q('transfer $50 to savings', 'transfer'))).toBe(false);
    expect(sameRequest(q('what is my balance', 'balance'), q('how much money do i have', 'balance'))).toBe(true);
    expect(sameRequest(q('what is my balance', 'balance'), q('what is my credit limit', 'credit_limit'))).toBe(false);
    expect(sameRequest(q('tell me a poem', 'oos'), q('tell me a poem please', 'oos'))).toBe(false);
  });

  it('read the train and val splits only, once per text, and refuse a file without them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-clinc-'));
    const file = join(dir, 'data_full.json');
    writeFileSync(file, JSON.stringify({ train: [['a b', 'x'], ['A B', 'x']], val: [['c d', 'y']], test: [['e f', 'z']], oos_train: [['g h', 'oos']] }));
    expect(readClincQueries(file).map((r) => r.text)).toEqual(['a b', 'c d', 'g h']);
    writeFileSync(file, JSON.stringify({ test: [['e f', 'z']] }));
    expect(() => readClincQueries(file)).toThrow(/no CLINC150 queries/);
  });

  it('pair each query with its nearest neighbours, a same-intent and a same-domain query, never across folds', () => {
    const queries: ClincQuery[] = [];
    const vectors: Float32Array[] = [];
    const intents = ['balance', 'transfer', 'pin_change', 'recipe'];
    for (let i = 0; i < 80; i++) {
      const intent = intents[i % intents.length]!;
      // No digits in the texts: numbers would make same-intent pairs different requests.
      queries.push({ text: `query ${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))} about ${intent}`, intent });
      const k = intents.indexOf(intent);
      vectors.push(unit(k === 0 ? 1 : 0.1, k === 1 ? 1 : 0.1, k === 2 ? 1 : 0.1, k === 3 ? 1 : 0.1, (i % 7) / 50));
    }
    const domainOf = new Map([
      ['balance', 'banking'],
      ['transfer', 'banking'],
      ['pin_change', 'banking'],
      ['recipe', 'kitchen'],
    ]);
    const pairs = clincPairs(queries, vectors, { folds: 5, seed: 3, neighbours: 2, domainOf });
    const fold = new Map<string, number>();
    for (const p of pairs) {
      for (const t of [p.a, p.b]) {
        if (fold.has(t)) expect(fold.get(t)).toBe(p.fold);
        fold.set(t, p.fold);
      }
      const qa = queries.find((q) => q.text === p.a)!;
      const qb = queries.find((q) => q.text === p.b)!;
      expect(p.same).toBe(qa.intent === qb.intent);
    }
    // Both labels occur, and some negatives are same-domain (the hard ones), not only cross-domain.
    expect(pairs.some((p) => p.same)).toBe(true);
    const negatives = pairs.filter((p) => !p.same).map((p) => [queries.find((q) => q.text === p.a)!.intent, queries.find((q) => q.text === p.b)!.intent]);
    expect(negatives.some(([a, b]) => domainOf.get(a!) === domainOf.get(b!))).toBe(true);
    // No pair twice, in either order.
    const keys = pairs.map((p) => [p.a, p.b].sort().join('\u0000'));
    expect(new Set(keys).size).toBe(keys.length);
    // Cross-validation keeps the source's folds instead of regrouping by shared text.
    expect(groupedFolds(pairs, 5, 19)).toEqual(pairs.map((p) => p.fold));
  });
});
