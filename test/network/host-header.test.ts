/**
 * The Host check (DNS rebinding) against the Host values real clients send. `http://localhost.:<port>`
 * (a fully qualified name, which curl and browsers send as `localhost.`) was refused with a 403;
 * names a rebinding page could use stay refused. A request with two Host lines was served by the
 * first (RFC 9112 §3.2: a 400), and one with none got node's bare 400 with no body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { rawExchange } from './support/rawExchange';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** The response to GET `path` sent with `hostLines` (whole header lines) on a raw socket. */
function exchange(hostLines: string, path = '/healthz', version = '1.1'): Promise<string> {
  return rawExchange(h.proxy.port, `GET ${path} HTTP/${version}\r\n${hostLines}Connection: close\r\n\r\n`);
}

/** The status of GET /healthz sent with `host` as its Host header. */
async function statusFor(host: string): Promise<number> {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(await exchange(`Host: ${host}\r\n`))?.[1]);
}

const errorOf = (raw: string) => (JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { type: string; message: string } }).error;

describe('Host header', () => {
  it('takes loopback names as clients send them: a trailing dot, any case, IPv6, with or without a port', async () => {
    const port = h.proxy.port;
    for (const host of ['localhost.', `localhost.:${port}`, `LocalHost.:${port}`, '127.0.0.1.', `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      expect([host, await statusFor(host)]).toEqual([host, 200]);
    }
  });

  it('refuses every other name, dotted or not', async () => {
    for (const host of ['localhost..', 'evil.example.', 'localhost.evil.example', 'evil.localhost.', '127.0.0.2', '0.0.0.0', `localhost.:80@evil.example`, '[::ffff:7f00:1]', '']) {
      expect([host, await statusFor(host)]).toEqual([host, 403]);
    }
  });

  it('refuses two Host lines with a provider-style 400, whichever comes first', async () => {
    const port = h.proxy.port;
    for (const lines of [`Host: 127.0.0.1:${port}\r\nHost: evil.example\r\n`, `Host: evil.example\r\nHost: 127.0.0.1:${port}\r\n`, `Host: localhost\r\nHost: localhost\r\n`]) {
      const raw = await exchange(lines, '/v1/models');
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(errorOf(raw).message).toMatch(/more than one Host/);
    }
    expect(h.upstream.requests).toHaveLength(0);
  });

  it('answers a request without Host with a provider-style 400 saying so (HTTP/1.1 and 1.0)', async () => {
    for (const version of ['1.1', '1.0']) {
      const raw = await exchange('', '/v1/models', version);
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(errorOf(raw)).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/no Host header/) });
    }
    expect(h.upstream.requests).toHaveLength(0);
  });
});
