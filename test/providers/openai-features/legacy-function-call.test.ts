/**
 * The legacy `functions` parameter: the model answers with `message.function_call` (name and JSON
 * arguments), which a stream spells out in `delta.function_call` pieces, the name in the first.
 * Still sent by older apps and agent frameworks. The assembler read no `function_call`, and the
 * replay sent none: a JSON answer served from the cache as a stream came back with no call at all
 * (finish_reason "function_call", nothing to call), and a streamed one was stored as an empty answer.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, type Flavour, sse, startCompatibleUpstream } from '../compatible/compatibleUpstream';

const CALL = { name: 'get_current_weather', arguments: '{\n  "location": "Boston, MA",\n  "unit": "celsius"\n}' };
const usage = { prompt_tokens: 82, completion_tokens: 24, total_tokens: 106, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };

const openai: Flavour = {
  json: (_req, n) => ({
    id: `chatcmpl-fc${n}`,
    object: 'chat.completion',
    created: 1_764_600_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: null, function_call: CALL, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'function_call' }],
    usage,
    service_tier: 'default',
    system_fingerprint: 'fp_560af6e559',
  }),
  // As OpenAI streams it: the name (and empty arguments) with the role, then argument pieces.
  stream: (req, n) => {
    const base = { id: `chatcmpl-fc${n}`, object: 'chat.completion.chunk', created: 1_764_600_000, model: 'gpt-4o-mini-2024-07-18', service_tier: 'default', system_fingerprint: 'fp_560af6e559' };
    const pieces = CALL.arguments.match(/[\s\S]{1,6}/g) ?? [];
    const asked = (req.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    return sse([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, function_call: { name: CALL.name, arguments: '' }, refusal: null }, logprobs: null, finish_reason: null }], ...(asked ? { usage: null } : {}) },
      ...pieces.map((p) => ({ ...base, choices: [{ index: 0, delta: { function_call: { arguments: p } }, logprobs: null, finish_reason: null }], ...(asked ? { usage: null } : {}) })),
      { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'function_call' }], ...(asked ? { usage: null } : {}) },
      ...(asked ? [{ ...base, choices: [], usage }] : []),
    ]);
  },
};

const functions = [{ name: 'get_current_weather', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] } }];

describe('a legacy function_call answer through the cache', () => {
  let up: CompatibleUpstream;
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    up = await startCompatibleUpstream(openai);
    h = await startHarness({ retries: { attempts: 0 }, cache: { semantic: { enabled: false } } }, { openai: { baseUrl: up.baseUrl } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-legacy-functions', maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await up?.close();
  });

  const rows = () => h.proxy.services.db.prepare('SELECT cache, output_tokens, tokens_estimated FROM calls ORDER BY id').all() as { cache: string; output_tokens: number; tokens_estimated: number }[];

  it('answered as JSON, served from the cache as a stream: the SDK assembles the same call', async () => {
    const ask = { model: 'gpt-4o-mini', functions, messages: [{ role: 'user' as const, content: `Weather in Boston? ${process.pid}` }] };
    const before = up.calls();
    const json = await client.chat.completions.create(ask);
    expect(json.choices[0]?.message.function_call).toEqual(CALL);
    const replayed = await client.chat.completions.stream({ ...ask, stream: true }).finalChatCompletion();
    expect(up.calls()).toBe(before + 1);
    expect(rows().at(-1)?.cache).toBe('exact');
    expect(replayed.choices[0]?.message.function_call).toEqual(CALL);
    expect(replayed.choices[0]?.finish_reason).toBe('function_call');
  });

  it('streamed first: stored with its call and replayed as JSON', async () => {
    const before = up.calls();
    const ask = { model: 'gpt-4o-mini', functions, messages: [{ role: 'user' as const, content: `Weather in Boston, streamed? ${process.pid}` }] };
    const streamed = await client.chat.completions.stream({ ...ask, stream: true }).finalChatCompletion();
    expect(streamed.choices[0]?.message.function_call).toEqual(CALL);
    const cached = await client.chat.completions.create(ask).withResponse();
    expect(cached.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(cached.data.choices[0]?.message.function_call).toEqual(CALL);
    expect(up.calls()).toBe(before + 1);
    // Billed from the usage the stream reported (Tollgate asked for it), not estimated.
    expect(rows().at(-2)).toMatchObject({ cache: 'miss', output_tokens: 24, tokens_estimated: 0 });
  });
});
