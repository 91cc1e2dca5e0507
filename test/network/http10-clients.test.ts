/**
 * HTTP/1.0 clients (nginx's `proxy_pass` speaks it upstream unless told otherwise, as does ab):
 * a streamed answer cannot be chunked for them, so it has no trailers and ends at the close. The
 * `Trailer` header made node throw before the first byte: the client got an empty reply, and the
 * call was taken for an upstream failure, retried and billed three times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawExchange } from './support/rawExchange';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

function post(version: '1.0' | '1.1', path: string, body: object, extra = ''): Promise<{ head: string; body: string }> {
  const json = JSON.stringify(body);
  const bytes =
    `POST ${path} HTTP/${version}\r\nHost: 127.0.0.1:${h.proxy.port}\r\nContent-Type: application/json\r\n` +
    `Authorization: Bearer sk-http10\r\nx-api-key: sk-ant-http10\r\nanthropic-version: 2023-06-01\r\n${extra}Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
  return rawExchange(h.proxy.port, bytes, 10_000).then((raw) => {
    const at = raw.indexOf('\r\n\r\n');
    return { head: raw.slice(0, at), body: raw.slice(at + 4) };
  });
}

/** The text deltas of an unchunked OpenAI event stream, joined. */
function openaiText(sse: string): string {
  return sse
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
    .join('');
}

describe('HTTP/1.0 clients', () => {
  it('get a streamed chat answer whole, unchunked, ending at the close; one upstream call and one 200 row; the replay too', async () => {
    const content = 'stream me over HTTP/1.0 [[fake:words=12]]';
    const body = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content }] };
    h.upstream.reset();
    const r = await post('1.0', '/v1/chat/completions', body);
    expect(r.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.head).toMatch(/\r\ncontent-type: text\/event-stream/i);
    expect(r.head).not.toMatch(/\r\n(transfer-encoding|trailer):/i);
    expect(r.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(openaiText(r.body)).toMatch(/You said: stream me over HTTP\/1\.0/);
    expect(h.upstream.requests).toHaveLength(1);
    const id = /\r\nx-tollgate-request-id: (\S+)/i.exec(r.head)?.[1];
    const rows = h.proxy.services.ledger.page({}, 20).calls.filter((c) => c.requestId === id);
    expect(rows.map((c) => [c.status, c.cache])).toEqual([[200, 'miss']]);

    const again = await post('1.0', '/v1/chat/completions', body);
    expect(again.head).toMatch(/\r\nx-tollgate-cache: exact\r\n/i);
    expect(openaiText(again.body)).toBe(openaiText(r.body));
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('get a streamed Anthropic answer whole, through its message_stop', async () => {
    h.upstream.reset();
    const r = await post('1.0', '/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'claude over HTTP/1.0' }] }, 'Connection: keep-alive\r\n');
    expect(r.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.head).not.toMatch(/\r\ntrailer:/i);
    expect(r.body).toContain('event: content_block_delta');
    expect(r.body.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('HTTP/1.1 keeps the chunked stream with the cost in its trailer', async () => {
    const r = await post('1.1', '/v1/chat/completions', { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream me over HTTP/1.1' }] }, 'Connection: close\r\n');
    expect(r.head).toMatch(/\r\ntransfer-encoding: chunked/i);
    expect(r.head).toMatch(/\r\ntrailer: x-tollgate-cost-usd/i);
    expect(r.body).toMatch(/\r\n0\r\nx-tollgate-cost-usd: \d+\.\d{8}\r\n/);
  });
});
