/**
 * The token worker is shared by every call: a 1M-token document counted in one go held every other
 * count (each budgeted or token-routed call) until it was done. A long count now yields between
 * parts, so a small count sent meanwhile is answered long before it, and the long count is still
 * exactly the one-go count.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { countChatTokens } from '../../../proxy/src/tokens/count';
import { TokenCounter } from '../../../proxy/src/workers/tokenCounter';

const counter = new TokenCounter();
afterAll(async () => counter.close());

/** A long document with ordinary prose, code, numbers and a pasted run: ~2 MiB. */
function document(): string {
  const parts: string[] = [];
  let length = 0;
  const add = (s: string) => {
    parts.push(s);
    length += s.length;
  };
  for (let i = 0; length < 2 * 1024 * 1024; i++) {
    add(`Section ${i}: The quarterly numbers were ${i * 37}.${i % 100} — see https://example.com/r/${i}?q=${i * 7}.\n`);
    add(`  const value${i} = compute(${i}, "${'x'.repeat(i % 50)}");  // note ${i}\n\n`);
    if (i % 500 === 0) add(`${'ACGT'.repeat(300)} ${'='.repeat(120)}\n`);
  }
  return parts.join('');
}

describe('a long count in the token worker', () => {
  it('does not hold up a small count sent meanwhile, and is exact', async () => {
    const model = 'gpt-4.1';
    await counter.warm([model]);
    const doc = document();
    const messages = [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: doc }];
    // An ordering, not a time: which answer comes back first.
    const answered: string[] = [];
    const big = counter.count(model, messages).then((r) => {
      answered.push('long');
      return r;
    });
    // Sent once the long count is under way in the worker (sent at once it is still queued behind it).
    await new Promise((r) => setTimeout(r, 50));
    const small = await counter.count(model, [{ role: 'user', content: 'how many tokens is this?' }]);
    answered.push('small');
    const long = await big;
    expect(small.tokens).toBe(countChatTokens([{ role: 'user', content: 'how many tokens is this?' }], model).tokens);
    expect(long.tokens).toBe(countChatTokens(messages, model).tokens);
    expect(long.exact).toBe(true);
    // The small count is answered before the long one (before: only after it).
    expect(answered).toEqual(['small', 'long']);
  }, 120_000);
});
