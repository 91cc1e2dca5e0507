/**
 * `Expect: 100-continue`: curl sends it for larger bodies, Python's httpx and requests can be told
 * to. Node answered every such request with `100 Continue` before any route ran, so a body past
 * the limit (or one the browser guard refuses) was uploaded in full only to be refused. The 100
 * now comes once the body is going to be read; a refusal comes instead of it, and closes the
 * connection (the client never sends that body).
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `hi ${'x'.repeat(2000)}` }] });

interface Exchange {
  /** What the server sent before the client sent any body. */
  beforeBody: string;
  /** Everything the server sent, once it closed the connection. */
  all: string;
}

/**
 * Sends `head` alone and waits (as curl does, up to a second) for the server's first answer; sends
 * `body` only if that answer is a 100. Resolves when the server closes the connection.
 */
function expectContinue(head: string, body: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(h.proxy.port, '127.0.0.1', () => socket.write(head));
    let all = '';
    let beforeBody: string | undefined;
    const decide = (): void => {
      if (beforeBody !== undefined) return;
      beforeBody = all;
      if (/^HTTP\/1\.1 100 /.test(all)) socket.write(body);
    };
    socket.on('data', (d: Buffer) => {
      all += d.toString('latin1');
      // The whole status block of the first answer has arrived.
      if (all.includes('\r\n\r\n')) decide();
    });
    const wait = setTimeout(decide, 1_000);
    const cap = setTimeout(() => socket.destroy(new Error(`the server did not close the connection; got ${JSON.stringify(all.slice(0, 300))}`)), 5_000);
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(wait);
      clearTimeout(cap);
      resolve({ beforeBody: beforeBody ?? all, all });
    });
  });
}

const headOf = (path: string, headers: Record<string, string | number>): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}Expect: 100-continue\r\n\r\n`;

describe('Expect: 100-continue', () => {
  it('a request within the limits gets its 100, then sends its body and is answered', async () => {
    const before = h.upstream.requests.length;
    const r = await expectContinue(
      headOf('/v1/chat/completions', { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'content-length': Buffer.byteLength(chat), connection: 'close' }),
      chat,
    );
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    expect(r.all).toMatch(/\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(h.upstream.requests.length).toBe(before + 1);
    expect(h.upstream.requests.at(-1)!.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('a declared Content-Length past the limit gets the provider-style 413 instead of a 100', async () => {
    const before = h.upstream.requests.length;
    const r = await expectContinue(headOf('/v1/chat/completions', { 'content-type': 'application/json', 'content-length': 999_999_999 }), 'x'.repeat(1000));
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.all).not.toMatch(/ 100 Continue/);
    // The client was never told to send the body: the connection closes after the answer.
    expect(r.beforeBody).toMatch(/\r\nconnection: close\r\n/i);
    const body = JSON.parse(r.all.slice(r.all.indexOf('\r\n\r\n') + 4)) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/exceeds Tollgate's limit of \d+ bytes/);
    expect(h.upstream.requests.length).toBe(before);
  });

  it('the same in the Anthropic shape on an Anthropic route', async () => {
    const r = await expectContinue(headOf('/v1/messages', { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'content-length': 999_999_999 }), '{}');
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 413 /);
    const body = JSON.parse(r.all.slice(r.all.indexOf('\r\n\r\n') + 4)) as { type: string; error: { type: string } };
    // Anthropic's type for a 413 (its errors page).
    expect(body).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('a body the browser guard refuses (text/plain) is refused before it is sent', async () => {
    const r = await expectContinue(headOf('/v1/chat/completions', { 'content-type': 'text/plain', 'content-length': 5000 }), 'x'.repeat(5000));
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 415 /);
    expect(r.all).not.toMatch(/ 100 Continue/);
  });

  it('an admin call without the token is refused before its body is sent', async () => {
    const r = await expectContinue(headOf('/tollgate/cache/clear', { 'content-type': 'application/json', 'content-length': 2 }), '{}');
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 401 /);
    expect(r.all).not.toMatch(/ 100 Continue/);
  });

  it('another expectation gets a provider-style 417 naming it, and nothing is forwarded', async () => {
    const before = h.upstream.requests.length;
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\ncontent-type: application/json\r\ncontent-length: 2\r\nExpect: 200-ok\r\n\r\n`;
    const r = await expectContinue(head, '{}');
    expect(r.beforeBody).toMatch(/^HTTP\/1\.1 417 /);
    expect(r.beforeBody).toMatch(/\r\ncontent-type: application\/json/i);
    const body = JSON.parse(r.all.slice(r.all.indexOf('\r\n\r\n') + 4)) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/Expect: 100-continue.*200-ok/);
    expect(h.upstream.requests.length).toBe(before);
  });
});
