/** The complexity score: ordering on prompts written for this test, feature effects. */
import { describe, expect, it } from 'vitest';
import { scoreComplexity, tierFor } from '../../proxy/src/routing/complexity';

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
