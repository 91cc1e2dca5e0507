/**
 * Long runs of one character class (a DNA sequence, a line of `=`, a run of one letter, base64 in
 * a pasted document) are one tokenizer piece each. js-tiktoken merges a piece quadratically (and
 * builds a string key per pair on every pass): 4,000 identical letters took seconds, 16,000 over a
 * minute, a megabyte never finished, and every count queued behind it in the token worker waited.
 * Counts stay exactly js-tiktoken's; the work grows like the text.
 */
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../proxy/src/tokens/bpe';
import { countTextTokens } from '../../../proxy/src/tokens/count';
import { getEncoder } from '../../../proxy/src/tokens/encoding';
import { startHarness } from '../../support/harness';

/** Median milliseconds of `fn` over `runs` runs. */
function median(fn: () => unknown, runs = 3): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const dna = (n: number, seed = 7): string => {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += 'ACGT'[x >> 29]!;
  }
  return s;
};

describe('token counts of long single-piece runs', () => {
  it('are exactly what js-tiktoken counts', () => {
    for (const name of ['o200k_base', 'cl100k_base'] as const) {
      const enc = getEncoder(name);
      for (const text of ['a'.repeat(300), `${'='.repeat(200)} heading ${'-'.repeat(150)}`, dna(250), 'ñ'.repeat(120), `x ${'ab'.repeat(90)} <|endoftext|> 123456 😀😀😀`, Buffer.from(dna(400)).toString('base64')]) {
        expect(countTokens(enc, text), `${name}: ${text.slice(0, 40)}`).toBe(enc.encode(text, [], []).length);
      }
    }
  });

  it('cost about what ordinary text of the same length costs', () => {
    countTextTokens('warm', 'gpt-4.1');
    const n = 4_000;
    const words = median(() => countTextTokens('word '.repeat(64 * 1024 / 5), 'gpt-4.1')); // 16x longer, ordinary text
    const run = median(() => countTextTokens('a'.repeat(n), 'gpt-4.1'), 1);
    const seq = median(() => countTextTokens(dna(n), 'gpt-4.1'), 1);
    expect(run / words, `run ${run.toFixed(0)} ms, words ${words.toFixed(0)} ms`).toBeLessThan(20);
    expect(seq / words, `dna ${seq.toFixed(0)} ms, words ${words.toFixed(0)} ms`).toBeLessThan(20);
  }, 120_000);
});

describe('a routed request whose prompt holds a long run', () => {
  it('is counted and answered about as fast as an ordinary prompt of its size', async () => {
    // A rule on input tokens makes every call wait for its count (pipeline/governanceStages.ts).
    const h = await startHarness({ retries: { attempts: 0 }, routing: { rules: [{ name: 'huge', match: { minInputTokens: 10_000_000 }, model: 'gpt-4.1' }] } });
    try {
      const call = async (content: string) => {
        const t0 = performance.now();
        const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
          body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content }] }),
        });
        await r.text();
        return { status: r.status, ms: performance.now() - t0 };
      };
      await call('warm up the token worker');
      const ordinary = [await call(`${'a quick word '.repeat(2_000)} 1`), await call(`${'a quick word '.repeat(2_000)} 2`)].sort((a, b) => a.ms - b.ms)[0]!;
      const pasted = await call(`Find the motif in this sequence:\n${dna(8_000, 11)}${'T'.repeat(8_000)}`);
      expect(ordinary.status).toBe(200);
      expect(pasted.status).toBe(200);
      expect(pasted.ms / ordinary.ms, `pasted ${pasted.ms.toFixed(0)} ms, ordinary ${ordinary.ms.toFixed(0)} ms`).toBeLessThan(20);
    } finally {
      await h.close();
    }
  }, 180_000);
});
