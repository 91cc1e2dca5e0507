/**
 * OpenAI streams as the openai SDK sees them, on a miss and on a cache hit, and what the ledger
 * bills for them: a cut Responses stream (reset or in-band `error`), a Responses stream that ends
 * in `response.incomplete`, streamed chat logprobs, and the per-item events of a replayed
 * Responses stream (function-call arguments, refusals, reasoning, annotations, tool progress); and
 * how a body ends: a last event without its blank line, a character cut by the end, a
 * `response.completed` with an empty output, a JSON answer behind a byte order mark.
 * The upstream streams are built in the API's wire format; replays are read back with the SDK's
 * own SSE parser (Stream.fromSSEResponse) and Responses accumulator.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Response as OpenAIResponse, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { Stream } from 'openai/streaming';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAI_ENDPOINTS } from '../../proxy/src/providers/openai';
import { frameJson, SseParser } from '../../proxy/src/providers/sse';
import type { EndpointSpec, Json } from '../../proxy/src/providers/types';
import { startHarness, type Harness } from '../support/harness';

const endpoint = (id: string): EndpointSpec => OPENAI_ENDPOINTS.find((e) => e.id === id)!;
const responsesSpec = endpoint('responses');
const chatSpec = endpoint('chat.completions');
const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Wire-format streams

/** Responses API events, numbered as the API numbers them, as `event:`/`data:` frames. */
function responsesWire(events: Json[]): string {
  return events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join('');
}

const MODEL = 'gpt-4.1-mini-2025-04-14';

function responseObject(id: string, status: string, output: Json[], extra: Json = {}): Json {
  return {
    id,
    object: 'response',
    created_at: 1764489600,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: MODEL,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: null,
    user: null,
    metadata: {},
    ...extra,
  };
}

type ItemSpec = { kind: 'text'; id: string; deltas: string[] } | { kind: 'call'; id: string; callId: string; name: string; deltas: string[] };

/**
 * The events of a Responses stream with these items, as the API sends them. `end`: the terminal
 * event, or `'cut'` to stop after `cutAfter` deltas of the last item (the caller adds what ends it).
 */
function responsesEvents(id: string, items: ItemSpec[], end: { type: 'completed' | 'incomplete'; usage: Json; extra?: Json } | { type: 'cut'; cutAfter: number }): Json[] {
  const inProgress = responseObject(id, 'in_progress', []);
  const events: Json[] = [
    { type: 'response.created', response: inProgress },
    { type: 'response.in_progress', response: inProgress },
  ];
  const done: Json[] = [];
  items.forEach((it, outputIndex) => {
    const last = outputIndex === items.length - 1;
    const deltas = end.type === 'cut' && last ? it.deltas.slice(0, end.cutAfter) : it.deltas;
    const full = it.deltas.join('');
    if (it.kind === 'text') {
      const at = { item_id: it.id, output_index: outputIndex, content_index: 0 };
      events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { id: it.id, type: 'message', status: 'in_progress', content: [], role: 'assistant' } });
      events.push({ type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
      for (const d of deltas) events.push({ type: 'response.output_text.delta', ...at, delta: d, logprobs: [] });
      if (end.type === 'cut' && last) return;
      const part = { type: 'output_text', annotations: [], logprobs: [], text: full };
      const status = end.type === 'incomplete' && last ? 'incomplete' : 'completed';
      const item = { id: it.id, type: 'message', status, content: [part], role: 'assistant' };
      events.push({ type: 'response.output_text.done', ...at, text: full, logprobs: [] });
      events.push({ type: 'response.content_part.done', ...at, part });
      events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
      done.push(item);
    } else {
      const at = { item_id: it.id, output_index: outputIndex };
      const base = { id: it.id, type: 'function_call', call_id: it.callId, name: it.name };
      events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...base, arguments: '', status: 'in_progress' } });
      for (const d of deltas) events.push({ type: 'response.function_call_arguments.delta', ...at, delta: d });
      if (end.type === 'cut' && last) return;
      const item = { ...base, arguments: full, status: 'completed' };
      events.push({ type: 'response.function_call_arguments.done', ...at, name: it.name, arguments: full });
      events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
      done.push(item);
    }
  });
  if (end.type !== 'cut') events.push({ type: `response.${end.type}`, response: responseObject(id, end.type, done, { usage: end.usage, ...end.extra }) });
  return events;
}

