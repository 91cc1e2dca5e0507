/**
 * This extension against an older proxy (one a window not yet reloaded after an update started,
 * or an older `tollgate start` on the port): a local API route the older proxy lacks used to fail
 * with the proxy's unknown-route text for SDK users ("Point your SDK at …/v1"). The extension's
 * client now says which version runs on the port and how to restart it. The older proxy is replayed
 * from answers recorded from the real build of commit 441eb0a (fixtures/README.md).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyClient, ProxyRequestError } from '../../../extension/src/client/proxyClient';

interface Recorded {
  commit: string;
  recorded: Array<{ method: string; path: string; status: number; headers: Record<string, string>; body: string }>;
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures/proxy-441eb0a.json'), 'utf8')) as Recorded;

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const hit = fixture.recorded.find((r) => r.method === req.method && r.path === req.url?.split('?')[0]);
    if (!hit) {
      res.writeHead(500).end('not recorded');
      return;
    }
    res.writeHead(hit.status, hit.headers).end(hit.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function failure(p: Promise<unknown>): Promise<ProxyRequestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProxyRequestError);
  return err as ProxyRequestError;
}

describe(`the extension's client against an older proxy (${fixture.commit})`, () => {
  it('a route the proxy lacks names the version on the port and how to restart it, not SDK advice', async () => {
    const client = new ProxyClient(url, 'admin-token');
    const version = (JSON.parse(fixture.recorded.find((r) => r.path === '/healthz')!.body) as { version: string }).version;
    const get = await failure(client.get('/tollgate/cache/quality-by-model?from=0'));
    expect(get.status).toBe(404);
    expect(get.message).toContain(`${url} is Tollgate ${version} without GET /tollgate/cache/quality-by-model`);
    expect(get.message).toMatch(/reload the VS Code window that started it/);
    expect(get.message).not.toMatch(/Point your SDK/);
  });

  it('a 404 for a call that does not exist keeps the proxy’s own message', async () => {
    const err = await failure(new ProxyClient(url, 'admin-token').call(999));
    expect(err.message).toBe('GET /tollgate/calls/999 → 404: no call with id 999');
  });
});
