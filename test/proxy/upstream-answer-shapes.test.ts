/**
 * Upstream answers a non-streaming call can get that are not one JSON body, through the real
 * OpenAI and Anthropic SDKs and a scripted upstream speaking the wire format: an event stream
 * (servers and gateways that always stream), a body with `content-encoding` stacked many times,
 * and an answer the client stopped waiting for. Each must leave the ledger with what the upstream
 * billed and the cache with whole answers only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { cachedCount, rowsFor, until, uniq } from '../reliability/support';
import { rawUpstream, type RawUpstream } from '../support/rawUpstream';

type Handler = (req: IncomingMessage, res: ServerResponse, body: { messages?: Array<{ content: unknown }> }) => void;
let handler: Handler = (_q, res) => res.end();
let upstreamCalls = 0;
let upstream: RawUpstream;
let h: Harness;
let oa: OpenAI;
let an: Anthropic;

beforeAll(async () => {
  upstream = await rawUpstream<Parameters<Handler>[2]>((req, res, body) => {
    upstreamCalls += 1;
    handler(req, res, body);
  });
  const url = upstream.origin;
  h = await startHarness({ retries: { attempts: 0 } }, { env: {}, openai: { baseUrl: `${url}/v1`, timeoutMs: 10_000 }, anthropic: { baseUrl: url, timeoutMs: 10_000 } });
  oa = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-shapes', maxRetries: 0 });
  an = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-shapes', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await upstream?.close();
});

const lastUser = (b: { messages?: Array<{ content: unknown }> }) => String(b.messages?.at(-1)?.content ?? '');
const sse = (o: unknown, event?: string) => `${event ? `event: ${event}\r\n` : ''}data: ${JSON.stringify(o)}\r\n\r\n`;
const chunk = { id: 'chatcmpl-sse', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini' };

/** The ledger's last row id: the rows a test's call writes come after it. */
const lastCallId = () => (h.proxy.services.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM calls').get() as { n: number }).n;
const rowsSince = (id: number) =>
  h.proxy.services.db.prepare('SELECT status, error_type, input_tokens, output_tokens, tokens_estimated, cost_usd FROM calls WHERE id > ?').all(id) as Array<Record<string, number | string>>;

/**
 * A raw chat call whose client leaves after `ms`, whatever came by then: an SDK's timeout, or an
 * editor's stop button or closed window, does the same.
 */
function callAndLeave(prompt: string, ms: number, stream = true): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = request(new URL(`${h.openaiBaseUrl}/chat/completions`), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-shapes' } });
    req.on('error', () => resolve());
    req.end(JSON.stringify({ model: 'gpt-4o-mini', ...(stream ? { stream } : {}), messages: [{ role: 'user', content: prompt }] }));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, ms);
  });
}

/** A chat stream as vLLM-style servers send it (CRLF line ends); `finish: false` stops before the end. */
function chatStream(res: ServerResponse, text: string, finish: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(sse({ ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
  for (const word of text.split(' ')) res.write(sse({ ...chunk, choices: [{ index: 0, delta: { content: `${word} ` }, finish_reason: null }] }));
  if (!finish) return void res.end();
  res.write(sse({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
  res.write(sse({ ...chunk, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }));
  res.end('data: [DONE]\r\n\r\n');
}

describe('a non-streaming call answered with an event stream', () => {
  it('gets the JSON answer assembled from it, recorded with the usage the stream reported, and cached', async () => {
    handler = (_q, res, body) => chatStream(res, `answer to ${lastUser(body)}`, true);
    const prompt = uniq('always streams');
    const { data, response } = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content?.trim()).toBe(`answer to ${prompt}`);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7 });
    const rows = rowsFor(h.proxy, response.headers.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, input_tokens: 11, output_tokens: 7, tokens_estimated: 0 });
    expect(rows[0]!.cost_usd).toBeGreaterThan(0);
    expect(cachedCount(h.proxy, prompt)).toBe(1);
    const before = upstreamCalls;
    const again = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
    expect(again.choices[0]?.message.content?.trim()).toBe(`answer to ${prompt}`);
    expect(upstreamCalls).toBe(before);
  });

  it('cut before its final event: a 502 that says so, the delivered output estimated, nothing cached', async () => {
    handler = (_q, res, body) => chatStream(res, `partial answer to ${lastUser(body)} with several more words`, false);
    const prompt = uniq('always streams, cut');
    const err = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/event stream.*no final event/);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    const rows = rowsFor(h.proxy, e.headers?.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 502, error_type: 'incomplete_stream', tokens_estimated: 1 });
    expect(rows[0]!.output_tokens).toBeGreaterThan(5);
    expect(cachedCount(h.proxy, prompt)).toBe(0);
  });

  it('Anthropic: the Message assembled from message_start / deltas / message_delta, with its cache usage', async () => {
    handler = (_q, res, body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const usage = { input_tokens: 30, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 1 };
      res.write(sse({ type: 'message_start', message: { id: 'msg_sse', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-20241022', content: [], stop_reason: null, stop_sequence: null, usage } }, 'message_start'));
      res.write(sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
      res.write(sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: `hi ${lastUser(body)}` } }, 'content_block_delta'));
      res.write(sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
      res.write(sse({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { ...usage, output_tokens: 9 } }, 'message_delta'));
      res.end(sse({ type: 'message_stop' }, 'message_stop'));
    };
    const prompt = uniq('anthropic always streams');
    const { data, response } = await an.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 50, messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.content).toEqual([{ type: 'text', text: `hi ${prompt}` }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage).toMatchObject({ input_tokens: 30, output_tokens: 9, cache_read_input_tokens: 2000, cache_creation_input_tokens: 1000 });
    const rows = rowsFor(h.proxy, response.headers.get('x-tollgate-request-id'));
    expect(rows[0]).toMatchObject({ status: 200, output_tokens: 9, tokens_estimated: 0 });
  });
});

describe('an answer whose content-encoding lists a coding a thousand times', () => {
  it('is a provider-style 502 without a thousand decoders, recorded once with its input estimated', async () => {
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': Array.from({ length: 1000 }, () => 'gzip').join(', ') });
      res.end(gzipSync(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1 } })));
    };
    const prompt = uniq('stacked codings');
    const err = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e).toBeInstanceOf(OpenAI.APIError);
    expect(e.status).toBe(502);
    expect(e.message).toMatch(/1000 content codings; Tollgate undoes at most 3/);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    const rows = rowsFor(h.proxy, e.headers?.get('x-tollgate-request-id'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 502, error_type: 'upstream_bad_encoding', tokens_estimated: 1 });
    expect(rows[0]!.input_tokens).toBeGreaterThan(0);
    expect(cachedCount(h.proxy, prompt)).toBe(0);
  });
});

