/**
 * A web app the user allowed (TOLLGATE_ALLOWED_ORIGINS) calling the proxy with the OpenAI SDK in the
 * browser: `client.responses.delete(id)` and the other DELETE routes are preflighted, and the
 * preflight's allowed methods said only "GET, POST", so the browser never sent them. Origins not
 * allowed still get no CORS headers and a 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
const APP = 'http://localhost:5173';
beforeAll(async () => {
  h = await startHarness({}, { env: { TOLLGATE_ALLOWED_ORIGINS: APP } });
});
afterAll(async () => h.close());

function preflight(path: string, origin: string, method: string): Promise<Response> {
  return fetch(`${h.proxy.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('CORS preflights for an allowed origin', () => {
  it('allows every method a provider route takes, DELETE included', async () => {
    for (const [path, method] of [
      ['/v1/responses/resp_123', 'DELETE'],
      ['/v1/chat/completions', 'POST'],
      ['/v1/models', 'GET'],
    ] as const) {
      const r = await preflight(path, APP, method);
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(APP);
      const methods = (r.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/);
      expect(methods).toContain(method);
    }
  });

  it('the DELETE the preflight allowed then goes through with the CORS header', async () => {
    const r = await fetch(`${h.proxy.url}/v1/responses/resp_123`, { method: 'DELETE', headers: { origin: APP, authorization: 'Bearer sk-cors' } });
    await r.text();
    expect(r.headers.get('access-control-allow-origin')).toBe(APP);
    expect(h.upstream.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/v1/responses/resp_123' });
  });

  it('another origin gets a 403 and no CORS headers', async () => {
    const r = await preflight('/v1/responses/resp_123', 'http://localhost:5174', 'DELETE');
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('access-control-allow-methods')).toBeNull();
  });
});
