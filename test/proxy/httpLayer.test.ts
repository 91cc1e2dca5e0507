/**
 * The node:http layer the proxy runs on (proxy/src/http/http.ts): route matching like the
 * framework it replaced (params, case, trailing slash, prefixes, HEAD on GET routes), errors from
 * async handlers, and the body readers (limit, Content-Encoding, JSON).
 */
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, Router, jsonBody, rawBody, serve, type HttpServer } from '../../proxy/src/http/http';

let server: HttpServer;
let base = '';

beforeAll(async () => {
  const api = new Router();
  api.get('/items/:id', (req, res) => res.json({ id: req.params.id, q: req.query.q ?? null }));
  const app = new Router();
  app.use('/guarded', (req, res, next) => (req.headers['x-pass'] === '1' ? next() : res.status(401).json({ guarded: req.path })));
  app.get('/guarded/ok', (_req, res) => res.json({ ok: true }));
  app.mount('/api', api);
  app.post('/raw', rawBody(() => 64), (req, res) => res.json({ bytes: (req.body as Buffer).length, text: (req.body as Buffer).toString('utf8') }));
  app.post('/json', jsonBody(1024), (req, res) => res.json({ body: req.body ?? null }));
  app.get('/boom', async () => {
    throw new Error('async failure');
  });
  server = serve((req, res) =>
    app.handle(req, res, (err) => {
      if (err === undefined) return res.status(404).json({ notFound: `${req.method} ${req.path}` });
      res.status(err instanceof HttpError ? err.status : 500).json({ error: (err as Error).message, tooLarge: (err as HttpError).type === 'entity.too.large' });
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function call(method: 'GET' | 'POST' | 'HEAD' | 'DELETE', path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  const r = await request(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('routes', () => {
  it('captures URL-decoded params and the query; literal segments match in any case, with a trailing slash', async () => {
    expect((await call('GET', '/api/items/a%20b?q=1')).json).toEqual({ id: 'a b', q: '1' });
    expect((await call('GET', '/API/Items/X/')).json).toEqual({ id: 'X', q: null });
  });

  it('falls through to the final handler for an unknown path or method, and answers HEAD on a GET route without a body', async () => {
    expect(await call('GET', '/api/items')).toMatchObject({ status: 404, json: { notFound: 'GET /api/items' } });
    expect(await call('DELETE', '/api/items/1')).toMatchObject({ status: 404 });
    const head = await call('HEAD', '/api/items/1');
    expect(head.status).toBe(200);
    expect(head.json).toBeUndefined();
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('runs prefix middleware for the prefix and below, and nowhere else', async () => {
    expect(await call('GET', '/guarded/ok')).toMatchObject({ status: 401, json: { guarded: '/guarded/ok' } });
    expect(await call('GET', '/guarded/unknown')).toMatchObject({ status: 401 });
    expect(await call('GET', '/guarded/ok', undefined, { 'x-pass': '1' })).toMatchObject({ status: 200, json: { ok: true } });
    expect(await call('GET', '/guardedx')).toMatchObject({ status: 404 });
  });

  it('hands a rejected async handler to the final handler as an error', async () => {
    expect(await call('GET', '/boom')).toMatchObject({ status: 500, json: { error: 'async failure' } });
  });
});

describe('body readers', () => {
  it('reads the raw body, refuses one past the limit with 413, and inflates gzip', async () => {
    expect((await call('POST', '/raw', 'hello')).json).toEqual({ bytes: 5, text: 'hello' });
    expect(await call('POST', '/raw', 'x'.repeat(65))).toMatchObject({ status: 413, json: { tooLarge: true } });
    expect((await call('POST', '/raw', gzipSync('zipped'), { 'content-encoding': 'gzip' })).json).toEqual({ bytes: 6, text: 'zipped' });
    expect(await call('POST', '/raw', 'x', { 'content-encoding': 'compress' })).toMatchObject({ status: 415 });
  });

  it('parses JSON only when the request says it is JSON, and refuses malformed JSON with 400', async () => {
    expect((await call('POST', '/json', '{"a":1}', { 'content-type': 'application/json' })).json).toEqual({ body: { a: 1 } });
    expect((await call('POST', '/json', '{"a":1}', { 'content-type': 'text/plain' })).json).toEqual({ body: null });
    expect(await call('POST', '/json', '{"a":', { 'content-type': 'application/json' })).toMatchObject({ status: 400 });
    expect(await call('POST', '/json', '"scalar"', { 'content-type': 'application/json' })).toMatchObject({ status: 400 });
  });
});
