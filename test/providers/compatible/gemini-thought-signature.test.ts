/**
 * Gemini's OpenAI-compatible API puts a tool call's thought signature on the call itself:
 * `tool_calls[i].extra_content.google.thought_signature` (ai.google.dev/gemini-api/docs/thought-signatures).
 * Gemini 3 refuses a next turn whose function call comes back without it (400). A streamed answer
 * stored in the cache must keep it, replayed as JSON or as a stream; before the fix the assembler kept
 * only id, type and function, so a cached tool call was sent back unsigned.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, type Json, sse, startCompatibleUpstream } from './compatibleUpstream';

const SIGNATURE = 'CiQB0e2Kb3Lhz7gUu0v8c0mMWcH1e0sH2q==';
const CALL = { id: 'function-call-5941', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' }, extra_content: { google: { thought_signature: SIGNATURE } } };

const gemini: Flavour = {
  json: (req) => ({
    id: 'gm-1',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: String(req.model),
    choices: [{ index: 0, message: { role: 'assistant', tool_calls: [CALL] }, finish_reason: 'tool_calls' }],
    usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 },
  }),
  // Gemini sends the whole call in one chunk, then the finish reason and usage.
  stream: (req) => {
    const base = { id: 'gm-1', object: 'chat.completion.chunk', created: 1_764_000_000, model: String(req.model) };
    return sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, ...CALL }] } }] },
      { ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } },
    ]);
  },
};

describe('a Gemini tool call through the cache keeps its thought signature', () => {
  let up: CompatibleUpstream;
  let h: Harness;

  beforeAll(async () => {
    up = await startCompatibleUpstream(gemini, '/v1beta/openai');
    h = await startHarness({ retries: { attempts: 0 }, cache: { semantic: { enabled: false } }, providers: { gemini: { kind: 'openai', baseUrl: up.baseUrl } } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });

  it('streamed first, replayed as JSON and as a stream', async () => {
    const c = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'gm-key', maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': 'gemini' } });
    const ask = { model: 'gemini-3-pro-preview', messages: [{ role: 'user' as const, content: `weather in Lisbon? ${process.pid}` }] };
    const first = await c.chat.completions.create({ ...ask, stream: true }).withResponse();
    for await (const _ of first.data) {
      /* drain */
    }
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');

    const cached = await c.chat.completions.create(ask).withResponse();
    expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(cached.data.choices[0]?.message.tool_calls).toEqual([CALL]);

    const again = await c.chat.completions.create({ ...ask, stream: true });
    const calls: Json[] = [];
    for await (const ch of again) calls.push(...((ch.choices[0]?.delta.tool_calls ?? []) as unknown as Json[]));
    expect(calls.map((t) => t.extra_content)).toEqual([CALL.extra_content]);
    expect(up.calls()).toBe(1);
  });
});
