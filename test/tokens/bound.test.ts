import { describe, expect, it } from 'vitest';
import { upperBoundTokens } from '../../proxy/src/tokens/bound';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../../proxy/src/tokens/count';
import { TokenCounter } from '../../proxy/src/workers/tokenCounter';

const samples = [
  '',
  'a',
  'Hello, world! How are you today?',
  '    indented\n\n\n\twith    whitespace   runs      ',
  'Ünïcödé, 漢字かな交じり文, emoji 🎉🚀👩‍👩‍👧 and Ελληνικά',
  'const x = {"a": [1, 2, 3], "b": null}; // code-ish 0xdeadbeef 1234567890',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
];

describe('upperBoundTokens', () => {
  it('is never below the exact count of texts, for every encoding', () => {
    for (const model of ['gpt-4o', 'gpt-4', 'claude-3-5-haiku-latest'])
      for (const t of samples) expect(upperBoundTokens(model, undefined, [t])).toBeGreaterThanOrEqual(countTextTokens(t, model).tokens);
  });

  it('is never below the exact count of chats, names and parts included (both overhead schemes)', () => {
    const messages: ChatMessageLike[] = samples.map((s, i) => ({ role: i % 2 ? 'user' : 'assistant', content: i % 3 ? s : [{ type: 'text', text: s }, { type: 'image_url' }], ...(i === 2 ? { name: 'ünï' } : {}) }));
    for (const model of ['gpt-4o-mini', 'gpt-3.5-turbo-0301', 'gpt-4'])
      for (let n = 1; n <= messages.length; n++) {
        const m = messages.slice(0, n);
        expect(upperBoundTokens(model, m, ['tools'])).toBeGreaterThanOrEqual(countChatTokens(m, model).tokens + countTextTokens('tools', model).tokens);
      }
  });
});

describe('TokenCounter.isReady', () => {
  it('is true for a model once its encoding is built, and only for that encoding', async () => {
    const c = new TokenCounter();
    try {
      expect(c.isReady('gpt-4o')).toBe(false);
      await c.warm(['gpt-4o-mini']);
      expect(c.isReady('gpt-4o')).toBe(true); // same encoding (o200k)
      expect(c.isReady('claude-3-5-haiku-latest')).toBe(true); // estimated with o200k
      expect(c.isReady('gpt-4')).toBe(false); // cl100k not built yet
      await c.count('gpt-4', [{ role: 'user', content: 'hi' }]);
      expect(c.isReady('gpt-4')).toBe(true);
    } finally {
      await c.close();
    }
    expect(c.isReady('gpt-4o')).toBe(false); // a closed counter's next worker starts empty
  });
});