const usage = (input: number, output: number): Json => ({
  input_tokens: input,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: output,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: input + output,
});

/** 200 deltas, 1,490 characters: "tok000 tok001 … tok110, tok111, …". */
const LONG_DELTAS = Array.from({ length: 200 }, (_, i) => `tok${String(i).padStart(3, '0')}${i < 110 ? ' ' : ', '}`);
const LONG_TEXT = LONG_DELTAS.join('');
const ARG_DELTAS = ['{"city":', '"Köln",', '"days":', '[1,2,3],', '"notes":"', 'bring an umbrella ☔ and a long list of further words to count', '"}'];

const inbandError = (seq: number): string => `event: error\ndata: ${JSON.stringify({ type: 'error', sequence_number: seq, code: 'server_error', message: 'The server had an error while processing your request.', param: null })}\n\n`;

function chatChunk(delta: Json, extra: Json = {}): Json {
  return { id: 'chatcmpl-LP1', object: 'chat.completion.chunk', created: 1764489600, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_lp', choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] };
}
const lp = (token: string, logprob: number): Json => ({ token, logprob, bytes: [...utf8.encode(token)], top_logprobs: [] });
/** A chat stream with logprobs as OpenAI sends it: one token a chunk, each with its own logprobs. */
function chatLogprobsWire(withUsage: boolean): string {
  const chunks: Json[] = [
    chatChunk({ role: 'assistant', content: '', refusal: null }),
    chatChunk({ content: 'Hello' }, { logprobs: { content: [lp('Hello', -0.01)], refusal: null } }),
    chatChunk({ content: ' world' }, { logprobs: { content: [lp(' world', -0.5)], refusal: null } }),
    chatChunk({}, { finish_reason: 'stop' }),
  ];
  if (withUsage) chunks.push({ ...chatChunk({}), choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } });
  return `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n`;
}

// ---------------------------------------------------------------------------------------------
// Reading streams: the proxy's parser for assembling, the SDK's for what a client sees

function assemble(spec: EndpointSpec, text: string) {
  const a = spec.assembler!();
  const parser = new SseParser();
  for (const frame of parser.pushBytes(utf8.encode(text))) a.accept(frame, frameJson(frame));
  return { body: a.result(), complete: a.complete, error: a.error };
}

/** What the openai SDK yields for these SSE bytes. */
async function sdkEvents<T>(text: string): Promise<T[]> {
  const response = new Response(text, { headers: { 'content-type': 'text/event-stream' } });
  const out: T[] = [];
  for await (const e of Stream.fromSSEResponse<T>(response, new AbortController())) out.push(e);
  return out;
}

const replayText = (spec: EndpointSpec, body: Json, includeUsage = false): string => spec.replay!(body, { includeUsage }).join('');

/** The SDK's own snapshot after these events (as `client.responses.stream()` builds it). */
function accumulated(events: ResponseStreamEvent[]): OpenAIResponse {
  let snapshot: OpenAIResponse | undefined;
  for (const e of events) snapshot = accumulateResponse(e, snapshot);
  return snapshot!;
}

/** Event types in order, runs of the same delta type counted once (a replay sends each text in one delta). */
const eventShape = (events: ResponseStreamEvent[]): string[] => events.map((e) => e.type).filter((t, i, all) => !(t.endsWith('.delta') && all[i - 1] === t));

const chatTokens = (chunks: ChatCompletionChunk[]): string[] => chunks.flatMap((c) => c.choices.flatMap((ch) => ch.logprobs?.content ?? [])).map((l) => l.token);

// ---------------------------------------------------------------------------------------------
// Unit: assemblers and replays

