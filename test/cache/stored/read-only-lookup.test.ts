/**
 * A data file the proxy may no longer write (a newer Tollgate's format seen, the file replaced:
 * db/formatWatch.ts sets `query_only`) still answers reads such as the dashboard's "answered from"
 * (`getById`). A lookup that meets an entry it would drop — encrypted with another cache key, or an
 * answer an earlier version stored that no cache may keep — is a miss there, not SQLite's
 * "attempt to write a readonly database" thrown up to the caller as a 500.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createBodyCodec } from '../../../proxy/src/cache/encryption';
import { ExactCache } from '../../../proxy/src/cache/exactCache';
import { openDatabase } from '../../../proxy/src/db/open';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-ro-lookup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answer = (content: string, finish = 'stop') => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }] });
const usage = { inputTokens: 3, outputTokens: 2, cachedTokens: 0, cacheWriteTokens: 0 };
const entry = (key: string, body: Record<string, unknown>) => ({ key, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body, usage, costUsd: 0.001, prompt: 'q', ttlSeconds: 3600 });

it('entries a lookup would drop are misses on a file that has become read-only, and stay for a writer', () => {
  const db = openDatabase(join(dir, 'ro.db'), { vector: false });
  try {
    const sealed = new ExactCache(db, createBodyCodec(randomBytes(32))).put(entry('other-key', answer('Paris.')), 1000);
    const plain = new ExactCache(db);
    plain.put(entry('good', answer('Rome.')), 1000);
    const filtered = plain.put(entry('filtered', answer('Berlin.')), 1000);
    // As an earlier version stored it: an answer cut by the content filter, never checked.
    db.prepare('UPDATE cache_entries SET body = ?, checked_under = NULL WHERE id = ?').run(JSON.stringify(answer('', 'content_filter')), filtered.id);
    db.pragma('query_only = ON');

    const reader = new ExactCache(db, createBodyCodec(randomBytes(32)));
    expect(reader.get('other-key')).toBeUndefined();
    expect(reader.getById(sealed.id)).toBeUndefined();
    expect(plain.get('filtered')).toBeUndefined();
    expect(plain.getById(filtered.id)).toBeUndefined();
    expect(plain.get('good')?.body).toEqual(answer('Rome.'));
    expect(db.prepare('SELECT COUNT(*) AS n FROM cache_entries').get()).toEqual({ n: 3 });

    db.pragma('query_only = OFF');
    expect(plain.get('filtered')).toBeUndefined();
    expect(plain.count()).toBe(2);
  } finally {
    db.close();
  }
});

it("a stop on a file that has become read-only is not cut short by the hits' counts it cannot write", () => {
  const db = openDatabase(join(dir, 'ro-hits.db'), { vector: false });
  try {
    const cache = new ExactCache(db);
    const { id } = cache.put(entry('good', answer('Rome.')), 1000);
    cache.markHit(id);
    db.pragma('query_only = ON');
    // start.ts's stop flushes the counts, then closes the ledger (which writes the rows it holds) and the file.
    expect(() => cache.flushHits()).not.toThrow();
    expect(db.prepare('SELECT hits FROM cache_entries WHERE id = ?').get(id)).toEqual({ hits: 0 });
  } finally {
    db.close();
  }
});
