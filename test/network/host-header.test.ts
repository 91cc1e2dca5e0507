/**
 * The Host check (DNS rebinding) against the Host values real clients send. `http://localhost.:<port>`
 * (a fully qualified name, which curl and browsers send as `localhost.`) was refused with a 403;
 * names a rebinding page could use stay refused.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** The status of GET /healthz sent with `host` as its Host header. */
function statusFor(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect(h.proxy.port, '127.0.0.1', () => s.write(`GET /healthz HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    let got = '';
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1])));
  });
}

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
});
