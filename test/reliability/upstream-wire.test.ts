/**
 * Upstream wire variants real OpenAI-compatible servers and load balancers produce, through the
 * real OpenAI SDK: a stream that ends after its finish_reason (and usage) chunk without
 * `data: [DONE]` (a whole answer: billed, cached, replayed), a stream closed cleanly mid-answer (the
 * client must be told it is incomplete, not handed the fragment as an answer), and gzip / brotli
 * encoded bodies (JSON, SSE and error bodies) that must be decoded, not reported as invalid.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedCount, rowsFor, startRig, uniq, type Rig } from './support';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';

const MODEL = 'gpt-4o-mini';
type Handler = (req: IncomingMessage, res: ServerResponse, body: { messages?: Array<{ content: string }>; prompt?: string; n?: number }) => void;
let handler: Handler = (_q, res) => res.end();
let upstreamCalls = 0;
let upstream: RawUpstream;
let rig: Rig;
let oa: OpenAI;

beforeAll(async () => {
  upstream = await rawUpstream<Parameters<Handler>[2]>((req, res, body) => {
    upstreamCalls += 1;
    handler(req, res, body);
  });
  rig = await startRig({ policy: { retries: { attempts: 0 } }, openai: { baseUrl: `${upstream.origin}/v1`, idleTimeoutMs: 1_500 } });
  oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-wire-test', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await upstream?.close();
});

const lastUser = (b: { messages?: Array<{ content: string }>; prompt?: string }) => b.messages?.at(-1)?.content ?? b.prompt ?? '';
const chunkBase = { id: 'chatcmpl-wire', object: 'chat.completion.chunk', created: 1_700_000_000, model: MODEL, system_fingerprint: 'fp_wire' };
const frame = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;

/** A chat stream as vLLM-style servers send it: content, finish_reason, usage chunk; `[DONE]` optional. */
function chatStream(res: ServerResponse, text: string, o: { done: boolean; finish: boolean; choices?: number }): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const n = o.choices ?? 1;
  for (let i = 0; i < n; i++) res.write(frame({ ...chunkBase, choices: [{ index: i, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
  for (const word of text.split(' ')) for (let i = 0; i < n; i++) res.write(frame({ ...chunkBase, choices: [{ index: i, delta: { content: `${word} ` }, finish_reason: null }] }));
  // With several choices, "finish" finishes only the first when o.choices > 1 and o.finish is false.
  for (let i = 0; i < n; i++) if (o.finish || i === 0 && n > 1) res.write(frame({ ...chunkBase, choices: [{ index: i, delta: {}, finish_reason: 'stop' }] }));
  // The usage chunk comes after every choice finished (a server closing mid-answer never sends it).
  if (o.finish) res.write(frame({ ...chunkBase, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }));
  res.end(o.done ? 'data: [DONE]\n\n' : undefined);
}

async function streamText(prompt: string, extra: { n?: number } = {}): Promise<{ text: string; requestId: string | null }> {
  const { data, response } = await oa.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }], ...extra }).withResponse();
  let text = '';
  for await (const c of data) text += c.choices[0]?.delta?.content ?? '';
  return { text, requestId: response.headers.get('x-tollgate-request-id') };
}