describe('a Responses stream cut short keeps what was generated (bug 1)', () => {
  const events = responsesEvents('resp_cut', [{ kind: 'text', id: 'msg_cut', deltas: LONG_DELTAS }], { type: 'cut', cutAfter: 200 });

  it('after an in-band error event: the 1,490 streamed characters are the estimate text', () => {
    expect(LONG_TEXT.length).toBe(1490);
    const r = assemble(responsesSpec, responsesWire(events) + inbandError(events.length));
    expect(r.complete).toBe(false);
    // The ledger's errorType is the event's code, not the event name "error".
    expect(r.error).toMatchObject({ type: 'server_error', code: 'server_error' });
    expect(responsesSpec.outputText!(r.body)).toBe(LONG_TEXT);
    expect(responsesSpec.usage(r.body)).toBeUndefined(); // no usage came: settleCost estimates both sides
    expect(r.body.model).toBe(MODEL);
  });

  it('after a reset mid-frame: the text of the whole frames before it', () => {
    const wire = responsesWire(events);
    const r = assemble(responsesSpec, wire.slice(0, wire.length - 30));
    expect(r.complete).toBe(false);
    expect(responsesSpec.outputText!(r.body)).toBe(LONG_TEXT.slice(0, -LONG_DELTAS[199]!.length));
  });

  it('counts function-call arguments streamed so far, after a finished text item', () => {
    const cut = responsesEvents(
      'resp_cut2',
      [
        { kind: 'text', id: 'msg_1', deltas: ['Checking ', 'the weather.'] },
        { kind: 'call', id: 'fc_1', callId: 'call_1', name: 'get_weather', deltas: ARG_DELTAS },
      ],
      { type: 'cut', cutAfter: 6 },
    );
    const r = assemble(responsesSpec, responsesWire(cut));
    const text = responsesSpec.outputText!(r.body);
    expect(text).toContain('Checking the weather.');
    expect(text).toContain('get_weather');
    expect(text).toContain(JSON.stringify(ARG_DELTAS.slice(0, 6).join('')).slice(1, -1));
  });
});

describe('a response.completed whose output is empty (ChatGPT Codex backend, gateways)', () => {
  const searchItem = { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'tollgate' } };
  const events = responsesEvents('resp_w1', [{ kind: 'text', id: 'msg_w1', deltas: ['Found ', 'it.'] }], { type: 'completed', usage: usage(20, 3) });
  // A web search item first, then the text item (its output_index shifted by one), then an empty terminal response.
  const shifted = events.map((e) => (typeof e.output_index === 'number' ? { ...e, output_index: e.output_index + 1 } : e));
  const last = shifted.at(-1)!;
  const wire = responsesWire([
    ...shifted.slice(0, 2),
    { type: 'response.output_item.added', output_index: 0, item: { ...searchItem, status: 'in_progress' } },
    { type: 'response.output_item.done', output_index: 0, item: searchItem },
    ...shifted.slice(2, -1),
    { ...last, response: { ...(last.response as Json), output: [] } },
  ]);

  it('is assembled with the streamed items: the text, and the search billed', () => {
    const r = assemble(responsesSpec, wire);
    expect(r.complete).toBe(true);
    expect((r.body.output as Json[]).map((o) => o.type)).toEqual(['web_search_call', 'message']);
    expect(responsesSpec.outputText!(r.body)).toBe('Found it.');
    expect(responsesSpec.usage(r.body)).toMatchObject({ inputTokens: 20, outputTokens: 3, webSearches: 1 });
    expect(r.body.usage).toEqual(usage(20, 3));
  });
});

