/**
 * HEAD (RFC 9110 §9.3.2): on a GET route it is answered as the GET would be, status and headers
 * (Content-Length included) without the body, and the connection serves the next request; the
 * upstream is asked with the GET the API documents, on the pipeline's routes and the relayed ones
 * (files, batches, vector stores, uploads) alike. It never reaches a POST route: a HEAD on a
 * path that only takes POST (a chat, an embedding, an image) is a 405 with `Allow: POST`, and
 * nothing is forwarded or billed. A streamed answer (a resumed response's events) is not run to its
 * end for a HEAD: the headers go out, the connection closes and the upstream stream is cut.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('never runs a POST route: every path that only takes POST is a 405 allowing POST, nothing forwarded or recorded', async () => {
    const getPaths = new Set(ROUTES.filter((r) => r.method === 'GET').map((r) => r.path));
    const postOnly = [...new Set(ROUTES.filter((r) => r.method === 'POST' && !getPaths.has(r.path)).map((r) => r.path))];
    expect(postOnly).toEqual(expect.arrayContaining(['/v1/messages', '/v1/embeddings', '/v1/responses', '/v1/images/generations']));
    h.upstream.reset();
    const rowsBefore = h.proxy.services.ledger.page({}, 1000).calls.length;
    for (const path of postOnly) {
      const concrete = path.replace(/:[a-z]+/g, 'x1');
      const raw = await exchange(request('HEAD', concrete));
      expect([concrete, /^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1], /\r\nallow: ([^\r]*)/i.exec(raw)?.[1]]).toEqual([concrete, '405', 'POST']);
    }
    expect(h.upstream.requests).toHaveLength(0);
    expect(h.proxy.services.ledger.page({}, 1000).calls).toHaveLength(rowsBefore);
  });

  it('on the relayed routes (files, batches, vector stores, uploads): the upstream is asked with GET, never HEAD, and no body follows', async () => {
    // Before, these went upstream as HEAD (the batch router relays the method it is given).
    const paths = [
      '/v1/files',
      '/v1/files/file-abc123',
      '/v1/files/file-abc123/content',
      '/v1/batches',
      '/v1/batches/batch_abc123',
      '/v1/messages/batches',
      '/v1/messages/batches/msgbatch_abc123',
      '/v1/messages/batches/msgbatch_abc123/results',
      '/v1/vector_stores',
      '/v1/vector_stores/vs_abc123/files',
      '/v1/uploads/upload_abc123',
    ];
    for (const path of paths) {
      h.upstream.reset();
      const both = await exchange(request('HEAD', path, false) + request('GET', '/healthz'));
      const [headHead = '', rest = ''] = both.split(/\r\n\r\n(.*)/s);
      expect([path, headHead]).toEqual([path, expect.stringMatching(/^HTTP\/1\.1 \d{3} /)]);
      // Nothing between the HEAD's headers and the next answer.
      expect([path, rest.slice(0, 16)]).toEqual([path, 'HTTP/1.1 200 OK\r']);
      expect([path, h.upstream.requests.map((r) => r.method)]).toEqual([path, h.upstream.requests.length > 0 ? ['GET'] : []]);
    }
  });

  it("on Tollgate's live events: the headers, then the connection closes instead of staying open for events nobody reads", async () => {
    // No give-up timer of our own: a connection the proxy kept open fails the test by its timeout, however loaded the machine.
    const raw = await rawExchange(h.proxy.port, `HEAD /tollgate/events HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nAuthorization: Bearer ${h.proxy.adminToken}\r\n\r\n`, 10 * 60_000);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toMatch(/\r\ncontent-type: text\/event-stream/i);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
  });
});

describe('HEAD on a streamed answer', () => {
  const ID = 'resp_68c1f2a7b3e08190a1b2c3d4e5f60718';
  let up: Server;
  let hs: Harness;
  /** Events the upstream wrote, and whether its client left before the last. */
  const upstream = { events: 0, cut: false, methods: [] as string[] };
  beforeAll(async () => {
    // A background response's events resumed with `?stream=true`, one every 50 ms for 10 s.
    up = createServer((req, res) => {
      upstream.methods.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_head_stream' });
      let n = 0;
      const timer = setInterval(() => {
        n++;
        upstream.events = n;
        if (n < 200) {
          res.write(`event: response.in_progress\ndata: ${JSON.stringify({ type: 'response.in_progress', sequence_number: n, response: { id: ID, object: 'response', status: 'in_progress' } })}\n\n`);
          return;
        }
        clearInterval(timer);
        res.end(`event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: n, response: { id: ID, object: 'response', status: 'completed', output: [], usage: null } })}\n\n`);
      }, 50);
      res.on('close', () => {
        clearInterval(timer);
        if (!res.writableFinished) upstream.cut = true;
      });
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    hs = await startHarness({}, { openai: { baseUrl: `http://127.0.0.1:${(up.address() as AddressInfo).port}/v1` } });
  });
  afterAll(async () => {
    await hs.close();
    await new Promise((resolve) => up.close(resolve));
  });

  it('answers the headers and cuts the upstream stream instead of reading it to its end', async () => {
    const raw = await rawExchange(hs.proxy.port, `HEAD /v1/responses/${ID}?stream=true HTTP/1.1\r\nHost: 127.0.0.1:${hs.proxy.port}\r\nAuthorization: Bearer sk-test\r\n\r\n`, 15_000);
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw).toMatch(/\r\ncontent-type: text\/event-stream/i);
    // The connection closes after the headers (it says so): no body, no waiting for the stream's end.
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    expect(upstream.methods).toEqual([`GET /v1/responses/${ID}?stream=true`]);
    // Cut before its last event: a proxy that read the stream to its end never sets `cut`.
    await expect.poll(() => upstream.cut, { timeout: 20_000 }).toBe(true);
    expect(upstream.events).toBeLessThan(200);
    // Recorded with the status the client got, nothing billed for events nobody read: a HEAD is
    // answered whole by its headers, not a client that left (499, a disconnect on the dashboard).
    await expect.poll(() => hs.proxy.services.ledger.page({}, 10).calls.length).toBe(1);
    const row = hs.proxy.services.ledger.page({}, 10).calls[0];
    expect(row).toMatchObject({ endpoint: 'responses.retrieve', status: 200, costUsd: 0 });
    expect(row?.errorType).toBeUndefined();
  });
});
