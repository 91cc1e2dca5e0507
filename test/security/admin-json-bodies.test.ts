/**
 * Tollgate's admin POSTs (`/tollgate/cache/feedback`, `/tollgate/router/feedback`) from the tools
 * people use by hand: `curl -d '{"entryId": 3}'` sends it form-encoded, `fetch(url, {body})` as
 * text/plain. The body was ignored unless it said application/json, and the route answered as if
 * nothing was sent ("send {"requestId": …} or {"entryId": …}" — which the caller had). The body is
 * now read as JSON whatever its Content-Type (these routes need the admin token and refuse browsers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function cacheOne(content: string): Promise<number> {
  const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-admin-bodies' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  expect(r.status).toBe(200);
  await r.text();
  return h.proxy.services.db.prepare('SELECT id FROM cache_entries ORDER BY id DESC LIMIT 1').pluck().get() as number;
}

function post(path: string, body: string, contentType?: string): Promise<Response> {
  return fetch(`${h.proxy.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.proxy.adminToken}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
}

describe('admin POST bodies sent without application/json', () => {
  it('curl -d (form-encoded) JSON reaches the route', async () => {
    const id = await cacheOne('evict me by curl');
    const r = await post('/tollgate/cache/feedback', JSON.stringify({ entryId: id }), 'application/x-www-form-urlencoded');
    const text = await r.text();
    expect(r.status, text).toBe(200);
    expect((JSON.parse(text) as { entryId: number; evicted: boolean }).evicted).toBe(true);
    expect(h.proxy.services.db.prepare('SELECT count(*) FROM cache_entries WHERE id = ?').pluck().get(id)).toBe(0);
  });

  it('fetch with a string body (text/plain) reaches the route', async () => {
    const id = await cacheOne('evict me by fetch');
    const r = await post('/tollgate/cache/feedback', JSON.stringify({ entryId: id }));
    expect(r.status, await r.text()).toBe(200);
    expect(h.proxy.services.db.prepare('SELECT count(*) FROM cache_entries WHERE id = ?').pluck().get(id)).toBe(0);
  });

  it('a body that is not JSON is a 400 that says so, and nothing is evicted', async () => {
    const id = await cacheOne('keep me');
    const r = await post('/tollgate/cache/feedback', `entryId=${id}`, 'application/x-www-form-urlencoded');
    const text = await r.text();
    expect(r.status).toBe(400);
    expect(text).toMatch(/JSON/);
    expect(h.proxy.services.db.prepare('SELECT count(*) FROM cache_entries WHERE id = ?').pluck().get(id)).toBe(1);
  });
});
