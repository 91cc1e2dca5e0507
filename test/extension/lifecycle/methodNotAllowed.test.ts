/**
 * A proxy that serves a local API path with other methods only (an older or newer build than this
 * extension, where a route changed its method) answers 405 with `Allow`. The extension's client
 * takes that, like a missing route, as a version mismatch and says how to restart the proxy,
 * instead of showing "→ 405: … does not serve". Real proxy; the client's fetch asks with a method
 * the route does not take, as a client of another version would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyClient, ProxyRequestError } from '../../../extension/src/client/proxyClient';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('a local API route asked with a method the proxy does not take', () => {
  it('is reported as a proxy of another version, with how to restart it', async () => {
    const asPatch: typeof fetch = (input, init) => fetch(input, String(input).includes('/tollgate/') ? { ...init, method: 'PATCH' } : init);
    const client = new ProxyClient(h.proxy.url, h.proxy.adminToken, asPatch);
    const err = await client.batches().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProxyRequestError);
    expect((err as ProxyRequestError).status).toBe(405);
    expect((err as ProxyRequestError).message).toContain(`${h.proxy.url} is Tollgate `);
    expect((err as ProxyRequestError).message).toContain('without GET /tollgate/batches');
    expect((err as ProxyRequestError).message).toMatch(/reload the VS Code window that started it/);
  });
});
