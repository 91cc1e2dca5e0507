/**
 * Tool-call deltas as OpenAI-compatible servers other than OpenAI stream them, through the cache:
 *  - Fireworks (and NVIDIA NIM serving MiniMax) repeat the call's `id`, `type` and whole
 *    `function.name` in every delta, beside the next piece of the arguments. The OpenAI SDK keeps
 *    the last name; the stored answer joined them (`debug_tooldebug_tooldebug_tool`), so every
 *    later client was told to call a tool that does not exist.
 *  - Gemini's OpenAI-compatible API sends no `index`: parallel calls come one after another, each
 *    with its own `id`. Read as index 0, they were stored as one call whose arguments were both
 *    JSON objects end to end.
 * The client that streamed the answer, and a later one served from the cache (as JSON or a
 * stream), must see the same calls, each as the provider's JSON answer would give it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, type Json, sse, startCompatibleUpstream } from './compatibleUpstream';

const usage = { prompt_tokens: 61, completion_tokens: 24, total_tokens: 85 };

/** Fireworks' frames for one call: id, type and name again in every delta (SillyTavern#5948's capture). */
const fireworks: Flavour = {
  json: () => ({}),
  stream: (req) => {
    const base = { id: 'chatcmpl-b7de', object: 'chat.completion.chunk', created: 1_783_459_695, model: String(req.model) };
    const call = (args: string) => ({ index: 0, id: 'chatcmpl-tool-aa62', type: 'function', function: { name: 'debug_tool', arguments: args }, name: null });
    return sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [call('')] }, finish_reason: null }], usage: null },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [call('{"level":')] }, finish_reason: null }], usage: null },
      { ...base, choices: [{ index: 0, delta: { tool_calls: [call(' "info"}')] }, finish_reason: null }], usage: null },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage },
    ]);
  },
};

/** Gemini's frames for two parallel calls: no `index`, each call whole with its own id. */
const gemini: Flavour = {
  json: () => ({}),
  stream: (req) => {
    const base = { id: 'gm-2', object: 'chat.completion.chunk', created: 1_764_000_000, model: String(req.model) };
    const call = (id: string, city: string) => ({ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city }) } });
    return sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [call('function-call-1', 'Lisbon')] } }] },
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [call('function-call-2', 'Porto')] } }] },
      { ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: 'tool_calls' }], usage },
    ]);
  },
};

describe('tool-call deltas of OpenAI-compatible servers, stored and replayed', () => {
  let fw: CompatibleUpstream;
  let gm: CompatibleUpstream;
  let h: Harness;

  beforeAll(async () => {
    fw = await startCompatibleUpstream(fireworks, '/inference/v1');
    gm = await startCompatibleUpstream(gemini, '/v1beta/openai');
    h = await startHarness({
      retries: { attempts: 0 },
      cache: { semantic: { enabled: false } },
      providers: { fireworks: { kind: 'openai', baseUrl: fw.baseUrl }, gemini: { kind: 'openai', baseUrl: gm.baseUrl } },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await fw?.close();
    await gm?.close();
  });

  const client = (provider: string) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'fw-key', maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': provider } });

  it('a name repeated in every delta: the cached call has the name the client streamed', async () => {
    const c = client('fireworks');
    const ask = { model: 'accounts/fireworks/models/glm-5p2', messages: [{ role: 'user' as const, content: `log something ${process.pid}` }] };
    const streamed = await c.chat.completions.stream({ ...ask, stream: true }).finalChatCompletion();
    const want = [{ id: 'chatcmpl-tool-aa62', type: 'function', function: { name: 'debug_tool', arguments: '{"level": "info"}' } }];
    expect(streamed.choices[0]?.message.tool_calls).toMatchObject(want);

    const cached = await c.chat.completions.create(ask).withResponse();
    expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(cached.data.choices[0]?.message.tool_calls).toMatchObject(want);
    const replayed = await c.chat.completions.stream({ ...ask, stream: true }).finalChatCompletion();
    expect(replayed.choices[0]?.message.tool_calls).toMatchObject(want);
    expect(fw.calls()).toBe(1);
  });

  it('parallel calls without an index stay apart', async () => {
    const c = client('gemini');
    const ask = { model: 'gemini-2.5-flash', messages: [{ role: 'user' as const, content: `weather in Lisbon and Porto ${process.pid}` }] };
    const first = await c.chat.completions.create({ ...ask, stream: true });
    for await (const _ of first) {
      /* drain */
    }
    const cached = await c.chat.completions.create(ask).withResponse();
    expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
    const calls = cached.data.choices[0]?.message.tool_calls as unknown as Json[];
    expect(calls).toEqual([
      { id: 'function-call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } },
      { id: 'function-call-2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Porto"}' } },
    ]);
    expect(gm.calls()).toBe(1);
  });
});
