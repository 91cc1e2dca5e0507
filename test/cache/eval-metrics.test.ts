import { describe, expect, it } from 'vitest';
import { chooseThreshold, pairMetrics, parsePairsTsv, subsetMetrics, type ScoredPair } from '../../scripts/lib/semantic-eval/pairs';

const pair = (same: boolean, similarity: number, subset: string, veto?: string): ScoredPair => ({ a: 'a', b: 'b', same, similarity, subset, ...(veto ? { veto } : {}) });

describe('pair metrics', () => {
  const pairs = [
    pair(true, 0.97, 'pos'),
    pair(true, 0.93, 'pos'),
    pair(true, 0.85, 'pos', 'content words differ'),
    pair(false, 0.95, 'neg', 'numbers differ'),
    pair(false, 0.92, 'neg'),
    pair(false, 0.5, 'neg'),
  ];

  it('counts a hit only above the threshold and, with the guard, without a veto', () => {
    expect(pairMetrics(pairs, 0.9, true)).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(pairMetrics(pairs, 0.9, false)).toMatchObject({ tp: 2, fp: 2, fn: 1 });
    expect(pairMetrics(pairs, 0.8, false)).toMatchObject({ tp: 3, fp: 2, fn: 0 });
    const m = pairMetrics(pairs, 0.9, true);
    expect(m.precision).toBeCloseTo(2 / 3);
    expect(m.recall).toBeCloseTo(2 / 3);
  });

  it('reports per-subset hit rates and precision against the positives', () => {
    const s = subsetMetrics(pairs, 0.9, true);
    expect(s.find((x) => x.subset === 'pos')).toMatchObject({ n: 3, hits: 2, positives: true });
    const neg = s.find((x) => x.subset === 'neg')!;
    expect(neg).toMatchObject({ n: 3, hits: 1, positives: false });
    expect(neg.precisionVsPositives).toBeCloseTo(2 / 3);
  });

  it('chooses the lowest threshold whose precision meets the goal from there up', () => {
    const sweep = [0.8, 0.85, 0.9, 0.93, 0.95, 0.97];
    expect(chooseThreshold(pairs, sweep, true, 0.98)).toBe(0.93);
    expect(chooseThreshold(pairs, sweep, false, 0.98)).toBe(0.97);
  });

  it('parses the TSV layout with escapes and CSV-quoted fields', () => {
    const tsv = 'text_a\ttext_b\tlabel\tsource\tsubset\nline\\none\t"say ""hi"""\t1\tsrc\tpos\n';
    expect(parsePairsTsv(tsv)).toEqual([{ a: 'line\none', b: 'say "hi"', same: true, subset: 'pos' }]);
  });
});
