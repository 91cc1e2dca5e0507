/**
 * Answers nested deeper than JSON.stringify can recurse: legal JSON, which JSON.parse (and so the
 * SDKs) read, but which serialising fails on with a RangeError. Neither may cost the client:
 *  - a JSON answer that deep is relayed but not cached: a stream replay of it cannot be built, so
 *    an entry would send every later streaming request upstream (billed) while it stayed;
 *  - a stream whose usage member Tollgate takes out (it asked for usage the client did not) is
 *    relayed whole: the member is removed from the chunk's text, not by serialising the chunk again
 *    (which failed mid-relay on such a chunk);
 *  - a Responses stream whose output item nests that deep is relayed whole (the assembler copied
 *    each item, recursively, and the stream ended in an error event of Tollgate's own).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataFrames, sendSse } from '../support/sseWriter';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';
import { rowsFor, startRig, uniq, type Rig } from './support';

const MODEL = 'gpt-4o-mini';
/** Far past any stack JSON.stringify recurses on (it fails near 5,000 levels under Node's default stack). */
const DEPTH = 200_000;
const deep = `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
const calls: Array<{ stream: boolean; prompt: string }> = [];
let upstream: RawUpstream;
let rig: Rig;

const STREAM_BASE = { id: 'chatcmpl-deep', object: 'chat.completion.chunk', created: 1_700_000_000, model: MODEL };
/** A chunk as OpenAI sends it when usage was asked for: `"usage":null` last. */
const streamChunk = (delta: Record<string, unknown>, finish: string | null): string => JSON.stringify({ ...STREAM_BASE, choices: [{ index: 0, delta, finish_reason: finish }], usage: null });

type Body = { model?: string; stream?: boolean; messages?: Array<{ content: string }>; input?: string };

/** A Responses API stream whose function_call item carries a provider field nested deep (the rest as OpenAI sends it). */
function responsesStream(res: ServerResponse, model: string): void {
  const item = { id: 'fc_deep', type: 'function_call', status: 'completed', call_id: 'call_deep', name: 'lookup', arguments: '{"q":"x"}' };
  const response = { id: 'resp_deep', object: 'response', created_at: 1_700_000_000, model, status: 'completed', output: [item], usage: { input_tokens: 9, output_tokens: 5, total_tokens: 14 } };
  const event = (data: Record<string, unknown>, tail = ''): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data).slice(0, tail ? -1 : undefined)}${tail}\n\n`;
  const deepItem = `${JSON.stringify(item).slice(0, -1)},"provider_trace":${deep}}`;
  sendSse(
    res,
    [
      event({ type: 'response.created', sequence_number: 0, response: { ...response, status: 'in_progress', output: [], usage: null } }),
      event({ type: 'response.output_item.added', sequence_number: 1, output_index: 0 }, `,"item":${deepItem}}`),
      event({ type: 'response.output_item.done', sequence_number: 2, output_index: 0, item }),
      event({ type: 'response.completed', sequence_number: 3, response }),
    ].join(''),
  );
}

/** OpenAI's wire: a chat completion with a nested provider field, or a stream (`usage: null` in each chunk, as with include_usage). */
function answer(_req: IncomingMessage, res: ServerResponse, body: Body): void {
  const prompt = body.messages?.at(-1)?.content ?? body.input ?? '';
  calls.push({ stream: body.stream === true, prompt });
  if (body.input !== undefined) {
    responsesStream(res, String(body.model));
    return;
  }
  const base = { id: 'chatcmpl-deep', created: 1_700_000_000, model: String(body.model) };
  const usage = { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 };
  if (body.stream !== true) {
    const head = JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `json answer to ${prompt}` }, finish_reason: 'stop' }], usage });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${head.slice(0, -1)},"provider_trace":${deep}}`);
    return;
  }
  const first = streamChunk({ role: 'assistant', content: 'streamed ' }, null);
  // A provider field nested deep in the first chunk, for prompts that ask for it.
  const firstFrame = prompt.includes('deep chunk') ? `data: ${first.slice(0, -1)},"provider_trace":${deep}}` : `data: ${first}`;
  const rest = [streamChunk({ content: 'answer' }, null), streamChunk({}, 'stop')].map((c) => `data: ${c}\n\n`).join('');
  sendSse(res, `${firstFrame}\n\n${rest}${dataFrames([{ ...STREAM_BASE, choices: [], usage }])}`);
}

beforeAll(async () => {
  upstream = await rawUpstream<Body>(answer);
  rig = await startRig({ openai: { baseUrl: `${upstream.origin}/v1` } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await upstream?.close();
});

it('a deeply nested JSON answer is relayed but not cached: asked again, as JSON or as a stream, it goes upstream', async () => {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-deep-answers' });
  const prompt = uniq('cached deep');
  const messages = [{ role: 'user' as const, content: prompt }];
  const json = await oa.chat.completions.create({ model: MODEL, messages });
  expect(json.choices[0]?.message.content).toBe(`json answer to ${prompt}`);
  const again = await oa.chat.completions.create({ model: MODEL, messages }).withResponse();
  expect(again.response.headers.get('x-tollgate-cache')).toBe('miss');
  expect(again.data.choices[0]?.message.content).toBe(`json answer to ${prompt}`);

  const { data: chunks, response } = await oa.chat.completions.create({ model: MODEL, stream: true, messages }).withResponse();
  let text = '';
  for await (const c of chunks) text += c.choices[0]?.delta.content ?? '';
  expect(text).toBe('streamed answer');
  expect(response.headers.get('x-tollgate-cache')).toBe('miss');
  expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))).toMatchObject([{ status: 200, cache: 'miss', input_tokens: 11, output_tokens: 4 }]);
  expect(calls.filter((c) => c.prompt === prompt)).toEqual([
    { stream: false, prompt },
    { stream: false, prompt },
    { stream: true, prompt },
  ]);
});

it('a deeply nested chunk of a stream whose usage Tollgate takes out arrives intact, without the usage', async () => {
  const prompt = uniq('deep chunk');
  const res = await fetch(`${rig.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-deep-answers' },
    body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  const text = await res.text();
  const frames = text.split('\n\n');
  expect(frames[0]).toBe(`data: ${streamChunk({ role: 'assistant', content: 'streamed ' }, null).slice(0, -',"usage":null}'.length)},"provider_trace":${deep}}`);
  expect(frames.slice(1)).toEqual([`data: ${streamChunk({ content: 'answer' }, null).replace(',"usage":null', '')}`, `data: ${streamChunk({}, 'stop').replace(',"usage":null', '')}`, 'data: [DONE]', '']);
  expect(rowsFor(rig.proxy, res.headers.get('x-tollgate-request-id'))).toMatchObject([{ status: 200, cache: 'miss', input_tokens: 11, output_tokens: 4 }]);
});

it('a Responses stream whose output item nests deep reaches the SDK whole, and its row has the usage', async () => {
  const oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-deep-answers' });
  const { data: events, response } = await oa.responses.create({ model: MODEL, input: uniq('deep item'), stream: true }).withResponse();
  const types: string[] = [];
  for await (const e of events) types.push(e.type);
  expect(types).toEqual(['response.created', 'response.output_item.added', 'response.output_item.done', 'response.completed']);
  expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))).toMatchObject([{ status: 200, error_type: null, input_tokens: 9, output_tokens: 5 }]);
});
