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
const PUBLIC_APP = 'https://app.example.com';
beforeAll(async () => {
  h = await startHarness({}, { env: { TOLLGATE_ALLOWED_ORIGINS: `${APP} ${PUBLIC_APP}` } });
});
afterAll(async () => h.close());

function preflight(path: string, origin: string, method: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.proxy.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type', ...extra },
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

  it('a public page allowed to call the proxy gets the Private Network Access grant Chrome asks for; others do not', async () => {
    // Chrome preflights a public page's request to 127.0.0.1 with this header, and sends the call
    // only if the answer grants it: without the grant, an allowed web app could not reach the proxy.
    const pna = { 'access-control-request-private-network': 'true' };
    const ok = await preflight('/v1/chat/completions', PUBLIC_APP, 'POST', pna);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PUBLIC_APP);
    expect(ok.headers.get('access-control-allow-private-network')).toBe('true');
    // Only when asked: a same-network page's ordinary preflight is answered as before.
    expect((await preflight('/v1/chat/completions', APP, 'POST')).headers.get('access-control-allow-private-network')).toBeNull();
    const refused = await preflight('/v1/chat/completions', 'https://evil.example', 'POST', pna);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-private-network')).toBeNull();
    expect(h.upstream.requests.filter((r) => r.method === 'OPTIONS')).toEqual([]);
  });
});
