/**
 * Prompts sent as token ids: OpenAI's embeddings `input` and completions `prompt` accept an array of
 * token ids or a list of such arrays, and LangChain's OpenAIEmbeddings sends its chunks that way by
 * default. Each id is one token; read as the text of its digits a batch was estimated at 2.5 times
 * its size (nearly 5 times as an upper bound), and refused by a tokens-per-minute limit it fits.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { inputParts } from '../../proxy/src/pipeline/cost';
import type { Json } from '../../proxy/src/providers/types';
import { upperBoundTokens } from '../../proxy/src/tokens/bound';
import { countChatTokens, countTextTokens } from '../../proxy/src/tokens/count';
import { getEncoder } from '../../proxy/src/tokens/encoding';
import { startHarness } from '../support/harness';

const enc = getEncoder('cl100k_base');
const chunks = Array.from({ length: 20 }, (_, i) => `Chunk ${i}: the quarterly report lists revenue by region and product line. `.repeat(25));
const ids = chunks.map((c) => enc.encode(c));
const realTokens = ids.reduce((n, a) => n + a.length, 0);

/** The exact estimate and the upper bound the proxy reserves with (pipeline/cost.ts). */
function estimates(body: Json): { counted: number; bound: number } {
  const { messages, texts, mediaTokens, idTokens } = inputParts(body);
  const model = String(body.model);
  const known = mediaTokens + (idTokens ?? 0);
  const counted = (messages.length ? countChatTokens(messages, model).tokens : 0) + texts.reduce((n, t) => n + countTextTokens(t, model).tokens, 0) + known;
  return { counted, bound: upperBoundTokens(model, messages, texts) + known };
}

describe('token-id prompts', () => {
  it.each([
    ['embeddings, a list of token arrays', { model: 'text-embedding-3-small', input: ids }, realTokens],
    ['embeddings, one token array', { model: 'text-embedding-3-small', input: ids[0] }, ids[0]!.length],
    ['completions, a list of token arrays', { model: 'gpt-3.5-turbo-instruct', prompt: ids.slice(0, 3) }, ids[0]!.length + ids[1]!.length + ids[2]!.length],
    ['completions, one token array', { model: 'gpt-3.5-turbo-instruct', prompt: ids[1] }, ids[1]!.length],
  ])('%s is as many tokens as ids', (_name, body, expected) => {
    const e = estimates(body as Json);
    expect(e.counted).toBe(expected);
    expect(e.bound).toBe(expected);
  });

  it('text inputs are still counted as text', () => {
    expect(estimates({ model: 'text-embedding-3-small', input: chunks }).counted).toBe(realTokens);
    // A list mixing numbers and text is no token array: read as before.
    expect(estimates({ model: 'text-embedding-3-small', input: ['hello world', 'again'] }).counted).toBe(countTextTokens('hello world', 'text-embedding-3-small').tokens + countTextTokens('again', 'text-embedding-3-small').tokens);
  });

  it('a batch of token arrays fits a tokens-per-minute limit its real size fits (real proxy)', async () => {
    const h = await startHarness({ rateLimits: [{ name: 'tpm', tpm: realTokens + 1_000 }], defaults: { maxOutputTokens: 16 } });
    try {
      const openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-token-ids', maxRetries: 0 });
      // A first small call: on an empty window any single call is let through, whatever its size.
      await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'warm up' });
      const r = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ids });
      expect(r.data).toHaveLength(ids.length);
    } finally {
      await h.close();
    }
  });
});
