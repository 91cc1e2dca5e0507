/**
 * `tollgate cache clear` runs beside a live proxy on the same file. On a year's cache (100k+
 * answers, 50k vectors) it was one DELETE and then one transaction for every orphaned vector: the
 * write lock was held for 10+ s and a call through the proxy waited 8.5 s for its ledger row. It now
 * removes in bounded transactions with the lock free between two: another connection that does not
 * wait at all (busy_timeout 0) gets its writes in while the clear is under way, and the same
 * entries and vectors are removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256 } from '../../proxy/src/cache/canonical';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { cacheCommand } from '../../proxy/src/cli/cache';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { startHarness } from '../support/harness';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-scale-cache-clear-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const ENTRIES = 1600;
const VECTORS = 600;
const KEY = 'tg_0123456789abcdef';
/** The namespace `cache clear --key KEY` selects (cache version 1); every 7th entry is in it. */
const namespaceOf = (i: number) => (i % 7 === 0 ? sha256(`${KEY}|v1`).slice(0, 32) : `ns${i % 7}`);

function fillCache(): void {
  const db = openDatabase(join(dir, 'tollgate.db'));
  const cache = new ExactCache(db);
  const store = new SemanticStore(db);
  store.migrate();
  const vector = new Float32Array(16);
  db.transaction(() => {
    for (let i = 0; i < ENTRIES; i++) {
      const body = { id: `c${i}`, object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: `answer ${i}` }, finish_reason: 'stop' }] };
      const put = cache.put(
        {
          key: `k${i}`,
          namespace: namespaceOf(i),
          endpoint: 'chat.completions',
          provider: 'openai',
          model: 'gpt-4o-mini',
          body,
          usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 },
          costUsd: 0.001,
          prompt: `q${i}`,
          ttlSeconds: 3600,
        },
        Number.MAX_SAFE_INTEGER,
      );
      if (i < VECTORS) {
        for (let d = 0; d < vector.length; d++) vector[d] = Math.sin(i * 31 + d);
        store.insert({ entryId: put.id, namespace: namespaceOf(i), modelId: 'm', vector, text: `q${i}`, expiresAt: Date.now() + 3600_000 });
      }
    }
  })();
  db.close();
}

describe('tollgate cache clear on a large cache', () => {
  it('leaves the write lock free between bounded batches, and removes the same answers and vectors', async () => {
    fillCache();
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const other: Db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
    other.pragma('busy_timeout = 0');
    const write = other.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');

    let settled = false;
    const clearing = cacheCommand()
      .exitOverride()
      .parseAsync(['clear', '--data-dir', dir], { from: 'user' })
      .finally(() => {
        settled = true;
      });
    let writesDuring = 0;
    for (let n = 0; n < 100_000; n++) {
      await new Promise((r) => setTimeout(r, 1));
      if (settled) break;
      try {
        write.run('probe', String(n));
        writesDuring++;
      } catch {
        // The clear holds the lock right now: try again next turn.
      }
    }
    await clearing;
    expect(writesDuring).toBeGreaterThan(0);
    expect(out).toEqual([`removed ${ENTRIES} cached answer(s) and ${VECTORS} semantic vector(s)`]);
    expect(other.prepare('SELECT COUNT(*) FROM cache_entries').pluck().get()).toBe(0);
    expect(other.prepare('SELECT COUNT(*) FROM semantic_entries').pluck().get()).toBe(0);
    other.close();
  });

  it('--key removes only that key\'s namespace, in batches, with its vectors', async () => {
    fillCache();
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await cacheCommand().exitOverride().parseAsync(['clear', '--data-dir', dir, '--key', KEY], { from: 'user' });
    const inKey = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 0).length;
    expect(out).toEqual([`removed ${inKey(ENTRIES)} cached answer(s) and ${inKey(VECTORS)} semantic vector(s)`]);
    const db = openDatabase(join(dir, 'tollgate.db'), { vector: false });
    expect(db.prepare('SELECT COUNT(*) FROM cache_entries').pluck().get()).toBe(ENTRIES - inKey(ENTRIES));
    expect(db.prepare('SELECT COUNT(*) FROM semantic_entries').pluck().get()).toBe(VECTORS - inKey(VECTORS));
    db.close();
  });

  it("the proxy's own POST /tollgate/cache/clear removes in batches with turns of its event loop between them", async () => {
    const h = await startHarness({});
    try {
      const cache = h.proxy.services.exactCache;
      const usage = { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 };
      h.proxy.services.db.transaction(() => {
        for (let i = 0; i < ENTRIES; i++) {
          const body = { id: `c${i}`, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `a${i}` }, finish_reason: 'stop' }] };
          cache.put({ key: `p${i}`, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body, usage, costUsd: 0.001, prompt: `q${i}`, ttlSeconds: 3600 }, Number.MAX_SAFE_INTEGER);
        }
      })();
      // Turns of the proxy's event loop (it runs in this process), read at each deletion.
      let turns = 0;
      let ticking = true;
      const tick = () => {
        turns++;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const seen: number[] = [];
      const del = cache.delete.bind(cache);
      vi.spyOn(cache, 'delete').mockImplementation((id: number) => {
        seen.push(turns);
        return del(id);
      });
      const r = await fetch(`${h.proxy.url}/tollgate/cache/clear`, { method: 'POST', headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
      ticking = false;
      expect(await r.json()).toEqual({ removed: ENTRIES });
      expect(seen).toHaveLength(ENTRIES);
      // The event loop turned while the entries were being removed: other requests were served.
      expect(seen[seen.length - 1]! - seen[0]!).toBeGreaterThanOrEqual(Math.ceil(ENTRIES / 200) - 1);
      expect(h.proxy.services.db.prepare('SELECT COUNT(*) FROM cache_entries').pluck().get()).toBe(0);
    } finally {
      await h.close();
    }
  });
});
