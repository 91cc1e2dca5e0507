/** The eval script's scoring on synthetic labels: precision and recall of "missing" per SDK. */
import { describe, expect, it } from 'vitest';
import { parseLabels, score } from '../../scripts/lint-eval/score';

const LABELS = [
  'o/a\tx.ts\t1\topenai\tmissing',
  'o/a\tx.ts\t5\topenai\tmissing',
  'o/a\tx.ts\t9\topenai\tpresent',
  'o/b\ty.py\t3\tmistral\tunknown',
  'o/b\ty.py\t7\tmistral\tmissing',
].join('\n');

describe('eval:lint scoring', () => {
  it('counts a flag on a missing site as a hit, on a present/unknown site as a false alarm, an unflagged missing site as a miss', () => {
    const flagged = new Set(['o/a/x.ts:1', 'o/a/x.ts:9', 'o/b/y.py:3', 'o/b/y.py:7']);
    const rows = score(parseLabels(`# header\n${LABELS}\n`), flagged);
    const openai = rows.find((r) => r.sdk === 'openai')!;
    expect([openai.tp, openai.fp, openai.fn]).toEqual([1, 1, 1]);
    expect(openai.precision).toBe(0.5);
    expect(openai.recall).toBe(0.5);
    const mistral = rows.find((r) => r.sdk === 'mistral')!;
    expect([mistral.tp, mistral.fp, mistral.fn]).toEqual([1, 1, 0]);
    const all = rows.find((r) => r.sdk === 'all')!;
    expect(all.precision).toBe(2 / 4);
    expect(all.recall).toBe(2 / 3);
  });

  it('rejects a malformed label line instead of scoring it', () => {
    expect(() => parseLabels('o/a\tx.ts\t1\topenai\tmaybe')).toThrow(/bad label/);
  });
});
