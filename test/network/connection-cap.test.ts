/**
 * Open client connections are capped (TOLLGATE_MAX_CONNECTIONS, here 3). Before, every connection
 * was accepted and held (an idle one for the 66 s headers timeout) until the process ran out of
 * file descriptors and failed everything. Past the cap a connection gets a provider-style 503 with
 * `retry-after` and is closed; once one closes, a new one is served again.
 */
import { connect, type Socket } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const held: Socket[] = [];
beforeAll(async () => {
  h = await startHarness({}, { env: { TOLLGATE_MAX_CONNECTIONS: '3' } });
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await h.close();
});

/** A connection that sends nothing (as a slowloris client or an idle pool socket would). */
function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(h.proxy.port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** One request on a fresh connection; resolves with everything the server sent before closing. */
function exchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(h.proxy.port, '127.0.0.1', () => s.write(bytes));
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', reject);
    const cap = setTimeout(() => s.destroy(new Error(`no close; got ${JSON.stringify(got.slice(0, 200))}`)), 8_000);
    s.on('close', () => {
      clearTimeout(cap);
      resolve(got);
    });
  });
}

const healthz = () => exchange(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nConnection: close\r\n\r\n`);
const bodyOf = (raw: string): unknown => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('a cap on open client connections', () => {
  it('past the cap a connection gets a readable 503 that tells the SDK to retry, and is closed', async () => {
    for (let i = 0; i < 3; i++) held.push(await open());
    const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    const raw = await exchange(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-test\r\nContent-Length: ${chat.length}\r\n\r\n${chat}`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 503 /);
    expect(raw).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    const err = (bodyOf(raw) as { error: { type: string; message: string } }).error;
    expect(err.type).toBe('server_error');
    expect(err.message).toMatch(/TOLLGATE_MAX_CONNECTIONS/);
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('in the Anthropic shape on an Anthropic route', async () => {
    const raw = await exchange(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nContent-Type: application/json\r\nanthropic-version: 2023-06-01\r\nContent-Length: 2\r\n\r\n{}`);
    expect(raw).toMatch(/^HTTP\/1\.1 503 /);
    expect(bodyOf(raw)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  // Closed by the proxy (after its few seconds' grace), not held for the 66 s headers timeout: the
  // test's own timeout, far below that and generous for a loaded machine, is the bound.
  it('a refused connection that sends nothing is closed, not held', async () => {
    const s = await open();
    await expect(new Promise<string>((resolve) => s.on('close', () => resolve('closed')))).resolves.toBe('closed');
  }, 30_000);

  it('the connections within the cap are still served', async () => {
    const s = held[0]!;
    const got = new Promise<string>((resolve) => {
      let text = '';
      s.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('"status":"ok"')) resolve(text);
      });
    });
    s.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\n\r\n`);
    expect(await got).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('once connections close, new ones are served again (a real SDK call goes through)', async () => {
    for (const s of held.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(await healthz()).toMatch(/^HTTP\/1\.1 200 /);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after the cap' }] });
    expect(r.choices[0]?.message.content).toMatch(/after the cap/);
  });
});