describe('a Responses stream ending in response.incomplete (bug 2)', () => {
  const events = responsesEvents('resp_inc', [{ kind: 'text', id: 'msg_inc', deltas: ['The answer ', 'was cut at ', 'the limit'] }], {
    type: 'incomplete',
    usage: usage(12, 16),
    extra: { incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 16 },
  });
  const wire = responsesWire(events);

  it('is a complete answer with its body and usage, not an error', () => {
    const r = assemble(responsesSpec, wire);
    expect(r.error).toBeUndefined();
    expect(r.complete).toBe(true);
    expect(r.body).toEqual(events.at(-1)!.response);
    expect(responsesSpec.usage(r.body)).toMatchObject({ inputTokens: 12, outputTokens: 16 });
  });

  it('replays ending in response.incomplete, and the SDK sees the same final response', async () => {
    const body = assemble(responsesSpec, wire).body;
    const replay = replayText(responsesSpec, body);
    const [miss, hit] = [await sdkEvents<ResponseStreamEvent>(wire), await sdkEvents<ResponseStreamEvent>(replay)];
    expect(hit.at(-1)?.type).toBe('response.incomplete');
    expect(hit.some((e) => e.type === 'response.completed')).toBe(false);
    expect(eventShape(hit)).toEqual(eventShape(miss));
    expect(accumulated(hit)).toEqual(accumulated(miss));
    expect(assemble(responsesSpec, replay)).toEqual({ body, complete: true, error: undefined });
  });

  it('a completed answer still replays ending in response.completed', () => {
    const completed = responsesEvents('resp_ok', [{ kind: 'text', id: 'msg_ok', deltas: ['Fine.'] }], { type: 'completed', usage: usage(5, 2) });
    const frames = responsesSpec.replay!(assemble(responsesSpec, responsesWire(completed)).body, { includeUsage: false });
    expect(frames.at(-1)).toMatch(/^event: response\.completed\n/);
  });
});

describe('streamed chat logprobs (bug 3)', () => {
  const wire = chatLogprobsWire(true);

  it('are assembled whole: every chunk adds its tokens', () => {
    const r = assemble(chatSpec, wire);
    const choice = (r.body.choices as Json[])[0]!;
    expect(choice.logprobs).toEqual({ content: [lp('Hello', -0.01), lp(' world', -0.5)], refusal: null });
  });

  it('are replayed a token a chunk, as the SDK saw them on the miss', async () => {
    const body = assemble(chatSpec, wire).body;
    const miss = await sdkEvents<ChatCompletionChunk>(wire);
    const hit = await sdkEvents<ChatCompletionChunk>(replayText(chatSpec, body, true));
    expect(chatTokens(miss)).toEqual(['Hello', ' world']);
    expect(chatTokens(hit)).toEqual(chatTokens(miss));
    const logprobsOf = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.map((ch) => [ch.delta.content ?? null, ch.logprobs]));
    expect(logprobsOf(hit)).toEqual(logprobsOf(miss));
    expect(assemble(chatSpec, replayText(chatSpec, body, true)).body).toEqual(body);
  });

  it('a refusal keeps its own logprobs; tokens that do not spell the text go in one chunk', async () => {
    const body: Json = {
      id: 'chatcmpl-R',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'é!', refusal: 'No.' },
          logprobs: { content: [lp('\\xc3', -1), lp('\\xa9', -1), lp('!', -0.1)], refusal: [lp('No', -0.2), lp('.', -0.3)] },
          finish_reason: 'stop',
        },
      ],
    };
    const hit = await sdkEvents<ChatCompletionChunk>(replayText(chatSpec, body));
    expect(hit.map((c) => c.choices[0]?.logprobs?.refusal?.map((l) => l.token) ?? null).filter(Boolean)).toEqual([['No'], ['.']]);
    expect(hit.filter((c) => c.choices[0]?.delta.content === 'é!')).toHaveLength(1);
    expect(assemble(chatSpec, replayText(chatSpec, body)).body.choices).toEqual(body.choices);
  });
});

