/**
 * A full exact cache (policy `cache.maxEntries`) evicts its least recently used entries every 256
 * writes. Without an index on the eviction order, each eviction sorted every entry — reading every
 * stored answer's pages (100k entries: the whole cache file) on the proxy's event loop. The plan
 * must walk an index, and the entries evicted must still be the least recently used.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { openDatabase } from '../../proxy/src/db/open';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-evict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exact cache eviction', () => {
  it('takes the least recently used entries through an index, not a sort of the whole cache', () => {
    const db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
    try {
      let now = 1_000_000;
      const cache = new ExactCache(db, undefined, () => now);
      const ids: number[] = [];
      for (let i = 0; i < 20; i++) {
        now += 1000;
        ids.push(cache.put({ key: `k${i}`, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body: { choices: [{ message: { role: 'assistant', content: `answer ${i}` }, finish_reason: 'stop' }] }, usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.001, prompt: null, ttlSeconds: 86_400 }, 1000).id);
      }
      // Entry 0 was used last; 1 and 2 are now the least recently used.
      now += 1000;
      cache.markHit(ids[0]!);
      cache.flushHits();
      const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT id FROM cache_entries ORDER BY COALESCE(last_hit_at, created_at) ASC LIMIT 2').all() as Array<{ detail: string }>).map((r) => r.detail).join('\n');
      expect(plan).toContain('cache_entries_lru');
      expect(plan).not.toContain('TEMP B-TREE');
      expect(cache.housekeep(18)).toBe(2);
      const left = (db.prepare('SELECT id FROM cache_entries ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
      expect(left).toEqual(ids.filter((id) => id !== ids[1] && id !== ids[2]));
    } finally {
      db.close();
    }
  });
});

describe('exact cache writes', () => {
  // Each stored miss commits every page its row and indexes touch (one WAL frame each, most of the
  // commit's cost on the call's path). A namespace index only served `clear --namespace`, a rare
  // scan, and cost every miss a page.
  it('writes no more pages per stored entry than its lookup, expiry and eviction indexes need', () => {
    const file = join(dir, 'pages.db');
    const db = openDatabase(file, { vector: false });
    try {
      db.pragma('wal_autocheckpoint = 0');
      const cache = new ExactCache(db);
      const put = (i: number) =>
        cache.put({ key: `key-${i}`, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body: { choices: [{ message: { role: 'assistant', content: `answer ${i}` }, finish_reason: 'stop' }] }, usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.001, prompt: `question ${i}`, ttlSeconds: 86_400 }, 100_000);
      for (let i = 0; i < 50; i++) put(i);
      db.pragma('wal_checkpoint(TRUNCATE)');
      const n = 300;
      for (let i = 50; i < 50 + n; i++) put(i);
      // Row, key index, expiry index, LRU index, sqlite_sequence: five pages, plus the odd split.
      const pages = statSync(`${file}-wal`).size / (4096 + 24) / n;
      expect(pages).toBeGreaterThan(5);
      expect(pages).toBeLessThan(5.5);
      expect(cache.clear('ns')).toBe(50 + n);
    } finally {
      db.close();
    }
  });
});
