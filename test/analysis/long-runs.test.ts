/**
 * Prompt files with long unbroken runs (a pasted DNA sequence, a line of `=`, base64 without line
 * breaks): the analysis counted each piece with js-tiktoken's encode(), whose merge is quadratic in
 * a piece's length — a 16,000-letter run took ~80 s of the extension host (CodeLens, `tollgate lint`).
 * Counts stay exactly js-tiktoken's.
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { PieceCounter } from '../../proxy/src/analysis/cost/piece-counter';
import { getEncoder } from '../../proxy/src/tokens/encoding';

describe('PieceCounter on long unbroken runs', () => {
  it('counts a long run in about the time of ordinary text of the same size, with js-tiktoken\'s count', () => {
    const dna = Array.from({ length: 12_000 }, (_, i) => 'ACGT'[(i * 7 + (i >> 3)) % 4]).join('');
    const prose = 'The quick brown fox jumps over the lazy dog while the cat sleeps. '.repeat(185).slice(0, dna.length);
    const time = (text: string) => {
      const c = new PieceCounter('gpt-4o');
      const t0 = performance.now();
      const n = c.count(text);
      return { n, ms: performance.now() - t0 };
    };
    time(prose); // warm-up (encoder built)
    const p = time(prose);
    const d = time(dna);
    const short = dna.slice(0, 600);
    expect(new PieceCounter('gpt-4o').count(short)).toBe(getEncoder('o200k_base').encode(short, [], []).length);
    expect(p.n).toBe(getEncoder('o200k_base').encode(prose, [], []).length);
    expect(d.n).toBeGreaterThan(1000);
    // The prose's pieces repeat (counted once each), the run is one piece: ~75× here; before, ~14,000×
    // (14 s). The bound sits between, generous for a noisy machine.
    expect(d.ms / Math.max(p.ms, 1)).toBeLessThan(1500);
  });
});