describe('replayed Responses events per output item (bug 4)', () => {
  it('a function call streams its arguments as on the miss', async () => {
    const events = responsesEvents(
      'resp_tool',
      [
        { kind: 'text', id: 'msg_t', deltas: ['Let me ', 'check.'] },
        { kind: 'call', id: 'fc_t', callId: 'call_t', name: 'get_weather', deltas: ARG_DELTAS },
      ],
      { type: 'completed', usage: usage(40, 30) },
    );
    const wire = responsesWire(events);
    const body = assemble(responsesSpec, wire).body;
    const [miss, hit] = [await sdkEvents<ResponseStreamEvent>(wire), await sdkEvents<ResponseStreamEvent>(replayText(responsesSpec, body))];
    expect(eventShape(hit)).toEqual(eventShape(miss));
    const args = (es: ResponseStreamEvent[]) => es.flatMap((e) => (e.type === 'response.function_call_arguments.delta' ? [e.delta] : [])).join('');
    expect(args(hit)).toBe(ARG_DELTAS.join(''));
    const doneEvent = hit.find((e) => e.type === 'response.function_call_arguments.done');
    expect(doneEvent).toMatchObject({ item_id: 'fc_t', output_index: 1, name: 'get_weather', arguments: ARG_DELTAS.join('') });
    expect(hit.map((e) => e.sequence_number)).toEqual(hit.map((_, i) => i));
    expect(accumulated(hit)).toEqual(accumulated(miss));
  });

  it('refusals, reasoning, annotations and tool progress: each item with its events, and the SDK rebuilds the body', async () => {
    const body = responseObject(
      'resp_mix',
      'completed',
      [
        { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thought about it.' }], content: [{ type: 'reasoning_text', text: 'step 1, step 2' }] },
        { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'weather' } },
        {
          id: 'msg_m',
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'See [1].', annotations: [{ type: 'url_citation', start_index: 4, end_index: 7, url: 'https://example.com', title: 'Ex' }], logprobs: [] },
            { type: 'refusal', refusal: 'I cannot say more.' },
          ],
        },
        { id: 'ctc_1', type: 'custom_tool_call', call_id: 'call_c', name: 'run', input: 'print(1)' },
      ],
      { usage: usage(10, 50) },
    );
    const hit = await sdkEvents<ResponseStreamEvent>(replayText(responsesSpec, body));
    const types = hit.map((e) => e.type);
    for (const t of [
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_part.done',
      'response.reasoning_text.delta',
      'response.web_search_call.in_progress',
      'response.web_search_call.searching',
      'response.web_search_call.completed',
      'response.output_text.annotation.added',
      'response.refusal.delta',
      'response.refusal.done',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
    ] as const) {
      expect(types).toContain(t);
    }
    const refusalAdded = hit.find((e) => e.type === 'response.content_part.added' && e.content_index === 1);
    expect(refusalAdded).toMatchObject({ item_id: 'msg_m', output_index: 2, part: { type: 'refusal', refusal: '' } });
    for (const e of hit) {
      if ('output_index' in e && 'item_id' in e) expect(e.item_id).toBe((body.output as Json[])[e.output_index]!.id);
    }
    const { output_text: _sdkOnly, ...rebuilt } = accumulated(hit);
    expect(rebuilt).toEqual(body);
    expect(assemble(responsesSpec, replayText(responsesSpec, body)).body).toEqual(body);
  });
});

// ---------------------------------------------------------------------------------------------
// Through the proxy: the openai SDK against the proxy against an upstream in the wire format

