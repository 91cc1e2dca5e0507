/**
 * Slow and idle clients against the connection cap (TOLLGATE_MAX_CONNECTIONS, here 4). Before, a
 * client trickling its headers one line at a time held its slot for the 66 s headers timeout
 * (checked every 30 s by node: up to 96 s), and kept-alive connections an SDK left idle after a
 * burst filled the cap for 65 s, so a new client got 503s while nothing was being served. Now the
 * trickler gets a provider-style 408 within seconds, idle connections make way at the cap, and
 * neither a slow upload nor a stream that lasts longer than those bounds is cut.
 */
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ cache: { enabled: false } }, { env: { TOLLGATE_MAX_CONNECTIONS: '4' } });
});
afterAll(async () => h.close());

interface Conn {
  socket: Socket;
  /** Everything received so far. */
  text(): string;
  closed: Promise<string>;
}

function open(): Promise<Conn> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(h.proxy.port, '127.0.0.1', () => resolve({ socket, text: () => got, closed }));
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', reject);
    const closed = new Promise<string>((r) => socket.on('close', () => r(got)));
  });
}

const until = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
};
const host = () => `127.0.0.1:${h.proxy.port}`;

/** A streamed chat call through the official SDK: its text, then the finish reason. */
async function streamed(prompt: string): Promise<string> {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: h.openaiBaseUrl, maxRetries: 0 });
  const s = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: prompt }] });
  let text = '';
  for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? (chunk.choices[0]?.finish_reason ? ` ${chunk.choices[0].finish_reason}` : '');
  return text;
}

// First, while this file's SDK client has no pooled connection to the proxy yet: the cap is
// then exactly the stream's connection and the three idle ones.
describe('idle kept-alive connections at the cap', () => {
  it('are closed to serve a new client, while a stream in flight on another connection goes on', async () => {
    const stream = streamed('one two three [[fake:gap=400]]');
    // Three connections that each made a call and stay open for the next (as an SDK's pool does).
    const idle: Conn[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await open();
      c.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n\r\n`);
      await until(() => c.text().includes('"status":"ok"'));
      idle.push(c);
    }
    // The cap (4) is full: the stream's connection and three idle ones.
    const fresh = await open();
    fresh.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    expect(await fresh.closed).toMatch(/^HTTP\/1\.1 200 /);
    for (const c of idle) await c.closed;
    expect(await stream).toMatch(/three stop$/);
  }, 30_000);

  it('connections still sending their request are not closed for room: past the cap a new one gets the 503', async () => {
    const busy: Conn[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await open();
      c.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\n`);
      busy.push(c);
    }
    const fresh = await open();
    fresh.socket.write(`GET /healthz HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`);
    expect(await fresh.closed).toMatch(/^HTTP\/1\.1 503 /);
    for (const c of busy) {
      c.socket.write('\r\n');
      await until(() => c.text().includes('"status":"ok"'));
      c.socket.destroy();
    }
  }, 30_000);
});

describe('slow clients', () => {
  it('a client trickling its headers gets a 408 within seconds; a slower upload and a longer stream meanwhile are not cut', async () => {
    // A stream of 11 frames 1.2 s apart: longer than the headers timeout.
    const stream = streamed('w0 w1 w2 w3 w4 [[fake:gap=1200]]');

    const trickler = await open();
    trickler.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${host()}\r\n`);
    let n = 0;
    const drip = setInterval(() => trickler.socket.writable && trickler.socket.write(`x-line-${n++}: a\r\n`), 300);

    // An upload that sends a byte at a time for as long as the trickler is connected, then the rest.
    const body = Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a slow upload' }] }));
    const uploader = await open();
    uploader.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-test\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    let sent = 0;
    const upload = setInterval(() => {
      if (sent < body.length - 1) uploader.socket.write(body.subarray(sent, ++sent));
    }, 300);

    const refused = await trickler.closed;
    clearInterval(drip);
    clearInterval(upload);
    expect(n, 'the trickler was cut after a few header lines, not at once').toBeGreaterThan(5);
    expect(refused).toMatch(/^HTTP\/1\.1 408 /);
    const err = (JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4)) as { error: { type: string; message: string } }).error;
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(/headers within 10 s/);

    expect(uploader.text(), 'the upload is still being read').toBe('');
    uploader.socket.write(body.subarray(sent));
    const answered = await uploader.closed;
    expect(answered).toMatch(/^HTTP\/1\.1 200 /);
    expect(answered).toContain('a slow upload');

    expect(await stream).toMatch(/w4 stop$/);
  }, 45_000);
});
