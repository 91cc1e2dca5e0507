/** The complexity score: ordering on prompts written for this test, feature effects, exemplar blending. */
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../proxy/src/embedding/types';
import { scoreComplexity, tierFor } from '../../proxy/src/routing/complexity';
import { ExemplarIndex, scoreWithExemplars } from '../../proxy/src/routing/exemplars';

const user = (text: string) => ({ messages: [{ role: 'user', text }] });
const thresholds = { medium: 0.3, large: 0.7 };

describe('scoreComplexity', () => {
  it('stays linear on a huge pasted blob (cue regexes read a bounded prefix)', () => {
    const blob = 'A'.repeat(2_000_000);
    const s = scoreComplexity(user(`Decode this: ${blob}(`));
    expect(s.features.length).toBe(1);
    expect(s.score).toBeGreaterThan(scoreComplexity(user('Decode this.')).score);
  });

  it('orders a lookup, an everyday task and a hard multi-constraint problem', () => {
    const easy = scoreComplexity(user('What is the capital of Portugal?')).score;
    const mid = scoreComplexity(user('Write a Python function that returns the n-th Fibonacci number iteratively and explain it briefly.')).score;
    const hard = scoreComplexity(
      user(
        'Design a multi-region event store for a payments ledger. It must guarantee exactly-once processing, survive the loss of a region ' +
          'without losing acknowledged writes, and keep p99 write latency under 50 ms. Compare consensus-based replication with ' +
          'asynchronous replication plus reconciliation, analyze the failure modes of each, and justify your choice step by step.',
      ),
    ).score;
    expect(easy).toBeLessThan(mid);
    expect(mid).toBeLessThan(hard);
    expect(tierFor(easy, thresholds)).toBe('small');
    expect(tierFor(mid, thresholds)).toBe('medium');
    expect(tierFor(hard, thresholds)).toBe('large');
    for (const s of [easy, mid, hard]) expect(s).toBeGreaterThanOrEqual(0), expect(s).toBeLessThanOrEqual(1);
  });

  it('each cue raises its feature and the score', () => {
    const base = 'Sort this list of names alphabetically.';
    const withCode = scoreComplexity(user(`${base}\n\`\`\`js\nconst names = ["b", "a"];\n\`\`\``));
    const withMath = scoreComplexity(user(`${base} Then prove the algorithm's complexity is O(n log n) by induction.`));
    const plain = scoreComplexity(user(base));
    expect(withCode.features.code).toBe(1);
    expect(plain.features.code).toBeLessThan(1);
    expect(withMath.features.math!).toBeGreaterThan(plain.features.math!);
    expect(withMath.score).toBeGreaterThan(plain.score);
  });

  it('conversation depth counts user turns; the ask, not a long system prompt, drives length', () => {
    const turns = Array.from({ length: 7 }, (_, i) => [
      { role: 'user', text: `question ${i}` },
      { role: 'assistant', text: `answer ${i}` },
    ]).flat();
    expect(scoreComplexity({ messages: turns }).features.depth).toBe(1);
    const sys = { role: 'system', text: 'You are a helpful assistant. '.repeat(200) };
    const withSys = scoreComplexity({ messages: [sys, { role: 'user', text: 'Hi there!' }] });
    expect(withSys.features.length).toBe(scoreComplexity(user('Hi there!')).features.length);
    expect(withSys.features.context!).toBeGreaterThan(0);
  });
});

/**
 * A real (if simple) Embedder: hashed bag of words, L2-normalised — enough to test that the
 * nearest exemplars pull the score, without a model download.
 */
function bagOfWordsEmbedder(dim = 256): Embedder {
  const embedOne = (text: string): Float32Array => {
    const v = new Float32Array(dim);
    for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let h = 2166136261;
      for (const c of w) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
      v[(h >>> 0) % dim]! += 1;
    }
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  };
  return {
    info: { backend: 'upstream', modelId: 'test-bow', dimensions: dim, defaultThreshold: 0.9 },
    embed: async (texts) => texts.map(embedOne),
    close: async () => {},
  };
}

describe('exemplar blending', () => {
  it('pulls the score toward the tier of similar labelled prompts', async () => {
    const prompt = 'Tell me about the quarterly reconciliation of ledger accounts.';
    const heuristic = scoreComplexity(user(prompt)).score;
    const embedder = bagOfWordsEmbedder();
    const largeIdx = await ExemplarIndex.build(embedder, [
      { prompt: 'the quarterly reconciliation of ledger accounts across subsidiaries', tier: 'large' },
      { prompt: 'reconciliation of ledger accounts with intercompany eliminations', tier: 'large' },
    ]);
    const smallIdx = await ExemplarIndex.build(embedder, [
      { prompt: 'the quarterly reconciliation of ledger accounts across subsidiaries', tier: 'small' },
      { prompt: 'reconciliation of ledger accounts with intercompany eliminations', tier: 'small' },
    ]);
    const up = await scoreWithExemplars(user(prompt), largeIdx, 2);
    const down = await scoreWithExemplars(user(prompt), smallIdx, 2);
    expect(up.score).toBeGreaterThan(heuristic);
    expect(down.score).toBeLessThan(up.score);
    expect(up.features.exemplarWeight!).toBeGreaterThan(0);
    expect(largeIdx.size).toBe(2);
  });

  it('ignores neighbours with no similarity', () => {
    const s = scoreComplexity(user('Hello'), [{ tier: 'large', similarity: 0 }]);
    expect(s.score).toBe(scoreComplexity(user('Hello')).score);
  });
});