describe('through the proxy with the openai SDK', () => {
  let upstream: Server;
  let h: Harness;
  let client: OpenAI;
  let upstreamCalls = 0;

  /** Each scenario is named by the request's input (Responses) or last message (chat). */
  function serve(scenario: string, stream: boolean): { body: string | Uint8Array; thenCut?: boolean; error?: string; json?: boolean } {
    switch (scenario) {
      case 'bom': // a JSON answer that starts with a UTF-8 byte order mark (fetch's json() and Python's json.loads skip it)
        return { body: `\uFEFF${JSON.stringify(responseObject('resp_b1', 'completed', [{ id: 'msg_b1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], text: 'Marked.' }] }], { usage: usage(5, 2) }))}`, json: true };
      case 'empty-completed': {
        // ChatGPT's Codex backend and several gateways stream the items, then a response.completed
        // whose `output` is empty: the answer is in the item events only.
        const events = responsesEvents('resp_e1', [{ kind: 'text', id: 'msg_e1', deltas: ['Only in ', 'the events.'] }], { type: 'completed', usage: usage(6, 3) });
        const last = events.at(-1)!;
        events[events.length - 1] = { ...last, response: { ...(last.response as Json), output: [] } };
        return { body: responsesWire(events) };
      }
      case 'unterminated': // the gateway closes right after response.completed's data line, without the blank line
        return { body: responsesWire(responsesEvents('resp_u1', [{ kind: 'text', id: 'msg_u1', deltas: ['All ', 'of it.'] }], { type: 'completed', usage: usage(8, 4) })).replace(/\n\n$/, '') };
      case 'done-unterminated': // a chat stream whose `data: [DONE]` ends the body without its blank line
        return { body: chatLogprobsWire(true).replace(/\n\n$/, '') };
      case 'cut-character': {
        // Every choice finished and the usage came, but the body ends two bytes into a three-byte
        // character: the upstream stopped in the middle of sending something.
        const text = chatLogprobsWire(true).replace(/data: \[DONE\]\n\n$/, '');
        return { body: Buffer.concat([utf8.encode(text), Buffer.from([0xe2, 0x82])]) };
      }
      case 'json-cut': // a JSON answer that ends in the middle of its text
        return { body: `{"id":"resp_j","object":"response","status":"completed","model":"${MODEL}","output":[{"id":"msg_j","type":"message","role":"assistant","content":[{"type":"output_text","annotations":[],"text":"${LONG_TEXT}`, json: true };
      case 'cut-error': {
        const events = responsesEvents('resp_p1', [{ kind: 'text', id: 'msg_p1', deltas: LONG_DELTAS }], { type: 'cut', cutAfter: 200 });
        return { body: responsesWire(events) + inbandError(events.length) };
      }
      case 'cut-reset':
        return { body: responsesWire(responsesEvents('resp_p2', [{ kind: 'text', id: 'msg_p2', deltas: LONG_DELTAS }], { type: 'cut', cutAfter: 200 })), thenCut: true };
      case 'incomplete':
        return {
          body: responsesWire(
            responsesEvents('resp_p3', [{ kind: 'text', id: 'msg_p3', deltas: ['Sixteen tokens ', 'and then ', 'the limit'] }], {
              type: 'incomplete',
              usage: usage(12, 16),
              extra: { incomplete_details: { reason: 'max_output_tokens' }, max_output_tokens: 16 },
            }),
          ),
        };
      case 'tool':
        return {
          body: responsesWire(
            responsesEvents(
              'resp_p4',
              [
                { kind: 'text', id: 'msg_p4', deltas: ['Let me ', 'check.'] },
                { kind: 'call', id: 'fc_p4', callId: 'call_p4', name: 'get_weather', deltas: ARG_DELTAS },
              ],
              { type: 'completed', usage: usage(40, 30) },
            ),
          ),
        };
      case 'logprobs':
        if (stream) return { body: chatLogprobsWire(true) };
        return { body: '', error: 'the JSON request should have been a cache hit' };
      default:
        return { body: '', error: `unknown scenario ${scenario}` };
    }
  }

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => {
        raw += c.toString();
      });
      req.on('end', () => {
        upstreamCalls++;
        const body = JSON.parse(raw) as Json;
        const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
        const scenario = String(typeof body.input === 'string' ? body.input : (messages.at(-1)?.content ?? '')).split(' ')[0]!;
        const out = serve(scenario, body.stream === true);
        if (out.error) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: out.error, type: 'server_error' } }));
          return;
        }
        res.writeHead(200, { 'content-type': out.json ? 'application/json' : 'text/event-stream' });
        res.write(out.body, () => {
          if (out.thenCut) setTimeout(() => res.socket?.destroy(), 20);
          else res.end();
        });
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    h = await startHarness({}, { openai: { baseUrl: `http://127.0.0.1:${port}/v1` } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-openai-streams', maxRetries: 0 });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  type Row = ReturnType<Harness['proxy']['services']['ledger']['page']>['calls'][number];
  async function rowWhere(pred: (r: Row) => boolean): Promise<Row> {
    for (let i = 0; i < 300; i++) {
      const row = h.proxy.services.ledger.page({}, 20).calls.find(pred);
      if (row) return row;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('ledger row never appeared');
  }

  /** The events the SDK yields for a streamed Responses request (and whether the stream threw). */
  async function responsesStream(input: string, extra: Json = {}) {
    const { data, response } = await client.responses.create({ model: 'gpt-4.1-mini', input, stream: true, ...extra }).withResponse();
    const events: ResponseStreamEvent[] = [];
    let threw: unknown;
    try {
      for await (const e of data) events.push(e);
    } catch (err) {
      threw = err;
    }
    return { events, threw, cache: response.headers.get('x-tollgate-cache') };
  }

  const streamedText = (events: ResponseStreamEvent[]) => events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');

  it('bills the streamed output of a Responses stream cut by an error event or a reset (bug 1)', async () => {
    for (const scenario of ['cut-error', 'cut-reset']) {
      const r = await responsesStream(`${scenario} please`);
      expect(streamedText(r.events)).toBe(LONG_TEXT);
      const row = await rowWhere((c) => c.promptPreview?.startsWith(scenario) === true);
      expect(row.status).toBe(502);
      expect(row.errorType).toBe(scenario === 'cut-error' ? 'server_error' : 'upstream_reset');
      expect(row.tokensEstimated).toBe(true);
      // 1,490 characters of "tokNNN " are a few hundred tokens, not 0.
      expect(row.outputTokens).toBeGreaterThan(200);
    }
  });

  it('bills the text of a Responses JSON answer that ends in the middle (the estimate reads its fragments)', async () => {
    await expect(client.responses.create({ model: 'gpt-4.1-mini', input: 'json-cut please' })).rejects.toThrow();
    const row = await rowWhere((c) => c.promptPreview?.startsWith('json-cut') === true);
    expect(row).toMatchObject({ status: 502, errorType: 'upstream_error', tokensEstimated: true });
    expect(row.outputTokens).toBeGreaterThan(200);
  });

  it('records a response.incomplete stream as a 200, caches it, and replays it ending in response.incomplete (bug 2)', async () => {
    const miss = await responsesStream('incomplete answer', { max_output_tokens: 16 });
    expect(miss.threw).toBeUndefined();
    const row = await rowWhere((c) => c.promptPreview?.startsWith('incomplete') === true);
    expect(row).toMatchObject({ status: 200, cache: 'miss', outputTokens: 16, tokensEstimated: false });
    expect(row.errorType ?? undefined).toBeUndefined();
    const calls = upstreamCalls;
    const hit = await responsesStream('incomplete answer', { max_output_tokens: 16 });
    expect(hit.cache).toBe('exact');
    expect(upstreamCalls).toBe(calls);
    expect(hit.events.at(-1)?.type).toBe('response.incomplete');
    expect(eventShape(hit.events)).toEqual(eventShape(miss.events));
    expect(accumulated(hit.events)).toEqual(accumulated(miss.events));
  });

  it('a stream hit and a JSON hit give the logprobs the stream miss gave (bug 3)', async () => {
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'logprobs please' }], logprobs: true };
    const collect = async () => {
      const { data, response } = await client.chat.completions.create({ ...params, stream: true }).withResponse();
      const chunks: ChatCompletionChunk[] = [];
      for await (const c of data) chunks.push(c);
      return { chunks, cache: response.headers.get('x-tollgate-cache') };
    };
    const miss = await collect();
    expect(miss.cache).toBe('miss');
    expect(chatTokens(miss.chunks)).toEqual(['Hello', ' world']);
    await rowWhere((c) => c.promptPreview?.startsWith('logprobs') === true && c.cache === 'miss');
    const hit = await collect();
    expect(hit.cache).toBe('exact');
    expect(chatTokens(hit.chunks)).toEqual(['Hello', ' world']);
    const json = await client.chat.completions.create(params).withResponse();
    expect(json.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(json.data.choices[0]?.logprobs?.content?.map((l) => l.token)).toEqual(['Hello', ' world']);
  });

  it('a replayed Responses stream has the function-call argument events of the miss (bug 4)', async () => {
    const miss = await responsesStream('tool call');
    await rowWhere((c) => c.promptPreview?.startsWith('tool') === true && c.cache === 'miss');
    const hit = await responsesStream('tool call');
    expect(hit.cache).toBe('exact');
    expect(eventShape(hit.events)).toEqual(eventShape(miss.events));
    expect(hit.events.filter((e) => e.type === 'response.function_call_arguments.delta').length).toBeGreaterThan(0);
    expect(accumulated(hit.events)).toEqual(accumulated(miss.events));
  });
  it('an event the upstream ends the body with, without its blank line, reaches the client whole and completes the answer', async () => {
    // The SSE spec drops such an event and this SDK version does too: relayed as it came, the
    // client never saw response.completed, and Tollgate called the stream cut (502, not cached).
    const miss = await responsesStream('unterminated ending');
    expect(miss.threw).toBeUndefined();
    expect(miss.events.at(-1)?.type).toBe('response.completed');
    expect(streamedText(miss.events)).toBe('All of it.');
    const row = await rowWhere((c) => c.promptPreview?.startsWith('unterminated') === true);
    expect(row).toMatchObject({ status: 200, cache: 'miss', inputTokens: 8, outputTokens: 4, tokensEstimated: false });
    const calls = upstreamCalls;
    const hit = await responsesStream('unterminated ending');
    expect(hit.cache).toBe('exact');
    expect(upstreamCalls).toBe(calls);
    expect(accumulated(hit.events)).toEqual(accumulated(miss.events));
  });

  it('a chat stream ending in `data: [DONE]` without its blank line is whole', async () => {
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'done-unterminated please' }], stream: true })) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello world');
    const row = await rowWhere((c) => c.promptPreview?.startsWith('done-unterminated') === true);
    expect(row).toMatchObject({ status: 200, inputTokens: 9, outputTokens: 2 });
    expect(row.errorType ?? undefined).toBeUndefined();
  });

  it('a stream whose body ends in the middle of a character is cut short: not a clean end, not cached', async () => {
    const ask = async () => {
      const chunks: ChatCompletionChunk[] = [];
      let threw: unknown;
      try {
        for await (const c of await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cut-character please' }], stream: true })) chunks.push(c);
      } catch (err) {
        threw = err;
      }
      return { chunks, threw };
    };
    const first = await ask();
    expect(String(first.threw)).toMatch(/incomplete/);
    const row = await rowWhere((c) => c.promptPreview?.startsWith('cut-character') === true);
    expect(row).toMatchObject({ status: 502, errorType: 'incomplete_stream' });
    const calls = upstreamCalls;
    await ask();
    expect(upstreamCalls).toBe(calls + 1);
  });
  it('a JSON answer that starts with a byte order mark is an answer, as the SDKs read it', async () => {
    const first = await client.responses.create({ model: 'gpt-4.1-mini', input: 'bom please' }).withResponse();
    expect(first.data.output_text).toBe('Marked.');
    const row = await rowWhere((c) => c.promptPreview?.startsWith('bom') === true);
    expect(row).toMatchObject({ status: 200, inputTokens: 5, outputTokens: 2, tokensEstimated: false });
    const hit = await client.responses.create({ model: 'gpt-4.1-mini', input: 'bom please' }).withResponse();
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(hit.data.output_text).toBe('Marked.');
  });
  it('a response.completed with an empty output keeps the streamed items: the cache replays the answer, not nothing', async () => {
    const miss = await responsesStream('empty-completed answer');
    expect(miss.threw).toBeUndefined();
    expect(streamedText(miss.events)).toBe('Only in the events.');
    const row = await rowWhere((c) => c.promptPreview?.startsWith('empty-completed') === true);
    expect(row).toMatchObject({ status: 200, inputTokens: 6, outputTokens: 3 });
    const hit = await responsesStream('empty-completed answer');
    expect(hit.cache).toBe('exact');
    expect(streamedText(hit.events)).toBe('Only in the events.');
    const json = await client.responses.create({ model: 'gpt-4.1-mini', input: 'empty-completed answer' }).withResponse();
    expect(json.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(json.data.output_text).toBe('Only in the events.');
  });
});