describe('a chat stream that ends without data: [DONE]', () => {
  it('with finish_reason and usage: a whole answer — 200 row with the upstream usage, cached once, replayed from the cache', async () => {
    handler = (_q, res, body) => chatStream(res, `answer to ${lastUser(body)}`, { done: false, finish: true });
    const prompt = uniq('no done marker');
    const first = await streamText(prompt);
    expect(first.text.trim()).toBe(`answer to ${prompt}`);
    const rows = rowsFor(rig.proxy, first.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, error_type: null, input_tokens: 11, output_tokens: 7, tokens_estimated: 0 });
    expect(rows[0]!.cost_usd).toBeGreaterThan(0);
    expect(cachedCount(rig.proxy, prompt)).toBe(1);

    const before = upstreamCalls;
    const again = await streamText(prompt);
    expect(again.text.trim()).toBe(`answer to ${prompt}`);
    expect(upstreamCalls).toBe(before);
    expect(rowsFor(rig.proxy, again.requestId)[0]).toMatchObject({ status: 200, cache: 'exact' });
  });

  it('legacy completions stream without [DONE] but with finish_reason: 200 row, cached', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const base = { id: 'cmpl-wire', object: 'text_completion', created: 1, model: MODEL };
      res.write(frame({ ...base, choices: [{ text: `done ${lastUser(body)}`, index: 0, logprobs: null, finish_reason: null }] }));
      res.write(frame({ ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'length' }] }));
      res.end(frame({ ...base, choices: [], usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } }));
    };
    const prompt = uniq('legacy no done');
    const { data, response } = await oa.completions.create({ model: MODEL, prompt, stream: true }).withResponse();
    let text = '';
    for await (const c of data) text += c.choices[0]?.text ?? '';
    expect(text).toBe(`done ${prompt}`);
    expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 200, input_tokens: 4, output_tokens: 3 });
    expect(cachedCount(rig.proxy, prompt)).toBe(1);
  });

  it('closed cleanly before any finish_reason: the SDK raises an error (not a silent fragment), 502 incomplete_stream row, not cached', async () => {
    handler = (_q, res, body) => chatStream(res, `partial ${lastUser(body)}`, { done: false, finish: false });
    const prompt = uniq('cut without finish');
    let requestId: string | null = null;
    let received = '';
    const err = await (async () => {
      const { data, response } = await oa.chat.completions.create({ model: MODEL, stream: true, messages: [{ role: 'user', content: prompt }] }).withResponse();
      requestId = response.headers.get('x-tollgate-request-id');
      for await (const c of data) received += c.choices[0]?.delta?.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(received).toContain('partial'); // what arrived was relayed as it came
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).message).toMatch(/incomplete/);
    const rows = rowsFor(rig.proxy, requestId);
    expect(rows).toHaveLength(1);
    // Billed by the provider all the same: tokens estimated from the prompt and what was generated.
    expect(rows[0]).toMatchObject({ status: 502, error_type: 'incomplete_stream', tokens_estimated: 1 });
    expect(rows[0]!.input_tokens).toBeGreaterThan(0);
    expect(rows[0]!.output_tokens).toBeGreaterThan(0);
    expect(cachedCount(rig.proxy, prompt)).toBe(0);
  });

  it('n=2 where only one choice finished: incomplete, not cached', async () => {
    handler = (_q, res, body) => chatStream(res, `two ${lastUser(body)}`, { done: false, finish: false, choices: 2 });
    const prompt = uniq('two choices one cut');
    const r = await fetch(`${rig.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-wire-test' },
      body: JSON.stringify({ model: MODEL, stream: true, n: 2, messages: [{ role: 'user', content: prompt }] }),
    });
    const text = await r.text();
    expect(text).toContain('"type":"incomplete_stream"');
    expect(rowsFor(rig.proxy, r.headers.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 502, error_type: 'incomplete_stream' });
    expect(cachedCount(rig.proxy, prompt)).toBe(0);
  });
});

describe('content-encoded upstream answers', () => {
  const chatJson = (content: string) => ({
    id: 'chatcmpl-z', object: 'chat.completion', created: 1, model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
  });

  it('a gzip JSON answer is decoded: the client gets the answer, billed from its usage, cached', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify(chatJson(`gz ${lastUser(body)}`))));
    };
    const prompt = uniq('gzip json');
    const { data, response } = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe(`gz ${prompt}`);
    expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 200, input_tokens: 9, output_tokens: 4, tokens_estimated: 0 });
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(cachedCount(rig.proxy, prompt)).toBe(1);
  });

  it('a brotli SSE stream is decoded and relayed frame by frame', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'br' });
      const text = `data: ${JSON.stringify({ ...chunkBase, choices: [{ index: 0, delta: { role: 'assistant', content: `br ${lastUser(body)}` }, finish_reason: 'stop' }] })}\n\n${frame({ ...chunkBase, choices: [], usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 } })}data: [DONE]\n\n`;
      res.end(brotliCompressSync(text));
    };
    const prompt = uniq('brotli stream');
    const r = await streamText(prompt);
    expect(r.text).toBe(`br ${prompt}`);
    expect(rowsFor(rig.proxy, r.requestId)[0]).toMatchObject({ status: 200, input_tokens: 8, output_tokens: 2 });
  });

  it("a gzip 429 keeps the provider's error body and type", async () => {
    handler = (_q, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '7' });
      res.end(gzipSync(JSON.stringify({ error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', param: null, code: 'rate_limit_exceeded' } })));
    };
    const err = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('gzip 429') }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.code).toBe('rate_limit_exceeded');
    expect(e.message).toContain('Rate limit reached');
    expect(e.headers?.get('retry-after')).toBe('7');
    expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 429, error_type: 'requests' });
  });

  it('a corrupt gzip body is a clear 502, recorded once', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(Buffer.from('this is not gzip at all'));
    };
    const err = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('bad gzip') }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(502);
    expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'))).toHaveLength(1);
  });
  /** A zstd frame holding `data` as raw blocks (RFC 8878 §3.1.1): what any zstd decoder reads, built without one. */
  function zstdFrame(data: Buffer): Buffer {
    const blocks: Buffer[] = [];
    for (let at = 0; at === 0 || at < data.length; at += 128 * 1024) {
      const part = data.subarray(at, at + 128 * 1024);
      const last = at + 128 * 1024 >= data.length ? 1 : 0;
      const header = (part.length << 3) | last; // block type 0: raw
      blocks.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), part);
    }
    // Magic number; descriptor 0x00: no content size, no checksum, a window descriptor follows (1 MiB).
    return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x50]), ...blocks]);
  }
  const nodeDecodesZstd = 'createZstdDecompress' in zlib;

  it(`a zstd JSON answer is ${nodeDecodesZstd ? 'decoded' : 'a 502 naming the coding, one row with its input estimated, not retried'}`, async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      res.end(zstdFrame(Buffer.from(JSON.stringify(chatJson(`zstd ${lastUser(body)}`)))));
    };
    const prompt = uniq('zstd json');
    const before = upstreamCalls;
    const sdk = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-wire-test' }); // the SDK's default retries
    const got = await sdk.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).withResponse().then(
      (r) => r,
      (e: unknown) => e,
    );
    expect(upstreamCalls - before).toBe(1);
    if (nodeDecodesZstd) {
      const { data, response } = got as { data: OpenAI.ChatCompletion; response: Response };
      expect(data.choices[0]?.message.content).toBe(`zstd ${prompt}`);
      expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 200, input_tokens: 9, output_tokens: 4 });
      return;
    }
    expect(got).toBeInstanceOf(OpenAI.APIError);
    const e = got as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(502);
    expect(e.message).toContain('content coding "zstd", which Tollgate cannot decode');
    expect(e.headers?.get('x-should-retry')).toBe('false');
    const rows = rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 502, error_type: 'upstream_bad_encoding', tokens_estimated: 1 });
    expect(rows[0]!.input_tokens).toBeGreaterThan(0);
    expect(cachedCount(rig.proxy, prompt)).toBe(0);
  });

  it('an answer labelled with a coding named like an object property is a 502 naming it, not a 500 of our own', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'constructor' });
      res.end(JSON.stringify(chatJson(lastUser(body))));
    };
    const prompt = uniq('constructor coding');
    const before = upstreamCalls;
    const sdk = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-wire-test' }); // the SDK's default retries
    const err = await sdk.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(upstreamCalls - before).toBe(1);
    expect(e.status).toBe(502);
    expect(e.message).toContain('content coding "constructor", which Tollgate cannot decode');
    expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'))).toMatchObject([{ status: 502, error_type: 'upstream_bad_encoding' }]);
  });
});

describe('a 200 whose JSON body breaks off (connection reset mid-body)', () => {
  it('is recorded once with an estimate of the billed answer, and neither the proxy nor the SDKs retry it', async () => {
    // Retries on at both levels: the proxy's policy and the SDKs' defaults (2 each).
    const retrying = await startRig({
      policy: { retries: { attempts: 2, backoffMs: 5, maxBackoffMs: 50 } },
      openai: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl },
      anthropic: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl.replace(/\/v1$/, '') },
    });
    try {
      handler = (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        // An answer the provider finished and billed; the connection drops part-way through its body.
        res.write('{"id":"chatcmpl-cut","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"a long generated answer that the provider billed in full');
        setTimeout(() => res.socket?.destroy(), 20);
      };
      const before = upstreamCalls;
      const err = await new OpenAI({ baseURL: retrying.openaiBaseUrl, apiKey: 'sk-wire-test' }).chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: uniq('reset mid json') }] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(upstreamCalls - before).toBe(1);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.status).toBe(502);
      expect((e.error as { type?: string }).type).toBe('upstream_error');
      const rows = rowsFor(retrying.proxy, e.headers?.get('x-tollgate-request-id'));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 502, error_type: 'upstream_reset', tokens_estimated: 1 });
      expect(rows[0]!.output_tokens).toBeGreaterThan(0);
      expect(rows[0]!.cost_usd).toBeGreaterThan(0);

      const beforeAnthropic = upstreamCalls;
      const aerr = await new Anthropic({ baseURL: retrying.anthropicBaseUrl, apiKey: 'sk-ant-wire' }).messages
        .create({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: uniq('reset mid json claude') }] })
        .then(
          () => undefined,
          (x: unknown) => x,
        );
      expect(upstreamCalls - beforeAnthropic).toBe(1);
      expect(aerr).toBeInstanceOf(Anthropic.APIError);
      expect((aerr as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
      expect(((aerr as InstanceType<typeof Anthropic.APIError>).error as { type?: string }).type).toBe('error');
    } finally {
      await retrying.close();
    }
  });
});

describe('a stream request answered with one JSON body (a server or model without streaming)', () => {
  it('reaches the openai SDK as the stream it asked for (not an empty answer), billed and cached', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'chatcmpl-nostream', object: 'chat.completion', created: 1, model: MODEL,
        choices: [{ index: 0, message: { role: 'assistant', content: `whole ${lastUser(body)}`, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
      }));
    };
    const prompt = uniq('json for a stream');
    const r = await streamText(prompt);
    expect(r.text).toBe(`whole ${prompt}`);
    expect(rowsFor(rig.proxy, r.requestId)[0]).toMatchObject({ status: 200, input_tokens: 6, output_tokens: 3 });
    expect(cachedCount(rig.proxy, prompt)).toBe(1);
  });

  it('reaches the Anthropic SDK as message events', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'msg_nostream', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-latest',
        content: [{ type: 'text', text: `claude ${lastUser(body)}` }], stop_reason: 'end_turn', stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 4 },
      }));
    };
    const single = await startRig({
      policy: { retries: { attempts: 0 } },
      anthropic: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl.replace(/\/v1$/, '') },
    });
    try {
      const prompt = uniq('anthropic json for a stream');
      const stream = new Anthropic({ baseURL: single.anthropicBaseUrl, apiKey: 'sk-ant-wire', maxRetries: 0 }).messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: prompt }] });
      const final = await stream.finalMessage();
      expect(final.content[0]?.type === 'text' ? final.content[0].text : '').toBe(`claude ${prompt}`);
      expect(final.usage.output_tokens).toBe(4);
    } finally {
      await single.close();
    }
  });
});

describe('an error page that is not the provider\'s JSON', () => {
  it("a load balancer's HTML 429 keeps its retry-after for both SDKs, in the provider's shape", async () => {
    handler = (_q, res) => {
      res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '17', 'x-request-id': 'req_lb_1' });
      res.end('<html><body><h1>429 Too Many Requests</h1></body></html>');
    };
    const single = await startRig({
      policy: { retries: { attempts: 0 } },
      openai: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl },
      anthropic: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl.replace(/\/v1$/, '') },
    });
    try {
      const oerr = await new OpenAI({ baseURL: single.openaiBaseUrl, apiKey: 'sk-wire-test', maxRetries: 0 }).chat.completions
        .create({ model: MODEL, messages: [{ role: 'user', content: uniq('html 429') }] })
        .then(() => undefined, (e: unknown) => e);
      expect(oerr).toBeInstanceOf(OpenAI.RateLimitError);
      const o = oerr as InstanceType<typeof OpenAI.APIError>;
      expect(o.headers?.get('retry-after')).toBe('17');
      expect(o.headers?.get('content-type')).toMatch(/application\/json/);
      expect(o.message).toContain('text/html');

      const aerr = await new Anthropic({ baseURL: single.anthropicBaseUrl, apiKey: 'sk-ant-wire', maxRetries: 0 }).messages
        .create({ model: 'claude-3-5-haiku-latest', max_tokens: 5, messages: [{ role: 'user', content: uniq('html 429 claude') }] })
        .then(() => undefined, (e: unknown) => e);
      expect(aerr).toBeInstanceOf(Anthropic.RateLimitError);
      const a = aerr as InstanceType<typeof Anthropic.APIError>;
      expect(a.headers?.get('retry-after')).toBe('17');
      expect((a.error as { error?: { type?: string } }).error?.type).toBe('rate_limit_error');
      expect(rowsFor(single.proxy, a.headers?.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 429 });
    } finally {
      await single.close();
    }
  });
});

describe('an Anthropic stream closed cleanly before message_stop', () => {
  it('ends with an error event the SDK raises; 502 incomplete_stream row, not cached', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ev = (type: string, o: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`);
      ev('message_start', { message: { id: 'msg_cut', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-latest', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 14, output_tokens: 1 } } });
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `half of ${lastUser(body)}` } });
      res.end();
    };
    const single = await startRig({
      policy: { retries: { attempts: 0 } },
      anthropic: { baseUrl: rig.proxy.services.providers().get('openai')!.baseUrl.replace(/\/v1$/, '') },
    });
    try {
      const prompt = uniq('anthropic cut cleanly');
      const stream = new Anthropic({ baseURL: single.anthropicBaseUrl, apiKey: 'sk-ant-wire', maxRetries: 0 }).messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 50, messages: [{ role: 'user', content: prompt }] });
      const err = await stream.finalMessage().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect((err as Error).message).toMatch(/incomplete/);
      const id = (await stream.withResponse()).response.headers.get('x-tollgate-request-id');
      expect(rowsFor(single.proxy, id)[0]).toMatchObject({ status: 502, error_type: 'incomplete_stream', input_tokens: 14 });
      expect(cachedCount(single.proxy, prompt)).toBe(0);
    } finally {
      await single.close();
    }
  });
});

