/**
 * Through the real proxy with the official SDKs, against a raw upstream speaking the providers'
 * wire formats: a 200 answer that is empty, stopped by a content filter, a refusal, or a tool call
 * cut by the output limit is relayed to the caller but never stored, so the same request asked
 * again goes to the provider (which may answer it) instead of replaying it until the entry
 * expires. Text cut by the output limit is what the provider returns again for the same limit: it
 * is stored. The ledger keeps one row per call either way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { rawUpstream, type RawUpstream } from '../../support/rawUpstream';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_q, res) => res.end();
let upstreamCalls = 0;
let upstream: RawUpstream;
let h: Harness;
let oa: OpenAI;
let an: Anthropic;

beforeAll(async () => {
  upstream = await rawUpstream((req, res) => {
    upstreamCalls += 1;
    handler(req, res);
  });
  const base = upstream.origin;
  h = await startHarness({ retries: { attempts: 0 } }, { openai: { baseUrl: `${base}/v1` }, anthropic: { baseUrl: base } });
  oa = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-unstorable', maxRetries: 0 });
  an = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-unstorable', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

let seq = 0;
const prompt = (label: string) => `${label} #${++seq} ${process.pid}`;

function json(res: ServerResponse, body: unknown, requestIdHeader: string): void {
  res.writeHead(200, { 'content-type': 'application/json', [requestIdHeader]: `req_${upstreamCalls}` });
  res.end(JSON.stringify(body));
}

const chatBody = (choices: unknown[]) => ({ id: `chatcmpl-${upstreamCalls}`, object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o-mini', choices, usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } });
const choice = (message: Record<string, unknown>, finish_reason: string) => ({ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, logprobs: null, finish_reason });
const messageBody = (content: unknown[], stop_reason: string) => ({ id: `msg_${upstreamCalls}`, type: 'message', role: 'assistant', model: 'claude-haiku-4-5-20251001', content, stop_reason, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 4 } });

/** Sends the same chat request twice; returns each answer's x-tollgate-cache and how many reached the upstream. */
async function chatTwice(label: string, answer: () => unknown, extra: Record<string, unknown> = {}) {
  handler = (_q, res) => json(res, answer(), 'x-request-id');
  const p = prompt(label);
  const before = upstreamCalls;
  const cache: Array<string | null> = [];
  for (let i = 0; i < 2; i++) {
    const { data, response } = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }], max_tokens: 30, ...extra }).withResponse();
    expect(data.object).toBe('chat.completion');
    cache.push(response.headers.get('x-tollgate-cache'));
  }
  return { cache, upstream: upstreamCalls - before };
}

async function messageTwice(label: string, answer: () => unknown) {
  handler = (_q, res) => json(res, answer(), 'request-id');
  const p = prompt(label);
  const before = upstreamCalls;
  const cache: Array<string | null> = [];
  for (let i = 0; i < 2; i++) {
    const { response } = await an.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 30, messages: [{ role: 'user', content: p }] }).withResponse();
    cache.push(response.headers.get('x-tollgate-cache'));
  }
  return { cache, upstream: upstreamCalls - before };
}

