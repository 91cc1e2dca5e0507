/**
 * Cache isolation for clients that put their key in the URL (`?key=…`, as Google's APIs take it) or
 * in `x-goog-api-key`: the query string is forwarded to the upstream as it is, so the upstream
 * authenticates with that key. Before, Tollgate read keys from headers only: two callers with
 * different `?key=` values shared one namespace, and the second got the first one's answer as an
 * exact hit. Requests whose query strings differ (Azure's `api-version`) do not share an entry either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function ask(path: string, content: string, headers: Record<string, string> = {}): Promise<{ cache: string | null; fingerprint: string }> {
  const res = await fetch(`${h.proxy.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
  });
  expect(res.status).toBe(200);
  await res.json();
  const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
  return { cache: res.headers.get('x-tollgate-cache'), fingerprint: row.keyFingerprint };
}

describe('keys outside the Authorization header', () => {
  it('a ?key= query parameter is the caller’s key: different keys never share an exact entry', async () => {
    const a = await ask('/v1/chat/completions?key=AAAA-first-key', 'which key am I?');
    const b = await ask('/v1/chat/completions?key=BBBB-second-key', 'which key am I?');
    expect(a.cache).toBe('miss');
    expect(b.cache).toBe('miss');
    expect(b.fingerprint).not.toBe(a.fingerprint);
    // The same key again is a hit, and the key itself is stored nowhere in the row.
    const again = await ask('/v1/chat/completions?key=AAAA-first-key', 'which key am I?');
    expect(again.cache).toBe('exact');
    expect(again.fingerprint).toBe(a.fingerprint);
    expect(JSON.stringify(h.proxy.services.ledger.page({}, 10).calls)).not.toMatch(/AAAA-first-key|BBBB-second-key/);
  });

  it('x-goog-api-key is the caller’s key too', async () => {
    const a = await ask('/v1/chat/completions', 'google style key', { 'x-goog-api-key': 'goog-one' });
    const b = await ask('/v1/chat/completions', 'google style key', { 'x-goog-api-key': 'goog-two' });
    expect([a.cache, b.cache]).toEqual(['miss', 'miss']);
    expect(b.fingerprint).not.toBe(a.fingerprint);
  });

  it('requests with different query strings (api-version) do not share an exact entry', async () => {
    const key = { authorization: 'Bearer sk-azure-style' };
    const v1 = await ask('/v1/chat/completions?api-version=2024-10-21', 'versioned', key);
    const v2 = await ask('/v1/chat/completions?api-version=2025-04-01-preview', 'versioned', key);
    const v1again = await ask('/v1/chat/completions?api-version=2024-10-21', 'versioned', key);
    expect([v1.cache, v2.cache, v1again.cache]).toEqual(['miss', 'miss', 'exact']);
  });
});