describe('a 200 whose body is an error (gateways such as OpenRouter)', () => {
  it('is never cached, costs nothing without usage, and the SDK raises the upstream error with its status', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Provider returned error', code: 429, metadata: { provider_name: 'Upstream X' } }, user_id: 'user_1' }));
    };
    const prompt = uniq('error in a 200');
    const before = upstreamCalls;
    for (let i = 0; i < 2; i++) {
      const err = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.message).toContain('Provider returned error');
      expect(e.headers?.get('x-tollgate-cache')).toBe('miss');
      expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id'))[0]).toMatchObject({ status: 429, cache: 'miss', cost_usd: 0 });
    }
    expect(upstreamCalls - before).toBe(2); // the second identical request was not answered from the cache
    expect(cachedCount(rig.proxy, prompt)).toBe(0);
  });

  it('an answer that carries `error: null` is still an answer, and cached', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id: 'chatcmpl-ok', object: 'chat.completion', created: 1, model: MODEL, error: null,
        choices: [{ index: 0, message: { role: 'assistant', content: `fine ${lastUser(body)}`, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      }));
    };
    const prompt = uniq('error null answer');
    const r = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] });
    expect(r.choices[0]?.message.content).toBe(`fine ${prompt}`);
    expect(cachedCount(rig.proxy, prompt)).toBe(1);
  });
});