const entries = () => (h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM cache_entries').get() as { n: number }).n;

describe('OpenAI chat answers that are relayed but not stored', () => {
  it.each([
    ['no choices', () => chatBody([])],
    ['stopped by the content filter', () => chatBody([choice({}, 'content_filter')])],
    ['partly written, then filtered', () => chatBody([choice({ content: 'Step one is to' }, 'content_filter')])],
    ['a refusal', () => chatBody([choice({ refusal: "I'm sorry, I can't help with that." }, 'stop')])],
    ['a tool call cut by max_tokens', () => chatBody([choice({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Par' } }] }, 'length')])],
    ['empty text', () => chatBody([choice({ content: '' }, 'stop')])],
  ])('%s: asked again, it goes to the provider', async (label, answer) => {
    const stored = entries();
    expect(await chatTwice(label, answer)).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
    expect(entries()).toBe(stored);
  });

  it('text cut by max_tokens, a whole tool call cut after it, and n > 1 are stored and replayed', async () => {
    expect(await chatTwice('cut text', () => chatBody([choice({ content: 'Once upon a' }, 'length')]))).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
    const wholeCall = () => chatBody([choice({ tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, 'length')]);
    expect(await chatTwice('whole tool call', wholeCall)).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
    const two = () => chatBody([0, 1].map((index) => ({ ...choice({ content: `answer ${index}` }, 'stop'), index })));
    expect(await chatTwice('two choices', two, { n: 2 })).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
  });
});

describe('Anthropic messages that are relayed but not stored', () => {
  it.each([
    ['an empty content list', () => messageBody([], 'end_turn')],
    ['a refusal (stop_reason refusal)', () => messageBody([{ type: 'text', text: 'I can help with the first part, but' }], 'refusal')],
    ['a tool_use block cut by max_tokens', () => messageBody([{ type: 'text', text: 'Let me look that up.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }], 'max_tokens')],
  ])('%s: asked again, it goes to the provider', async (label, answer) => {
    expect(await messageTwice(label, answer)).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
  });

  it('text cut by max_tokens is stored and replayed', async () => {
    expect(await messageTwice('cut text', () => messageBody([{ type: 'text', text: 'Once upon' }], 'max_tokens'))).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
  });

  it('a streamed tool_use cut by max_tokens (its input JSON unfinished) is not stored as a call with empty input', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${upstreamCalls}` });
      const ev = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      ev('message_start', { message: { ...messageBody([], null as unknown as string), usage: { input_tokens: 12, output_tokens: 1 } } });
      ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} } });
      ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"city": "Par' } });
      ev('content_block_stop', { index: 0 });
      ev('message_delta', { delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 30 } });
      ev('message_stop', {});
      res.end();
    };
    const p = prompt('streamed cut tool');
    const before = upstreamCalls;
    const cache: Array<string | null> = [];
    for (let i = 0; i < 2; i++) {
      const stream = an.messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 30, messages: [{ role: 'user', content: p }], tools: [{ name: 'get_weather', input_schema: { type: 'object' } }] });
      const final = await stream.finalMessage().catch(() => undefined);
      if (final) expect(final.stop_reason).toBe('max_tokens');
      cache.push((await stream.withResponse()).response.headers.get('x-tollgate-cache'));
    }
    expect({ cache, upstream: upstreamCalls - before }).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
  });
});

describe('Responses API answers that are relayed but not stored', () => {
  const responseBody = (status: string, reason: string | null, output: unknown[]) => ({
    id: `resp_${upstreamCalls}`,
    object: 'response',
    created_at: 1_700_000_000,
    status,
    incomplete_details: reason ? { reason } : null,
    model: 'gpt-4o-mini',
    output,
    usage: { input_tokens: 12, output_tokens: 4, total_tokens: 16 },
  });
  const text = (t: string) => ({ type: 'message', id: 'msg_1', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: t, annotations: [] }] });

  async function responsesTwice(label: string, answer: () => unknown) {
    handler = (_q, res) => json(res, answer(), 'x-request-id');
    const p = prompt(label);
    const before = upstreamCalls;
    const cache: Array<string | null> = [];
    for (let i = 0; i < 2; i++) cache.push((await oa.responses.create({ model: 'gpt-4o-mini', input: p }).withResponse()).response.headers.get('x-tollgate-cache'));
    return { cache, upstream: upstreamCalls - before };
  }

  it('incomplete by the content filter, a refusal, or no output: not stored', async () => {
    expect(await responsesTwice('filtered', () => responseBody('incomplete', 'content_filter', [text('Step one')]))).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
    const refusal = { type: 'message', id: 'msg_2', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] };
    expect(await responsesTwice('refused', () => responseBody('completed', null, [refusal]))).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
    expect(await responsesTwice('no output', () => responseBody('completed', null, []))).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
  });

  it('incomplete by max_output_tokens: stored, as the same limit cuts it again', async () => {
    expect(await responsesTwice('cut by limit', () => responseBody('incomplete', 'max_output_tokens', [text('Once upon')]))).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
  });
});

it('every call, stored or not, is one ledger row with the upstream usage', () => {
  const rows = h.proxy.services.db.prepare("SELECT COUNT(*) AS n, SUM(input_tokens = 12) AS usage FROM calls WHERE cache = 'miss'").get() as { n: number; usage: number };
  expect(rows.n).toBeGreaterThan(0);
  expect(rows.usage).toBe(rows.n);
});

it('an entry such an answer left from an earlier version is not replayed, and is dropped', async () => {
  handler = (_q, res) => json(res, chatBody([choice({ content: 'A whole answer.' }, 'stop')]), 'x-request-id');
  const p = prompt('stored before the upgrade');
  const ask = async () => (await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: p }] }).withResponse()).response.headers.get('x-tollgate-cache');
  expect(await ask()).toBe('miss');
  // As an earlier version stored it: the same key, a content-filtered answer.
  const db = h.proxy.services.db;
  const id = (db.prepare('SELECT id FROM cache_entries WHERE instr(prompt, ?) > 0').get(p) as { id: number }).id;
  db.prepare('UPDATE cache_entries SET body = ?, checked_under = NULL WHERE id = ?').run(JSON.stringify(chatBody([choice({}, 'content_filter')])), id);
  const before = upstreamCalls;
  expect(await ask()).toBe('miss');
  expect(upstreamCalls).toBe(before + 1);
  expect(db.prepare('SELECT COUNT(*) AS n FROM cache_entries WHERE id = ?').get(id)).toEqual({ n: 0 });
  expect(await ask()).toBe('exact');
});
