/**
 * Long runs of one character class (a DNA sequence, a line of `=`, a run of one letter, base64 in
 * a pasted document) are one tokenizer piece each. js-tiktoken merges a piece quadratically (and
 * builds a string key per pair on every pass): 4,000 identical letters took seconds, 16,000 over a
 * minute, a megabyte never finished, and every count queued behind it in the token worker waited.
 * Counts stay exactly js-tiktoken's; the work grows like the text.
 */
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../../proxy/src/tokens/bpe';
import { getEncoder } from '../../../proxy/src/tokens/encoding';
import { startHarness } from '../../support/harness';

/**
 * The merge work `countTokens` does on `text`: candidate pairs ranked (each hashes the pair with
 * Math.imul) and rank lookups by comma-joined key (what js-tiktoken's own merge does for every pair
 * on every pass). An encoder of its own, whose rank map counts its lookups; the ranks are the real ones.
 */
function mergeWork(name: 'o200k_base' | 'cl100k_base', text: string): number {
  const enc = getEncoder(name);
  let work = 0;
  class CountedRanks extends Map<string, number> {
    override get(key: string): number | undefined {
      work++;
      return super.get(key);
    }
  }
  const counted = Object.create(enc) as typeof enc;
  Object.assign(counted, { rankMap: new CountedRanks((enc as unknown as { rankMap: Map<string, number> }).rankMap) });
  const imul = Math.imul;
  Math.imul = (a, b) => {
    work++;
    return imul(a, b);
  };
  try {
    work = 0;
    countTokens(counted, text);
    return work;
  } finally {
    Math.imul = imul;
  }
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

  it('take merge work that grows like the text (it was quadratic)', () => {
    const n = 4_000;
    for (const [what, text] of [
      ['one letter', (k: number) => 'a'.repeat(k)],
      ['DNA', (k: number) => dna(k)],
    ] as const) {
      const small = mergeWork('o200k_base', text(n));
      const large = mergeWork('o200k_base', text(4 * n));
      expect(small, what).toBeGreaterThan(0);
      // Four times the text: four times the pairs ranked; a rescan of every pair after each merge, 16.
      expect(large / small, `${what}: ${small} at ${n}, ${large} at ${4 * n}`).toBeLessThan(5);
    }
  }, 120_000);
});

describe('a routed request whose prompt holds a long run', () => {
  it('is counted and answered', async () => {
    // A rule on input tokens makes every call wait for its count (pipeline/governanceStages.ts).
    const h = await startHarness({ retries: { attempts: 0 }, routing: { rules: [{ name: 'huge', match: { minInputTokens: 10_000_000 }, model: 'gpt-4.1' }] } });
    try {
      const call = async (content: string) => {
        const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
          body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content }] }),
        });
        await r.text();
        return r.status;
      };
      // Its work grows like the text (counted above); here, the count in the proxy's worker ends and
      // the call is answered (a quadratic merge of these 16,000 letters ran past this test's timeout).
      expect(await call(`${'a quick word '.repeat(2_000)} 1`)).toBe(200);
      expect(await call(`Find the motif in this sequence:\n${dna(8_000, 11)}${'T'.repeat(8_000)}`)).toBe(200);
    } finally {
      await h.close();
    }
  }, 180_000);
});
