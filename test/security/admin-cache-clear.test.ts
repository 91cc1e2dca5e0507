/**
 * `POST /tollgate/cache/clear` removes one namespace when the body names it, every namespace when the
 * body is empty or `{}`. A careless request — curl's default form encoding, a number or an empty
 * string where the namespace goes, a misspelt field, a body that is not JSON — used to read as "no
 * namespace" and wiped the whole cache. It is now refused with a 400 and nothing is removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Fills the cache with one answer per key (each key is its own namespace). */
async function fill(keys: string[]): Promise<void> {
  for (const key of keys) {
    const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `cache me for ${key}` }] }),
    });
    expect(r.status).toBe(200);
    await r.text();
  }
}

function clear(body: string | undefined, contentType?: string): Promise<Response> {
  return fetch(`${h.proxy.url}/tollgate/cache/clear`, {
    method: 'POST',
    headers: { authorization: `Bearer ${h.proxy.adminToken}`, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(body === undefined ? {} : { body }),
  });
}

describe('POST /tollgate/cache/clear with a careless body', () => {
  it('refuses a body it cannot read as a namespace (400) and removes nothing', async () => {
    await fill(['sk-clear-one', 'sk-clear-two']);
    const ns = h.proxy.services.db.prepare('SELECT DISTINCT namespace FROM cache_entries ORDER BY namespace').pluck().all() as string[];
    expect(ns.length).toBe(2);
    const before = h.proxy.services.exactCache.count();
    const careless: Array<[string, string | undefined]> = [
      [`namespace=${ns[0]}`, 'application/x-www-form-urlencoded'], // curl -d without -H content-type
      ['{"namespace": 42}', 'application/json'],
      ['{"namespace": ""}', 'application/json'],
      ['{"namespace": {"$ne": null}}', 'application/json'],
      [`{"namespace": "${'n'.repeat(500)}"}`, 'application/json'],
      [`{"nameSpace": "${ns[0]}"}`, 'application/json'],
      ['["all"]', 'application/json'],
      ['not json', 'application/json'],
    ];
    for (const [body, type] of careless) {
      const r = await clear(body, type);
      const text = await r.text();
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      const err = (JSON.parse(text) as { error: { type: string; message: string } }).error;
      expect(err.type).toBe('invalid_request_error');
      expect(err.message).toMatch(/namespace/);
      expect(h.proxy.services.exactCache.count()).toBe(before);
    }
  });

  it('still clears one namespace when named, and everything for an empty body or {}', async () => {
    await fill(['sk-clear-four']);
    const before = h.proxy.services.exactCache.count();
    expect(before).toBeGreaterThan(0);
    const ns = h.proxy.services.db.prepare('SELECT namespace FROM cache_entries ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const one = await clear(JSON.stringify({ namespace: ns }), 'application/json');
    expect(one.status).toBe(200);
    expect(((await one.json()) as { removed: number }).removed).toBe(1);
    expect(h.proxy.services.exactCache.count()).toBe(before - 1);
    // fetch sends a string body as text/plain: `{}` is still read as JSON on this admin route.
    const all = await clear('{}');
    expect(all.status).toBe(200);
    expect(h.proxy.services.exactCache.count()).toBe(0);
    await fill(['sk-clear-three']);
    const none = await clear(undefined);
    expect(none.status).toBe(200);
    expect(h.proxy.services.exactCache.count()).toBe(0);
  });
});