describe('batch API answers with a content-encoding', () => {
  it('a gzip batch object and batch list reach the SDK decoded', async () => {
    const batch = { id: 'batch_gz', object: 'batch', endpoint: '/v1/chat/completions', status: 'in_progress', input_file_id: 'file_in', completion_window: '24h', created_at: 1, request_counts: { total: 2, completed: 0, failed: 0 } };
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const body = req.url?.endsWith('/batches/batch_gz') ? batch : { object: 'list', data: [batch], first_id: 'batch_gz', last_id: 'batch_gz', has_more: false };
      res.end(gzipSync(JSON.stringify(body)));
    };
    const page = await oa.batches.list();
    expect(page.data.map((b) => b.id)).toEqual(['batch_gz']);
    const one = await oa.batches.retrieve('batch_gz');
    expect(one.request_counts?.total).toBe(2);
  });
});

describe('a stream with a data frame that is not JSON (garbled or cut by a middlebox)', () => {
  it('is relayed as it came (the SDK fails on it) and never cached: the next identical call goes upstream', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(frame({ ...chunkBase, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hello ' }, finish_reason: null }] }));
      res.write('data: {"id":"chatcmpl-wire","choices":[{"index":0,"delta":{"content":"wor\n\n');
      res.write(frame({ ...chunkBase, choices: [{ index: 0, delta: { content: 'world' }, finish_reason: null }] }));
      res.write(frame({ ...chunkBase, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
      res.write(frame({ ...chunkBase, choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
      res.end('data: [DONE]\n\n');
    };
    const prompt = uniq('garbled frame');
    await expect(streamText(prompt)).rejects.toThrow(/JSON/);
    expect(cachedCount(rig.proxy, prompt)).toBe(0);

    handler = (_q, res, body) => chatStream(res, `fresh answer to ${lastUser(body)}`, { done: true, finish: true });
    const before = upstreamCalls;
    const again = await streamText(prompt);
    expect(upstreamCalls).toBe(before + 1);
    expect(again.text.trim()).toBe(`fresh answer to ${prompt}`);
  });
});
