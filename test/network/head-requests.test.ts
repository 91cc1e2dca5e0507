/**
 * HEAD (RFC 9110 §9.3.2): on a GET route it is answered as the GET would be, status and headers
 * (Content-Length included) without the body, and the connection serves the next request; the
 * upstream is asked with the GET the API documents. It never reaches a POST route: a HEAD on a
 * path that only takes POST (a chat, an embedding, an image) is a 404 like any unknown route, and
 * nothing is forwarded or billed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../proxy/src/providers';
import { startHarness, type Harness } from '../support/harness';
import { rawExchange } from './support/rawExchange';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Raw bytes in, everything the server sent until it closed. */
const exchange = (bytes: string): Promise<string> => rawExchange(h.proxy.port, bytes);

const request = (method: string, path: string, close = true) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nAuthorization: Bearer sk-test\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
const lengthOf = (head: string) => Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);

describe('HEAD', () => {
  it('on a GET route: the GET status and Content-Length, no body, and the connection goes on', async () => {
    const get = await exchange(request('GET', '/v1/models'));
    const getBody = get.slice(get.indexOf('\r\n\r\n') + 4);
    expect(get).toMatch(/^HTTP\/1\.1 200 /);

    h.upstream.reset();
    // HEAD then GET /healthz on one connection: a body sent for the HEAD would be read as the next response.
    const both = await exchange(request('HEAD', '/v1/models', false) + request('GET', '/healthz'));
    const [headHead = '', rest = ''] = both.split(/\r\n\r\n(.*)/s);
    expect(headHead).toMatch(/^HTTP\/1\.1 200 /);
    expect(lengthOf(headHead)).toBe(Buffer.byteLength(getBody, 'latin1'));
    expect(rest).toMatch(/^HTTP\/1\.1 200 /);
    expect(rest).toContain('"status":"ok"');
    expect(h.upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
  });

  it('never runs a POST route: every path that only takes POST is a 404, nothing forwarded or recorded', async () => {
    const getPaths = new Set(ROUTES.filter((r) => r.method === 'GET').map((r) => r.path));
    const postOnly = [...new Set(ROUTES.filter((r) => r.method === 'POST' && !getPaths.has(r.path)).map((r) => r.path))];
    expect(postOnly).toEqual(expect.arrayContaining(['/v1/messages', '/v1/embeddings', '/v1/responses', '/v1/images/generations']));
    h.upstream.reset();
    const rowsBefore = h.proxy.services.ledger.page({}, 1000).calls.length;
    for (const path of postOnly) {
      const concrete = path.replace(/:[a-z]+/g, 'x1');
      const raw = await exchange(request('HEAD', concrete));
      expect([concrete, /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]]).toEqual([concrete, '404']);
    }
    expect(h.upstream.requests).toHaveLength(0);
    expect(h.proxy.services.ledger.page({}, 1000).calls).toHaveLength(rowsBefore);
  });
});
