import { describe, expect, it } from 'vitest';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../../proxy/src/tokens/count';
import { encodingForModel, getEncoder } from '../../proxy/src/tokens/encoding';

/**
 * The 6-message example from OpenAI's cookbook "How to count tokens with tiktoken"
 * (examples/How_to_count_tokens_with_tiktoken.ipynb), whose published counts are
 * 129 prompt tokens for gpt-4 (cl100k_base) and 124 for gpt-4o (o200k_base).
 */
const COOKBOOK_MESSAGES: ChatMessageLike[] = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe('countChatTokens reproduces the OpenAI cookbook', () => {
  it('counts 129 tokens for gpt-4 (cl100k_base)', () => {
    expect(countChatTokens(COOKBOOK_MESSAGES, 'gpt-4')).toEqual({ tokens: 129, exact: true, encoding: 'cl100k_base' });
  });

  it('counts 124 tokens for gpt-4o (o200k_base)', () => {
    expect(countChatTokens(COOKBOOK_MESSAGES, 'gpt-4o')).toEqual({ tokens: 124, exact: true, encoding: 'o200k_base' });
  });

  it('counts array content parts like the equivalent string content', () => {
    const parts: ChatMessageLike[] = COOKBOOK_MESSAGES.map((m) => ({ ...m, content: [{ type: 'text', text: m.content as string }, { type: 'image_url' }] }));
    expect(countChatTokens(parts, 'gpt-4').tokens).toBe(129);
  });

  it('treats null content as empty', () => {
    const withNull = countChatTokens([{ role: 'assistant', content: null }], 'gpt-4o').tokens;
    // 3 per message + "assistant" (1 token) + 3 reply priming.
    expect(withNull).toBe(3 + countTextTokens('assistant', 'gpt-4o').tokens + 3);
  });
});

// Not included: tiktoken's ' \x850' case. JavaScript's \s does not match U+0085 (NEL), so
// js-tiktoken's pre-tokeniser splits that rare string differently from the Rust implementation.
describe('encodings match tiktoken’s own test suite (openai/tiktoken tests/test_encoding.py)', () => {
  const cl100k = () => getEncoder('cl100k_base');
  it.each([
    ['hello world', [15339, 1917]],
    ['rer', [38149]],
    ["'rer", [2351, 81]],
    ['today\n ', [31213, 198, 220]],
    ['today\n \n', [31213, 27907]],
    ['today\n  \n', [31213, 14211]],
    ['👍', [9468, 239, 235]],
  ])('cl100k_base encodes %j as %j', (text, ids) => {
    expect(cl100k().encode(text)).toEqual(ids);
    expect(countTextTokens(text, 'gpt-4').tokens).toBe(ids.length);
  });

  it('encodes the special token only when allowed, and counts it as plain text', () => {
    expect(cl100k().encode('hello <|endoftext|>', 'all')).toEqual([15339, 220, 100257]);
    // Prompt text containing a special-token string must count (as text), not throw.
    expect(countTextTokens('hello <|endoftext|>', 'gpt-4').tokens).toBeGreaterThan(3);
  });

  it('cookbook: "tiktoken is great!" is 6 tokens in cl100k_base', () => {
    expect(countTextTokens('tiktoken is great!', 'gpt-3.5-turbo').tokens).toBe(6);
  });

  it('round-trips through the o200k encoder', () => {
    const text = '请考试我的软件！12345 hello  world';
    expect(getEncoder('o200k_base').decode(getEncoder('o200k_base').encode(text))).toBe(text);
  });
});

describe('encoding per model', () => {
  it.each([
    ['gpt-4o', 'o200k_base', true],
    ['gpt-4o-mini-2024-07-18', 'o200k_base', true],
    ['gpt-4.1-nano', 'o200k_base', true],
    ['o3-mini', 'o200k_base', true],
    ['gpt-5', 'o200k_base', true],
    ['openai/gpt-4o', 'o200k_base', true],
    ['gpt-4', 'cl100k_base', true],
    ['gpt-4-turbo', 'cl100k_base', true],
    ['gpt-3.5-turbo', 'cl100k_base', true],
    ['claude-sonnet-4', 'o200k_base', false],
    ['gemini-2.0-flash', 'o200k_base', false],
  ])('%s → %s (exact %s)', (model, encoding, exact) => {
    expect(encodingForModel(model)).toEqual({ encoding, exact });
  });

  // Bedrock ids (docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html) end in a
  // version after a colon, Vertex ids in `@<date>`, Ollama tags in `:<size>`: the model is before them.
  it.each([
    ['openai.gpt-oss-120b-1:0', 'o200k_base', true],
    ['openai.gpt-oss-20b-1:0', 'o200k_base', true],
    ['gpt-oss:20b', 'o200k_base', true],
    ['gpt-oss:120b-cloud', 'o200k_base', true],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'o200k_base', false],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'o200k_base', false],
    ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0', 'o200k_base', false],
    ['meta.llama3-1-70b-instruct-v1:0', 'o200k_base', false],
    ['claude-3-5-sonnet-v2@20241022', 'o200k_base', false],
    ['azure:gpt-4', 'cl100k_base', true],
    ['openai:gpt-4o', 'o200k_base', true],
    ['gpt-3.5-turbo:ft-acme-2023-08-01', 'cl100k_base', true],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'o200k_base', true],
    ['ft:gpt-4-0613:acme::abc123', 'cl100k_base', true],
    ['openrouter/openai/gpt-4:free', 'cl100k_base', true],
  ])('provider id %s → %s (exact %s)', (model, encoding, exact) => {
    expect(encodingForModel(model)).toEqual({ encoding, exact });
  });

  it('labels counts for non-OpenAI models as estimates', () => {
    const c = countTextTokens('hello world', 'claude-3-5-sonnet-latest');
    expect(c.exact).toBe(false);
    expect(c.tokens).toBe(getEncoder('o200k_base').encode('hello world').length);
  });

  it('builds each encoder once', () => {
    expect(getEncoder('o200k_base')).toBe(getEncoder('o200k_base'));
  });
});

describe('pieces of every length count as js-tiktoken encodes them', () => {
  // Long words without spaces (German compounds, CJK runs, emoji sequences) are single regex pieces
  // of tens of bytes: counted by the heap merge past a short length, by js-tiktoken's own below it.
  const words = ['Donaudampfschifffahrtsgesellschaftskapitänswitwe', '東京都庁舎の展望台は無料です請考試我的軟件', '👍🏽👨‍👩‍👧‍👦🇯🇵✨', 'pneumonoultramicroscopicsilicovolcanoconiosis'];
  it.each(['o200k_base', 'cl100k_base'] as const)('%s', (encoding) => {
    const enc = getEncoder(encoding);
    const model = encoding === 'o200k_base' ? 'gpt-4o' : 'gpt-4';
    for (const w of words) {
      const chars = [...w];
      for (let n = 1; n <= chars.length; n++) {
        const piece = chars.slice(0, n).join('');
        expect(countTextTokens(piece, model).tokens, piece).toBe(enc.encode(piece, [], []).length);
      }
    }
  });
});
