/**
 * Tollgate mistaken for a forward proxy: `HTTPS_PROXY=http://127.0.0.1:<port>` with the SDK's
 * default base URL (Python's httpx reads HTTPS_PROXY by itself) sends `CONNECT api.openai.com:443`.
 * Node dropped the connection without a word ("Server disconnected without sending a response").
 * Tollgate now answers 405 with a reason phrase that says what to do — httpx's ProxyError and curl
 * show the status line — and a JSON body, and logs it; nothing is tunnelled or recorded.
 * A request with an absolute-form target naming the proxy itself (RFC 9112 §3.2.2: a server MUST
 * accept it) is served like its origin-form; one naming another host is refused, whatever Host says.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let upstream: FakeUpstream;
let proxy: RunningProxy;
let dataDir: string;
const warnings: string[] = [];
beforeAll(async () => {
  upstream = await startFakeUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-connect-'));
  const policy = PolicySchema.parse({ providers: { openai: { baseUrl: upstream.openaiBaseUrl }, anthropic: { baseUrl: upstream.anthropicBaseUrl } } });
  proxy = await startProxy({ port: 0, dataDir, policy, env: {}, log: { info() {}, warn: (l) => warnings.push(l), error() {} } });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      // One response is all these tests read (a kept-alive connection would stay open).
      if (/\r\n\r\n/.test(got) && /content-length: *(\d+)/i.test(got)) {
        const length = Number(/content-length: *(\d+)/i.exec(got)![1]);
        if (Buffer.byteLength(got.split('\r\n\r\n').slice(1).join('\r\n\r\n'), 'latin1') >= length) socket.end();
      }
    });
    socket.on('error', reject);
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}

const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'absolute form' }] });

describe('Tollgate used as a forward proxy', () => {
  it('CONNECT gets a 405 whose status line says to set the base URL, and a JSON body', async () => {
    const response = await rawExchange('CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nAccept: */*\r\n\r\n');
    const statusLine = response.split('\r\n')[0]!;
    expect(statusLine).toMatch(/^HTTP\/1\.1 405 /);
    expect(statusLine).toMatch(/not an? .*proxy/i);
    expect(statusLine).toMatch(/base URL/i);
    const body = JSON.parse(response.split('\r\n\r\n')[1]!) as { error: { message: string } };
    expect(body.error.message).toContain(`http://127.0.0.1:${proxy.port}/v1`);
    expect(warnings.some((w) => /CONNECT api\.openai\.com:443/.test(w))).toBe(true);
    expect(upstream.requests).toHaveLength(0);
  });

  it('an absolute-form target naming the proxy is served like its path', async () => {
    const target = `http://127.0.0.1:${proxy.port}/v1/chat/completions`;
    const response = await rawExchange(
      `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-abs\r\nContent-Length: ${Buffer.byteLength(chat)}\r\n\r\n${chat}`,
    );
    expect(response.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(upstream.requests.at(-1)?.path).toBe('/v1/chat/completions');
    expect(proxy.services.ledger.page({}, 1).calls[0]?.status).toBe(200);
  });

  it('an absolute-form target naming another host is refused even with a loopback Host header', async () => {
    const before = upstream.requests.length;
    const response = await rawExchange(
      `POST http://evil.example/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(chat)}\r\n\r\n${chat}`,
    );
    expect(response.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 403 /);
    expect(response).toContain('evil.example');
    expect(upstream.requests.length).toBe(before);
  });

  it('a Host value that is not name[:port] is refused, however it starts', async () => {
    const before = upstream.requests.length;
    for (const host of [`localhost:${proxy.port}@evil.example`, '[::1]evil.example', `127.0.0.1:${proxy.port}/x`]) {
      const response = await rawExchange(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-host\r\nContent-Length: ${Buffer.byteLength(chat)}\r\n\r\n${chat}`,
      );
      expect({ host, status: response.split('\r\n')[0] }).toEqual({ host, status: 'HTTP/1.1 403 Forbidden' });
    }
    expect(upstream.requests.length).toBe(before);
  });
});
