/**
 * Work an exact hit no longer does. Answers no cache may keep (storable.ts) are refused when stored;
 * a hit walked the whole stored answer through the same rules again, every time. An entry now keeps
 * the rules' edition it passed: a hit walks only an entry an earlier version stored (once: it is
 * marked, or dropped). And a hit read and decoded (decrypted, with a cache key) the stored prompt,
 * often the whole conversation, which only the dashboard's "answered from" shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { ExactCache } from '../../../proxy/src/cache/exactCache';
import * as storable from '../../../proxy/src/cache/storable';
import { openDatabase } from '../../../proxy/src/db/open';

vi.mock('../../../proxy/src/cache/storable', async (actual) => {
  const real = await actual<typeof import('../../../proxy/src/cache/storable')>();
  return { ...real, unstorableReason: vi.fn(real.unstorableReason) };
});
const walks = vi.mocked(storable.unstorableReason);

const dir = mkdtempSync(join(tmpdir(), 'tollgate-checked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const answer = (content: string, finish = 'stop') => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }] });
const usage = { inputTokens: 3, outputTokens: 2, cachedTokens: 0, cacheWriteTokens: 0 };

it('an entry this version stored is not walked again on its hits', () => {
  const db = openDatabase(join(dir, 'new.db'), { vector: false });
  try {
    const cache = new ExactCache(db);
    cache.put({ key: 'k', namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body: answer('Paris.'), usage, costUsd: 0.001, prompt: null, ttlSeconds: 3600 }, 1000);
    walks.mockClear();
    for (let i = 0; i < 20; i++) expect(cache.get('k')?.body).toEqual(answer('Paris.'));
    expect(walks).not.toHaveBeenCalled();
  } finally {
    db.close();
  }
});

it("an earlier version's entries are checked at their first hit: a bad one dropped, a good one marked", () => {
  const file = join(dir, 'old.db');
  const old = openDatabase(file, { vector: false });
  // The table as the previous version made it (no checked_under), with its two entries.
  old.exec(`CREATE TABLE cache_entries (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, endpoint TEXT NOT NULL,
    provider TEXT NOT NULL, model TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, last_hit_at INTEGER, hits INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL, usage TEXT NOT NULL, cost_usd REAL NOT NULL, prompt TEXT)`);
  const insert = old.prepare(`INSERT INTO cache_entries (key, namespace, endpoint, provider, model, created_at, expires_at, body, usage, cost_usd)
    VALUES (?, 'ns', 'chat.completions', 'openai', 'gpt-4o-mini', 1, ?, ?, ?, 0.001)`);
  const later = Date.now() + 3_600_000;
  insert.run('good', later, JSON.stringify(answer('Paris.')), JSON.stringify(usage));
  insert.run('filtered', later, JSON.stringify(answer('', 'content_filter')), JSON.stringify(usage));
  old.close();

  const db = openDatabase(file, { vector: false });
  try {
    const cache = new ExactCache(db);
    walks.mockClear();
    expect(cache.get('filtered')).toBeUndefined();
    expect(db.prepare("SELECT COUNT(*) AS n FROM cache_entries WHERE key = 'filtered'").get()).toEqual({ n: 0 });
    expect(cache.get('good')?.body).toEqual(answer('Paris.'));
    expect(walks).toHaveBeenCalledTimes(2);
    expect(db.prepare("SELECT checked_under FROM cache_entries WHERE key = 'good'").get()).toEqual({ checked_under: storable.STORABLE_RULES });
    for (let i = 0; i < 5; i++) expect(cache.get('good')?.body).toEqual(answer('Paris.'));
    expect(walks).toHaveBeenCalledTimes(2);
  } finally {
    db.close();
  }
});

it('a hit does not read or decode the stored prompt; the entry by id still has it', () => {
  const db = openDatabase(join(dir, 'prompt.db'), { vector: false });
  try {
    const decoded: string[] = [];
    const codec = { encode: (t: string) => `enc:${t}`, decode: (t: string) => {
        decoded.push(t);
        return t.slice(4);
      } };
    const cache = new ExactCache(db, codec);
    const prompt = 'system: be terse\nuser: the capital of France?';
    const { id } = cache.put({ key: 'k', namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body: answer('Paris.'), usage, costUsd: 0.001, prompt, ttlSeconds: 3600 }, 1000);
    const hit = cache.get('k');
    expect(hit?.body).toEqual(answer('Paris.'));
    expect(hit?.prompt).toBeNull();
    expect(decoded).toEqual([`enc:${JSON.stringify(answer('Paris.'))}`]);
    expect(cache.getById(id)?.prompt).toBe(prompt);
  } finally {
    db.close();
  }
});
