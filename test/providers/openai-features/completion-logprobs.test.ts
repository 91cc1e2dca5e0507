/**
 * Legacy completions with `logprobs: N` (eval harnesses, vLLM scoring): each streamed chunk carries
 * the logprobs of its own tokens (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`). The
 * stored answer had `logprobs: null`, so a client served from the cache got the text without them,
 * as JSON or as a stream.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, type Json, sse, startCompatibleUpstream } from '../compatible/compatibleUpstream';

const TOKENS = ['Paris', ' is', ' the', ' capital'];
const offsets = TOKENS.map((_, i) => TOKENS.slice(0, i).join('').length);
const lp = (i: number) => ({ tokens: [TOKENS[i]], token_logprobs: [-0.01 * (i + 1)], top_logprobs: [{ [TOKENS[i]!]: -0.01 * (i + 1), ' London': -4.2 }], text_offset: [offsets[i]] });
const usage = { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 };

const instruct: Flavour = {
  json: () => ({}),
  stream: (_req, n) => {
    const base = { id: `cmpl-lp${n}`, object: 'text_completion', created: 1_764_600_000, model: 'gpt-3.5-turbo-instruct:20230824-v2' };
    return sse([
      ...TOKENS.map((t, i) => ({ ...base, choices: [{ text: t, index: 0, logprobs: lp(i), finish_reason: null }] })),
      { ...base, choices: [{ text: '', index: 0, logprobs: { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] }, finish_reason: 'length' }] },
      { ...base, choices: [], usage },
    ]);
  },
};

describe('completions logprobs through the cache', () => {
  let up: CompatibleUpstream;
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    up = await startCompatibleUpstream(instruct);
    h = await startHarness({ retries: { attempts: 0 }, cache: { semantic: { enabled: false } } }, { openai: { baseUrl: up.baseUrl } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-instruct', maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });

  /** The logprobs lists of a stream's chunks, joined per field (as the JSON answer has them). */
  const joined = (chunks: Json[]): Json => {
    const out: Record<string, unknown[]> = {};
    for (const c of chunks) for (const [k, v] of Object.entries(c)) out[k] = [...(out[k] ?? []), ...(v as unknown[])];
    return out;
  };

  it('streamed first; the cached answer has every token logprob, as JSON and as a stream', async () => {
    const ask = { model: 'gpt-3.5-turbo-instruct', prompt: `The capital of France: ${process.pid}`, max_tokens: 4, logprobs: 2 };
    const streamed: Json[] = [];
    for await (const c of await client.completions.create({ ...ask, stream: true })) if (c.choices[0]?.logprobs) streamed.push(c.choices[0].logprobs as unknown as Json);
    const want = joined(streamed);
    expect(want.tokens).toEqual(TOKENS);

    const cached = await client.completions.create(ask).withResponse();
    expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(cached.data.choices[0]?.text).toBe(TOKENS.join(''));
    expect(cached.data.choices[0]?.logprobs).toEqual(want);

    const replayed: Json[] = [];
    for await (const c of await client.completions.create({ ...ask, stream: true })) if (c.choices[0]?.logprobs) replayed.push(c.choices[0].logprobs as unknown as Json);
    expect(joined(replayed)).toEqual(want);
    expect(up.calls()).toBe(1);
  });
});
