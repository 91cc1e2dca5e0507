/**
 * A miss commits its cache entry and its ledger row in one transaction; when the cache cannot take
 * the entry the row is still written. Exact hits count in memory and reach the table within a
 * second, before any eviction and at shutdown; each hit's ledger row is written before its answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { openDatabase } from '../../proxy/src/db/open';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;
const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-misscommit-'));

beforeAll(async () => {
  h = await startHarness({}, { dataDir });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-misscommit-1', maxRetries: 0 });
});
afterAll(async () => {
  await h.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const ask = (content: string) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
const calls = (needle: string) =>
  h.proxy.services.db.prepare('SELECT status, cache FROM calls WHERE instr(prompt_preview, ?) > 0 ORDER BY id').all(needle) as {
    status: number;
    cache: string;
  }[];

describe('a miss', () => {
  it('commits the entry and the row together: the next identical request is a hit, two rows', async () => {
    const prompt = `miss commit ${Date.now()}`;
    const first = await ask(prompt);
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const second = await ask(prompt);
    expect(second.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(calls(prompt).map((r) => r.cache)).toEqual(['miss', 'exact']);
  });

  it('stores the answer as the bytes the client received (the relayed text)', async () => {
    const prompt = `stored as relayed ${Date.now()}`;
    const res = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-misscommit-1' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
    });
    const relayed = await res.text();
    expect(res.headers.get('x-tollgate-cache')).toBe('miss');
    const row = h.proxy.services.db.prepare('SELECT body FROM cache_entries WHERE instr(prompt, ?) > 0').get(prompt) as { body: string } | undefined;
    expect(row?.body).toBe(relayed);
  });

  it('keeps a given serialisation verbatim (ExactCache.put with bodyText) and reads it back parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-bodytext-'));
    const db = openDatabase(join(dir, 'c.db'), { vector: false });
    try {
      const cache = new ExactCache(db);
      const text = '{ "object": "chat.completion",\n  "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}] }';
      const body = JSON.parse(text) as Record<string, unknown>;
      const usage = { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 };
      const id = cache.put({ key: 'k1', namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'm', body, bodyText: text, usage, costUsd: 0, prompt: null, ttlSeconds: 60 }, 100).id;
      expect(db.prepare('SELECT body FROM cache_entries WHERE id = ?').pluck().get(id)).toBe(text);
      expect(cache.get('k1')?.body).toEqual(body);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still gets its ledger row when the cache cannot store the entry, and the answer is not cached', async () => {
    const db = h.proxy.services.db;
    db.exec(`CREATE TRIGGER refuse_cache BEFORE INSERT ON cache_entries BEGIN SELECT RAISE(ABORT, 'cache refused'); END`);
    try {
      const prompt = `cache refused ${Date.now()}`;
      const before = h.proxy.services.exactCache.count();
      const a = await ask(prompt);
      const b = await ask(prompt);
      expect(a.response.status).toBe(200);
      expect(b.response.headers.get('x-tollgate-cache')).toBe('miss');
      expect(h.proxy.services.exactCache.count()).toBe(before);
      expect(calls(prompt)).toEqual([
        { status: 200, cache: 'miss' },
        { status: 200, cache: 'miss' },
      ]);
    } finally {
      db.exec('DROP TRIGGER refuse_cache');
    }
  });
});

describe('exact hits', () => {
  it('are counted in the table at shutdown, each with its ledger row', async () => {
    const prompt = `hit counts ${Date.now()}`;
    await ask(prompt);
    for (let i = 0; i < 5; i++) expect((await ask(prompt)).response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(calls(prompt).filter((r) => r.cache === 'exact')).toHaveLength(5);
    await h.close(); // the data directory is ours: kept
    const db = openDatabase(join(dataDir, 'tollgate.db'), { vector: false });
    try {
      const row = db.prepare("SELECT hits, last_hit_at FROM cache_entries WHERE id = (SELECT source_entry_id FROM calls WHERE cache = 'exact' ORDER BY id DESC LIMIT 1)").get() as {
        hits: number;
        last_hit_at: number | null;
      };
      expect(row.hits).toBe(5);
      expect(row.last_hit_at).not.toBeNull();
    } finally {
      db.close();
      h = await startHarness({}, { dataDir });
      openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-misscommit-1', maxRetries: 0 });
    }
  });

  it('reach the table before an eviction, so the recently hit entry survives it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-hits-'));
    const db = openDatabase(join(dir, 'c.db'), { vector: false });
    let t = 1_000;
    const cache = new ExactCache(db, undefined, () => t);
    const entry = (key: string) => ({
      key,
      namespace: 'ns',
      endpoint: 'chat',
      provider: 'openai',
      model: 'm',
      body: { key },
      usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      prompt: null,
      ttlSeconds: 3600,
    });
    try {
      const old = cache.put(entry('old'), 10).id;
      t += 10;
      cache.put(entry('new'), 10);
      t += 10;
      cache.markHit(old); // in memory only until the flush
      expect(cache.housekeep(1)).toBe(1);
      expect(cache.get('old')?.hits).toBe(1);
      expect(cache.get('new')).toBeUndefined();
      cache.markHit(old);
      cache.flushHits();
      expect(cache.get('old')?.hits).toBe(2);
    } finally {
      cache.flushHits();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
