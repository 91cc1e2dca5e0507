/**
 * Prompt files with long unbroken runs (a pasted DNA sequence, a line of `=`, base64 without line
 * breaks): the analysis counted each piece with js-tiktoken's encode(), whose merge is quadratic in
 * a piece's length — a 16,000-letter run took ~80 s of the extension host (CodeLens, `tollgate lint`).
 * Counts stay exactly js-tiktoken's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PieceCounter } from '../../proxy/src/analysis/cost/piece-counter';
import { getEncoder } from '../../proxy/src/tokens/encoding';

// The work is measured as rank lookups (each a key built from the pair's bytes), not as time: both
// js-tiktoken's merge and the proxy's go through the encoder's rank map.
const ranks = (getEncoder('o200k_base') as unknown as { rankMap: Map<string, number> }).rankMap;
let lookups = 0;
const get = ranks.get.bind(ranks);
beforeEach(() => {
  Object.assign(ranks, {
    get: (key: string) => {
      lookups++;
      return get(key);
    },
  });
});
afterEach(() => Reflect.deleteProperty(ranks, 'get'));

describe('PieceCounter on long unbroken runs', () => {
  it('counts a 12,000-letter run with fewer rank lookups than letters, and js-tiktoken\'s count', () => {
    const dna = Array.from({ length: 12_000 }, (_, i) => 'ACGT'[(i * 7 + (i >> 3)) % 4]).join('');
    const short = dna.slice(0, 600);
    expect(new PieceCounter('gpt-4o').count(short)).toBe(getEncoder('o200k_base').encode(short, [], []).length);
    lookups = 0;
    expect(new PieceCounter('gpt-4o').count(dna)).toBeGreaterThan(1000);
    // js-tiktoken's merge rescans every pair after each merge: ~n²/2 lookups, 72 million here.
    expect(lookups).toBeLessThan(dna.length);
  });
});
