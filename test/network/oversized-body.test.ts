/**
 * A request refused before its body is read (a declared Content-Length past the limit, a route
 * that does not exist, a missing admin token) gets its answer with `Connection: close`, and the
 * body is not read: before, the 413 came at once but the proxy went on reading the whole declared
 * body (bounded only by the 300 s request timeout) to keep the connection. What the client still
 * sends is discarded for a moment after the answer (a lingering close), so a client still uploading
 * reads the 413 instead of a reset. Kept-alive clients (undici, the openai SDK) get the 413 cleanly
 * and open a new connection for their next call.
 */
import { connect } from 'node:net';
import OpenAI from 'openai';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const LIMIT = 1024 * 1024;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ server: { maxBodyBytes: LIMIT }, cache: { enabled: false } });
});
afterAll(async () => h.close());

interface Upload {
  /** Everything the server sent. */
  got: string;
  /**
   * Body bytes the client had written when the server closed its side (its FIN), or undefined when
   * it never did (it went on reading until the client gave up). A count, not a time: a proxy that
   * reads the whole body closes only once the client has sent it all, however loaded the machine.
   */
  sentAtServerEnd: number | undefined;
}

/**
 * Declares `declared` body bytes (or sends it chunked, without end) and sends 64 KiB every 20 ms (a
 * slow upload: 3.2 MB/s) until the server closes the connection, or 15 s pass.
 */
function slowUpload(head: string, declared: number | 'chunked'): Promise<Upload> {
  return new Promise((resolve) => {
    const framing = declared === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`;
    let got = '';
    let sent = 0;
    let sentAtServerEnd: number | undefined;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let pump: NodeJS.Timeout | undefined;
    // The body starts once the head is written: a pump started before the connection was up sent
    // body bytes ahead of the head on a loaded machine (a 400 for a request line of spaces, then a reset).
    const socket = connect(h.proxy.port, '127.0.0.1', () => {
      socket.write(head.replace('\r\n\r\n', `\r\n${framing}\r\n\r\n`));
      pump = setInterval(() => {
        if ((declared !== 'chunked' && sent + chunk.length > declared) || socket.destroyed) return;
        sent += chunk.length;
        socket.write(declared === 'chunked' ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
      }, 20);
    });
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('end', () => (sentAtServerEnd = sent));
    // Writing into a connection the server has closed: expected once it gave up on the body.
    socket.on('error', () => undefined);
    const cap = setTimeout(() => socket.destroy(), 15_000);
    socket.on('close', () => {
      clearInterval(pump);
      clearTimeout(cap);
      resolve({ got, sentAtServerEnd });
    });
  });
}

const headOf = (method: string, path: string, extra = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nAuthorization: Bearer sk-test\r\nContent-Type: application/json\r\n${extra}\r\n`;

describe('a body refused before it is read', () => {
  it('a declared Content-Length past the limit: the 413 says Connection: close and the connection closes without reading the body', async () => {
    const r = await slowUpload(headOf('POST', '/v1/chat/completions'), 50_000_000);
    expect(r.got).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.got).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.got).toContain(`limit of ${LIMIT} bytes`);
    // Closed before the client had sent what it declared (the pump stops at 15 s, 48 MB at this pace).
    expect(r.sentAtServerEnd).toBeLessThan(50_000_000);
    expect(h.upstream.requests.filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('a chunked body that grows past the limit: the 413 closes the connection instead of reading the rest', async () => {
    const r = await slowUpload(headOf('POST', '/v1/chat/completions'), 'chunked');
    expect(r.got).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.got).toMatch(/\r\nconnection: close\r\n/i);
    // A chunked body that never ends: any close from the server is one that stopped reading it.
    expect(r.sentAtServerEnd).toBeDefined();
  });

  it('an upload to a route Tollgate does not serve, or an admin call without the token: the same', async () => {
    for (const [method, path, status] of [
      ['POST', '/v1/no-such-route', '404'],
      ['POST', '/tollgate/cache/clear', '401'],
    ] as const) {
      const r = await slowUpload(headOf(method, path), 50_000_000);
      expect([path, /^HTTP\/1\.1 (\d{3}) /.exec(r.got)?.[1], /\r\nconnection: close\r\n/i.test(r.got)]).toEqual([path, status, true]);
      expect([path, (r.sentAtServerEnd ?? Number.POSITIVE_INFINITY) < 50_000_000]).toEqual([path, true]);
    }
  });

  it('a body sent whole within the limit keeps the connection for the next request', async () => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'keep me' }] });
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(h.proxy.port, '127.0.0.1', () =>
        socket.write(`${headOf('POST', '/v1/chat/completions').replace('\r\n\r\n', `\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`)}${body}GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
      );
      let got = '';
      socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
      socket.on('close', () => resolve(got));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toMatch(/\r\nconnection: keep-alive\r\n/i);
    expect(raw).toContain('"status":"ok"');
  });

  it('a client busy writing that reads its answer late still gets the 413, not a reset', async () => {
    // The client reads nothing for 500 ms while it writes 8 MB. Closed at once with those bytes
    // unread, the connection was reset and the client lost the 413 waiting in its buffer (EPIPE).
    const got = await new Promise<string>((resolve) => {
      const socket = connect(h.proxy.port, '127.0.0.1', () => {
        socket.pause();
        socket.write(headOf('POST', '/v1/chat/completions').replace('\r\n\r\n', `\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`));
        socket.write(Buffer.alloc(8 * 1024 * 1024, 0x20));
        setTimeout(() => socket.resume(), 500);
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('error', (e) => (text += `[${(e as NodeJS.ErrnoException).code}]`));
      socket.on('close', () => resolve(text));
    });
    expect(got).toMatch(/^HTTP\/1\.1 413 /);
    expect(got).not.toMatch(/\[E[A-Z]+\]/);
  });

  it('undici, uploading 20 MB as fast as it can, reads the 413 (not a reset) and its next call goes through on a new connection', async () => {
    const dispatcher = new Agent({ connections: 1 });
    try {
      const big = await request(`${h.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: Buffer.alloc(20 * 1024 * 1024, 0x20),
      });
      expect(big.statusCode).toBe(413);
      expect(big.headers.connection).toBe('close');
      expect(((await big.body.json()) as { error: { message: string } }).error.message).toContain('exceeds');
      const next = await request(`${h.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        dispatcher,
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after the 413' }] }),
      });
      expect(next.statusCode).toBe(200);
      await next.body.text();
    } finally {
      await dispatcher.close();
    }
  });

  it('the openai SDK gets the 413 as an APIError, and its next call succeeds', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(2 * LIMIT) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after the 413' }] });
    expect(ok.choices[0]?.message.content).toContain('after the 413');
  });
});
