/**
 * Compressed request bodies as clients label them (RFC 9110 §8.4): `x-gzip` (an old name a
 * recipient should read as gzip), `identity` next to a real coding, an empty header, codings
 * stacked in the order applied (`br, gzip`), and gzip as a transfer coding before `chunked`. Before,
 * each of those but the last got a 415 (or, for `Transfer-Encoding: gzip, chunked`, the
 * still-compressed bytes were read as the body); a 415 for a coding Tollgate cannot undo (zstd)
 * did not say which codings it can (Accept-Encoding, RFC 9110 §15.5.16). A stack of codings is
 * bounded (each costs a decoder), and a nested bomb still stops at the body limit.
 */
import * as zlib from 'node:zlib';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawExchange } from './support/rawExchange';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ cache: { enabled: false } });
});
afterAll(async () => h.close());
beforeEach(() => h.upstream.reset());

const chat = (content: string) => Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }));

async function post(path: string, body: Buffer, headers: Record<string, string>) {
  const r = await request(`${h.proxy.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', ...headers },
  });
  return { status: r.statusCode, headers: r.headers, body: (await r.body.json()) as Record<string, unknown> };
}

/** The user text the fake upstream received, or undefined when nothing was forwarded. */
function forwardedText(): string | undefined {
  const body = h.upstream.requests.at(-1)?.body as { messages?: { content: string }[] } | undefined;
  return body?.messages?.[0]?.content;
}

describe('request content codings', () => {
  it.each([
    ['x-gzip', (b: Buffer) => gzipSync(b)],
    ['GZIP', (b: Buffer) => gzipSync(b)],
    ['gzip, identity', (b: Buffer) => gzipSync(b)],
    ['identity, gzip', (b: Buffer) => gzipSync(b)],
    ['identity', (b: Buffer) => b],
    ['', (b: Buffer) => b],
    ['deflate', (b: Buffer) => deflateSync(b)],
    // Listed in the order applied: brotli first, then gzip; undone gzip first.
    ['br, gzip', (b: Buffer) => gzipSync(brotliCompressSync(b))],
    ['gzip,gzip', (b: Buffer) => gzipSync(gzipSync(b))],
  ])('Content-Encoding %j is decoded and the call forwarded', async (coding, encode) => {
    const text = `coded as ${JSON.stringify(coding)}`;
    const r = await post('/v1/chat/completions', encode(chat(text)), { 'content-encoding': coding });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(forwardedText()).toBe(text);
  });

  it('a coding Tollgate cannot undo gets a provider-style 415 naming it, with Accept-Encoding listing what it can', async () => {
    // zstd is undone where Node has its decoder (22.15 and 23.8 on), and then offered.
    const coding = 'createZstdDecompress' in zlib ? 'compress' : 'zstd';
    const r = await post('/v1/chat/completions', chat(coding), { 'content-encoding': coding });
    expect(r.status).toBe(415);
    expect(r.headers['accept-encoding']).toBe(coding === 'zstd' ? 'gzip, deflate, br' : 'gzip, deflate, br, zstd');
    const err = (r.body as { error: { type: string; message: string } }).error;
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toContain(`"${coding}"`);
    expect(err.message).toMatch(/gzip, deflate.*br/);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it.each(['constructor', '__proto__'])('a coding named like an object property (%j) is a 415 too, not a decoder looked up by that name', async (coding) => {
    const r = await post('/v1/chat/completions', chat(coding), { 'content-encoding': coding });
    expect(r.status, JSON.stringify(r.body)).toBe(415);
    expect((r.body as { error: { message: string } }).error.message).toContain(`"${coding}"`);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('the same in the Anthropic shape on an Anthropic route', async () => {
    const body = Buffer.from(JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }));
    const r = await post('/v1/messages', body, { 'content-encoding': 'compress' });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a long stack of codings is refused before any decoder is made', async () => {
    const r = await post('/v1/chat/completions', chat('stack'), { 'content-encoding': Array.from({ length: 2000 }, () => 'br').join(',') });
    expect(r.status).toBe(415);
    expect((r.body as { error: { message: string } }).error.message).toMatch(/2000 codings/);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('a nested bomb (gzip of gzip) stops at the body limit with the 413', async () => {
    const inner = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 });
    const r = await post('/v1/chat/completions', gzipSync(inner), { 'content-encoding': 'gzip, gzip' });
    expect(r.status).toBe(413);
    expect((r.body as { error: { message: string } }).error.message).toMatch(/server\.maxBodyBytes/);
    expect(h.upstream.requests).toHaveLength(0);
  });
});

/** One request on a raw socket (clients do not let a caller set Transfer-Encoding); the response text. */
const raw = (head: string, body: Buffer): Promise<string> => rawExchange(h.proxy.port, Buffer.concat([Buffer.from(head), body]));

const chunked = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]);
const head = (te: string) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-test\r\nTransfer-Encoding: ${te}\r\nConnection: close\r\n\r\n`;

describe('request transfer codings', () => {
  it('gzip before chunked is undone like a content coding, not read as the body', async () => {
    const res = await raw(head('gzip, chunked'), chunked(gzipSync(chat('gzip transfer coding'))));
    expect(res).toMatch(/^HTTP\/1\.1 200 /);
    expect(forwardedText()).toBe('gzip transfer coding');
  });

  it('a transfer coding Tollgate does not know gets a provider-style 501, and nothing is forwarded', async () => {
    const res = await raw(head('compress, chunked'), chunked(chat('compress')));
    expect(res).toMatch(/^HTTP\/1\.1 501 /);
    const err = (JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as { error: { message: string } }).error;
    expect(err.message).toContain('"compress"');
    expect(h.upstream.requests).toHaveLength(0);
  });
});
