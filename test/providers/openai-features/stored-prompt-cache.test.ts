/**
 * A Responses request naming a stored prompt without a `version` runs the prompt's current
 * version, which its owner can publish anew at any time: the same body then asks a different
 * question, so neither cache may answer it. A pinned version never changes and is cached.
 */
import { describe, expect, it } from 'vitest';
import { type Json, lastRow, proxyOverUpstream, type Scenario } from './openaiUpstream';

const answer = (text: string): Json => ({
  id: `resp_${text}`,
  object: 'response',
  created_at: 1_764_600_000,
  status: 'completed',
  model: 'gpt-4.1-2025-04-14',
  output: [{ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] }],
  usage: { input_tokens: 300, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 320 },
});
const scenarios: Record<string, Scenario> = { unpinned: { body: answer('unpinned') }, pinned: { body: answer('pinned') } };
const t = proxyOverUpstream(scenarios, 'sk-proj-prompts', { cache: { semantic: { enabled: false } } });

const upstreamCalls = (word: string): number => t.up.requests.filter((r) => String(r.body.input).startsWith(word)).length;

describe('stored prompts and the cache', () => {
  it('an unpinned prompt goes upstream every time', async () => {
    const params = { model: 'gpt-4.1', prompt: { id: 'pmpt_68b0c29740048196bd3a6e996c80f0b8', variables: { city: 'Paris' } }, input: `unpinned ${process.pid}` };
    await t.client.responses.create(params);
    await t.client.responses.create(params);
    expect(upstreamCalls('unpinned')).toBe(2);
    expect(lastRow(t.h).cache).not.toBe('exact');
  });

  it('a pinned version is answered from the cache', async () => {
    const params = { model: 'gpt-4.1', prompt: { id: 'pmpt_68b0c29740048196bd3a6e996c80f0b8', version: '3', variables: { city: 'Paris' } }, input: `pinned ${process.pid}` };
    const first = await t.client.responses.create(params);
    const second = await t.client.responses.create(params);
    expect(upstreamCalls('pinned')).toBe(1);
    expect(lastRow(t.h).cache).toBe('exact');
    expect(second.output_text).toBe(first.output_text);
  });
});