describe('a non-streaming call whose client leaves while the upstream works', () => {
  it('is recorded once, with the usage the upstream billed when it finished, not at $0', async () => {
    let answered = false;
    handler = (_q, res, body) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'chatcmpl-late', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: `late ${lastUser(body)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 1234, completion_tokens: 567, total_tokens: 1801 } }));
        answered = true;
      }, 600);
    };
    const prompt = uniq('client leaves');
    const before = lastCallId();
    await callAndLeave(prompt, 150, false);
    await until(() => answered);
    await until(() => rowsSince(before).some((r) => r.input_tokens === 1234));
    const mine = rowsSince(before).filter((r) => r.input_tokens === 1234);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 499, error_type: 'client_closed_request', output_tokens: 567, tokens_estimated: 0 });
    expect(Number(mine[0]!.cost_usd)).toBeGreaterThan(0);
    // The SDK's retry after its timeout is answered from the billed answer, not billed again.
    const calls = upstreamCalls;
    const retry = await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] });
    expect(retry.choices[0]?.message.content).toBe(`late ${prompt}`);
    expect(upstreamCalls).toBe(calls);
  });
});

describe('a streaming call whose client leaves before the first byte', () => {
  it('is recorded once as 499 with its input estimated, not at $0, and nothing is cached', async () => {
    // A reasoning model thinking before its first event: the client's timeout comes first.
    let cut = false;
    handler = (req, res) => {
      req.socket.on('close', () => {
        cut = true;
      });
      setTimeout(() => {
        if (!res.destroyed) chatStream(res, 'too late', true);
      }, 600);
    };
    const prompt = uniq(`thinks long ${'context '.repeat(400)}`);
    const before = lastCallId();
    await callAndLeave(prompt, 150);
    // The stream's request is cancelled with its client (the provider stops generating).
    await until(() => cut);
    await until(() => rowsSince(before).length >= 1, 800);
    const rows = rowsSince(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 499, error_type: 'client_closed_request', tokens_estimated: 1, output_tokens: 0 });
    expect(Number(rows[0]!.input_tokens)).toBeGreaterThan(400);
    expect(Number(rows[0]!.cost_usd)).toBeGreaterThan(0);
    expect(cachedCount(h.proxy, prompt.slice(-20))).toBe(0);
  });
});

describe('a streaming call whose client leaves while the proxy waits for it to read', () => {
  it('is recorded once as the client leaving (499), not as a stream the upstream cut short', async () => {
    // The upstream sends faster than the client reads: the relay waits on the client's socket
    // (backpressure) when the client gives up.
    let n = 0;
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => {
        if (res.destroyed) return clearInterval(timer);
        for (let k = 0; k < 50; k++) res.write(sse({ ...chunk, choices: [{ index: 0, delta: { content: `w${n++} ${'y '.repeat(50)}` }, finish_reason: null }] }));
      }, 2);
      res.on('close', () => clearInterval(timer));
    };
    const prompt = uniq('reads slowly');
    const before = lastCallId();
    await new Promise<void>((resolve) => {
      const req = request(new URL(`${h.openaiBaseUrl}/chat/completions`), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-shapes' } });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        // Reads the first bytes, stops reading, then gives up.
        res.once('data', () => {
          res.pause();
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 300);
        });
      });
      req.end(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] }));
    });
    await until(() => rowsSince(before).length >= 1, 600);
    const rows = rowsSince(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 499, error_type: 'client_closed_request', tokens_estimated: 1 });
    // What the upstream generated before the cancel is billed: estimated from what arrived.
    expect(Number(rows[0]!.output_tokens)).toBeGreaterThan(0);
    expect(cachedCount(h.proxy, prompt)).toBe(0);
  });
});

describe('a streaming call answered with JSON whose client leaves while the body arrives', () => {
  it('is recorded as 499 with its input estimated: a JSON answer whose headers came was generated, and billed', async () => {
    handler = (_q, res) => {
      const body = JSON.stringify({ id: 'chatcmpl-slow', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'a slow body' }, finish_reason: 'stop' }], usage: { prompt_tokens: 900, completion_tokens: 4, total_tokens: 904 } });
      res.writeHead(200, { 'content-type': 'application/json' });
      // A slow link: the first half now, the rest after the client gave up.
      res.write(body.slice(0, 40));
      setTimeout(() => {
        if (!res.destroyed) res.end(body.slice(40));
      }, 600);
    };
    const prompt = uniq(`json for a stream ${'context '.repeat(400)}`);
    const before = lastCallId();
    await callAndLeave(prompt, 200);
    await until(() => rowsSince(before).length >= 1);
    const rows = rowsSince(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 499, error_type: 'client_closed_request', tokens_estimated: 1 });
    expect(Number(rows[0]!.input_tokens)).toBeGreaterThan(400);
    expect(Number(rows[0]!.cost_usd)).toBeGreaterThan(0);
  });
});

describe('a stream whose upstream never ends an event', () => {
  it('is cut at the event cap: the upstream cancelled, an error event in the protocol shape, one estimated row, nothing cached', async () => {
    let sent = 0;
    let cancelled = false;
    handler = (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse({ ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: 'before the flood ' }, finish_reason: null }] }));
      res.write('data: {"choices":[{"index":0,"delta":{"content":"');
      res.on('close', () => {
        cancelled = true;
      });
      const piece = 'x'.repeat(1 << 20);
      // Bounded by the test: 48 MiB, past the 32 MiB cap, then the upstream gives up on its own.
      const pump = () => {
        while (!res.destroyed && sent < 48 << 20) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
    const prompt = uniq('endless event');
    const before = lastCallId();
    const stream = await oa.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });
    let text = '';
    const failure = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    })().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(text).toBe('before the flood ');
    expect(failure?.message).toMatch(/larger than 32 MiB/);
    await until(() => cancelled);
    expect(sent).toBeLessThan(48 << 20);
    await until(() => rowsSince(before).length >= 1);
    const rows = rowsSince(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 502, error_type: 'upstream_event_too_large', tokens_estimated: 1 });
    expect(Number(rows[0]!.output_tokens)).toBeGreaterThan(0);
    expect(cachedCount(h.proxy, prompt)).toBe(0);
  }, 30_000);
});

describe('a hundred calls in flight at once', () => {
  it('print no MaxListenersExceededWarning: the stop signal has one listener, not one per call', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      let waiting = 0;
      handler = (_q, res, body) => {
        waiting += 1;
        // Every call is in flight before the first is answered.
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'chatcmpl-many', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: `to ${lastUser(body)}` }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
        }, 400);
      };
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: uniq(`many ${i}`) }] })));
      expect(answers).toHaveLength(100);
      expect(waiting).toBe(100);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  }, 30_000);
});

describe('a streaming call whose client leaves while the proxy is still connecting', () => {
  it('is recorded as 499 at $0: the request never reached the upstream, so nothing was billed', async () => {
    // An https upstream that accepts the TCP connection and never answers the TLS handshake: the
    // proxy is still connecting when the client gives up (as on a slow DNS or a dead route).
    const sockets: Socket[] = [];
    const stalled = createNetServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    const port = (stalled.address() as AddressInfo).port;
    const other = await startHarness({ retries: { attempts: 0 } }, { env: {}, openai: { baseUrl: `https://127.0.0.1:${port}/v1`, timeoutMs: 10_000 } });
    try {
      const before = (other.proxy.services.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM calls').get() as { n: number }).n;
      await new Promise<void>((resolve) => {
        const req = request(new URL(`${other.openaiBaseUrl}/chat/completions`), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-shapes' } });
        req.on('error', () => resolve());
        req.end(JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `never sent ${'context '.repeat(400)}` }] }));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      await until(() => sockets.length >= 1);
      const rowsAfter = () => other.proxy.services.db.prepare('SELECT status, error_type, input_tokens, cost_usd FROM calls WHERE id > ?').all(before) as Array<Record<string, number | string>>;
      await until(() => rowsAfter().length >= 1, 800);
      const rows = rowsAfter();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 499, error_type: 'client_closed_request', input_tokens: 0, cost_usd: 0 });
    } finally {
      await other.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => stalled.close(r));
    }
  }, 30_000);
});
