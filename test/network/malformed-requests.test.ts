/**
 * Requests node's HTTP parser refuses before any route sees them: `Transfer-Encoding` together with
 * `Content-Length` (a request-smuggling shape some gateways still produce), a header line without a
 * colon, headers past node's size limit (a giant cookie or metadata header). Node answered these
 * with a bare status line and no body, so an SDK showed "400 status code (no body)". Tollgate now
 * answers with a provider-style JSON error saying what was wrong, in the shape the route implies,
 * and still forwards and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawExchange } from './support/rawExchange';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Sends raw bytes, resolves with what came back once the server closes (or 5 s passed). */
const exchange = (bytes: string): Promise<string> => rawExchange(h.proxy.port, bytes);

function parse(response: string): { status: number; contentType: string; body: unknown } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1] ?? '';
  return { status, contentType, body: body ? (JSON.parse(body) as unknown) : undefined };
}

const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const messages = JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });

describe('requests the HTTP parser refuses get a readable provider-style error', () => {
  it('Transfer-Encoding with Content-Length: OpenAI-shaped 400 naming the problem', async () => {
    const host = `127.0.0.1:${h.proxy.port}`;
    const chunk = `${Buffer.byteLength(chat).toString(16)}\r\n${chat}\r\n0\r\n\r\n`;
    const r = parse(await exchange(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(chat)}\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}`));
    expect(r.status).toBe(400);
    expect(r.contentType).toMatch(/^application\/json/);
    const err = (r.body as { error: { type: string; message: string } }).error;
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toMatch(/Transfer-Encoding.*Content-Length|Content-Length.*Transfer-Encoding/i);
  });

  it('a malformed header line: 400 in the Anthropic shape on an Anthropic route', async () => {
    const host = `127.0.0.1:${h.proxy.port}`;
    const r = parse(await exchange(`POST /v1/messages HTTP/1.1\r\nHost: ${host}\r\nanthropic-version: 2023-06-01\r\nThis line has no colon\r\nContent-Length: ${Buffer.byteLength(messages)}\r\n\r\n${messages}`));
    expect(r.status).toBe(400);
    const body = r.body as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/could not parse the HTTP request/i);
  });

  it('headers past the size limit: 431 with a message that says so', async () => {
    const host = `127.0.0.1:${h.proxy.port}`;
    const r = parse(await exchange(`POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nx-metadata: ${'a'.repeat(40_000)}\r\nContent-Length: ${Buffer.byteLength(chat)}\r\n\r\n${chat}`));
    expect(r.status).toBe(431);
    const err = (r.body as { error: { type: string; message: string } }).error;
    expect(err.message).toMatch(/headers/i);
    expect(err.message).toMatch(/\d+ (bytes|KB)/);
  });

  // node keeps the first 2000 header lines and drops the rest without a word (maxHeadersCount):
  // the key, the admin token or a tag sent after them was lost. The size limit (431) is the bound.
  it('many short headers within the size limit: none is dropped', async () => {
    const host = `127.0.0.1:${h.proxy.port}`;
    const filler = Array.from({ length: 2100 }, (_, i) => `x${i}: \r\n`).join('');
    const raw = await exchange(`GET /tollgate/budgets HTTP/1.1\r\nHost: ${host}\r\n${filler}Authorization: Bearer ${h.proxy.adminToken}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('forwards and records none of them', () => {
    expect(h.upstream.requests).toHaveLength(0);
    expect(h.proxy.services.ledger.page({}, 10).calls).toHaveLength(0);
  });
});
