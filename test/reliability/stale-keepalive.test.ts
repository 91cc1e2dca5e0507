/**
 * An upstream (or a load balancer before it) closes an idle kept-alive connection just as the
 * proxy reuses it for the next call: the request was written into a socket the other side had
 * already given up on, so nothing of it was read, and sending it again on a new connection is
 * safe. The client must get the answer, with one attempt in the ledger, even with no retries set.
 */
import { createServer, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsFor, startRig, uniq, type Rig } from './support';

const MODEL = 'gpt-4o-mini';

/** How the next request on a used connection is met; `fresh` also resets a new connection's first request. */
let onReuse: 'close' | 'reset' | 'fresh' = 'close';
let served = 0;
let dropped = 0;
/** Requests dropped as the first on their connection (mode `fresh`). */
let droppedFirst = 0;
const sockets = new Set<Socket>();

/**
 * A keep-alive HTTP/1.1 server that answers the first request on each connection (a chat
 * completion, Content-Length framed) and drops the connection when a second one arrives on it,
 * before reading a byte of its body — what a provider's idle timeout racing the reuse looks like.
 */
const upstream = createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
  let buffered = '';
  let answered = false;
  socket.on('data', (d: Buffer) => {
    if (answered || onReuse === 'fresh') {
      dropped += 1;
      if (!answered) droppedFirst += 1;
      if (onReuse !== 'close') socket.resetAndDestroy();
      else socket.destroy();
      return;
    }
    buffered += d.toString('latin1');
    const headEnd = buffered.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(buffered.slice(0, headEnd))?.[1] ?? 0);
    if (buffered.length < headEnd + 4 + length) return;
    const body = JSON.parse(buffered.slice(headEnd + 4, headEnd + 4 + length)) as { messages: Array<{ content: string }> };
    answered = true;
    served += 1;
    const answer = JSON.stringify({
      id: `chatcmpl-stale-${served}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${body.messages.at(-1)?.content}`, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
    socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(answer)}\r\nconnection: keep-alive\r\nkeep-alive: timeout=60\r\n\r\n${answer}`);
  });
});

let rig: Rig;
let oa: OpenAI;
beforeAll(async () => {
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  // No retries: the resend on a fresh connection is not a retry (nothing reached the upstream).
  rig = await startRig({ policy: { retries: { attempts: 0 } }, openai: { baseUrl: `http://127.0.0.1:${port}/v1` }, env: {} });
  oa = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-stale-test', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => upstream.close(() => r()));
});

describe('a kept-alive upstream connection closed as the proxy reuses it', () => {
  it('a new connection reset before its answer is not sent again behind the policy (the upstream may have read it): a 502, one row', async () => {
    onReuse = 'fresh';
    const before = droppedFirst;
    const err = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: uniq('fresh reset') }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(502);
    // First in the file: no idle pooled connection yet, so the call goes out on a new one, and is dropped once.
    expect(droppedFirst - before).toBe(1);
    expect(rowsFor(rig.proxy, e.headers?.get('x-tollgate-request-id')).map((r) => r.status)).toEqual([502]);
  });

  for (const how of ['close', 'reset'] as const) {
    it(`closed with a ${how === 'close' ? 'FIN' : 'RST'}: the call is sent again on a new connection, answered, and recorded once`, async () => {
      onReuse = how;
      const droppedBefore = dropped;
      // Sequential calls: each after the first finds the previous call's connection idle in the pool.
      for (let i = 0; i < 3; i++) {
        const prompt = uniq(`stale ${how} ${i}`);
        const { data, response } = await oa.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: prompt }] }, { headers: { 'x-tollgate-cache': 'no-store' } }).withResponse();
        expect(data.choices[0]?.message.content).toBe(`echo: ${prompt}`);
        expect(rowsFor(rig.proxy, response.headers.get('x-tollgate-request-id')).map((r) => [r.status, r.error_type])).toEqual([[200, null]]);
      }
      // The upstream did drop reused connections (else this test proved nothing).
      expect(dropped).toBeGreaterThan(droppedBefore);
    });
  }
});
