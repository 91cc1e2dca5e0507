/**
 * Exact-cache entry ids are never reused. semantic_entries (and its vec0 tables), semantic_hits,
 * the ledger's sourceEntryId and feedback keep an entry's id after the entry is gone; with a plain
 * `INTEGER PRIMARY KEY` the next entry after a clear (or after evicting the highest id) got the same
 * id, so reporting an old hit evicted a new, unrelated answer. Databases made before the fix are
 * migrated in place (rows and ids kept).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

const dirs: string[] = [];
function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-entry-ids-'));
  dirs.push(dir);
  return join(dir, 'tollgate.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const usage = { inputTokens: 3, outputTokens: 2, cachedTokens: 0, cacheWriteTokens: 0 };
function put(cache: ExactCache, key: string, prompt = key, ttlSeconds = 3600): number {
  return cache.put({ key, namespace: 'ns', endpoint: 'chat.completions', provider: 'openai', model: 'gpt-4o-mini', body: { answer: key }, usage, costUsd: 0.001, prompt, ttlSeconds }, 1000).id;
}

/** cache_entries exactly as every release before the fix created it. */
const OLD_DDL = `
  CREATE TABLE cache_entries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    namespace TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_hit_at INTEGER,
    hits INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL,
    usage TEXT NOT NULL,
    cost_usd REAL NOT NULL,
    prompt TEXT
  );
  CREATE INDEX cache_entries_namespace ON cache_entries(namespace);
  CREATE INDEX cache_entries_expires ON cache_entries(expires_at);`;

function oldRow(db: Db, id: number, prompt: string, hits = 0): void {
  db.prepare(
    `INSERT INTO cache_entries (id, key, namespace, endpoint, provider, model, created_at, expires_at, last_hit_at, hits, body, usage, cost_usd, prompt)
     VALUES (?, ?, 'ns', 'chat.completions', 'openai', 'gpt-4o-mini', ?, ?, NULL, ?, ?, ?, 0.001, ?)`,
  ).run(id, `key-${id}`, Date.now(), Date.now() + 3_600_000, hits, JSON.stringify({ answer: prompt }), JSON.stringify(usage), prompt);
}

function schemaOf(db: Db): string {
  return db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cache_entries'").pluck().get() as string;
}

function unitVector(seed: number, dims = 64): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.sin(seed * 7.3 + i * 1.7);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('exact cache entry ids (real SQLite file)', () => {
  it('store, clear, store: the new entry gets a new id', () => {
    const db = openDatabase(dbFile(), { vector: false });
    const cache = new ExactCache(db);
    const first = put(cache, 'How do I reset my password?');
    expect(cache.clear()).toBe(1);
    const second = put(cache, 'What is the capital of France?');
    expect(second).not.toBe(first);
    expect(second).toBeGreaterThan(first);
    expect(cache.getById(first)).toBeUndefined();
    db.close();
  });

  it('evicting the highest id (delete, TTL expiry, LRU) never hands it out again', () => {
    let t = 1_000_000;
    const db = openDatabase(dbFile(), { vector: false });
    const cache = new ExactCache(db, undefined, () => t);
    const a = put(cache, 'a');
    const b = put(cache, 'b');
    expect(cache.delete(b)).toBe(true);
    const c = put(cache, 'c');
    expect(c).toBeGreaterThan(b);
    // TTL: the newest entry expires and housekeeping removes it.
    const d = put(cache, 'd', 'd', 1);
    t += 2_000;
    expect(cache.housekeep(1000)).toBe(1);
    const e = put(cache, 'e');
    expect(e).toBeGreaterThan(d);
    // LRU: the newest entry is the least recently used one once the others were hit.
    const f = put(cache, 'f');
    t += 10;
    cache.markHit(a);
    cache.markHit(c);
    cache.markHit(e);
    cache.flushHits();
    t += 10;
    expect(cache.housekeep(3)).toBe(1);
    expect(cache.getById(f)).toBeUndefined();
    expect(put(cache, 'g')).toBeGreaterThan(f);
    db.close();
  });

  it('also after a restart (the sequence is in the file)', () => {
    const file = dbFile();
    let db = openDatabase(file, { vector: false });
    const id = put(new ExactCache(db), 'x');
    new ExactCache(db).clear();
    db.close();
    db = openDatabase(file, { vector: false });
    expect(put(new ExactCache(db), 'y')).toBeGreaterThan(id);
    db.close();
  });
});

describe('migrating a database made with the old schema', () => {
  it('keeps its rows and ids, keeps the semantic index pointing at them, and never reuses an id afterwards', () => {
    const file = dbFile();
    const now = Date.now();
    // An old database: three entries, a semantic index over two of them, and references to
    // entries already gone before the upgrade (7 in the hit log, 5 in the ledger).
    let db = openDatabase(file);
    db.exec(OLD_DDL);
    oldRow(db, 1, 'How do I reset my password?', 4);
    oldRow(db, 2, 'What is the capital of France?');
    oldRow(db, 3, 'How do I change my email?');
    db.exec(`CREATE TABLE semantic_hits (id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, key_namespace TEXT NOT NULL, feature TEXT NOT NULL,
      entry_id INTEGER NOT NULL, probability REAL NOT NULL, ts INTEGER NOT NULL, verdict TEXT)`);
    db.prepare("INSERT INTO semantic_hits (request_id, key_namespace, feature, entry_id, probability, ts) VALUES ('tg_old', 'k', 'acct', 7, 0.9, ?)").run(now);
    db.exec('CREATE TABLE calls (id INTEGER PRIMARY KEY, source_entry_id INTEGER)');
    db.prepare('INSERT INTO calls (source_entry_id) VALUES (5)').run();
    let store = new SemanticStore(db);
    store.migrate();
    store.insert({ entryId: 1, namespace: 'ns', modelId: 'm', vector: unitVector(1), text: 'How do I reset my password?', expiresAt: now + 3_600_000 });
    store.insert({ entryId: 3, namespace: 'ns', modelId: 'm', vector: unitVector(3), text: 'How do I change my email?', expiresAt: now + 3_600_000 });
    const before = db.prepare('SELECT * FROM cache_entries ORDER BY id').all();
    expect(schemaOf(db)).not.toMatch(/AUTOINCREMENT/i);
    db.close();

    db = openDatabase(file);
    const cache = new ExactCache(db);
    expect(schemaOf(db)).toMatch(/AUTOINCREMENT/i);
    // Rows copied as they were; the rules' edition they passed is unknown (null: checked at their next hit).
    expect(db.prepare('SELECT * FROM cache_entries ORDER BY id').all()).toEqual(before.map((r) => ({ ...(r as object), checked_under: null })));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'cache_entries%' ORDER BY name").pluck().all()).toEqual([
      'cache_entries',
      'cache_entries_expires',
      'cache_entries_lru',
    ]);
    expect(cache.getById(1)!.prompt).toBe('How do I reset my password?');
    expect(cache.getById(1)!.hits).toBe(4);
    // The semantic index (semantic_entries and its vec0 table) still finds the same entries.
    store = new SemanticStore(db, { knn: 'vec0' });
    store.migrate();
    const found = store.search({ namespace: 'ns', modelId: 'm', vector: unitVector(3) });
    expect(found[0]!.entryId).toBe(3);
    expect(cache.getById(found[0]!.entryId)!.prompt).toBe('How do I change my email?');

    // New ids start above every id still referred to (7 in the hit log), not just above the rows.
    const next = put(cache, 'Something new');
    expect(next).toBe(8);
    expect(cache.delete(next)).toBe(true);
    expect(cache.clear()).toBe(3);
    const after = put(cache, 'Something else');
    expect(after).toBeGreaterThan(next);
    db.close();

    // Idempotent: opening again changes nothing and the sequence carries on.
    db = openDatabase(file);
    const again = new ExactCache(db);
    expect(db.prepare('SELECT id FROM cache_entries').pluck().all()).toEqual([after]);
    expect(put(again, 'And another')).toBeGreaterThan(after);
    db.close();
  });

  it('an empty old table (cleared before the upgrade) starts above the ids the hit log and ledger keep', () => {
    const file = dbFile();
    let db = openDatabase(file, { vector: false });
    db.exec(OLD_DDL);
    db.exec('CREATE TABLE calls (id INTEGER PRIMARY KEY, source_entry_id INTEGER)');
    db.prepare('INSERT INTO calls (source_entry_id) VALUES (12)').run();
    db.close();
    db = openDatabase(file, { vector: false });
    expect(put(new ExactCache(db), 'first after upgrade')).toBe(13);
    db.close();
  });

  it('is all or nothing: a failure part-way leaves the old table intact, and the next open migrates', () => {
    const file = dbFile();
    let db = openDatabase(file, { vector: false });
    db.exec(OLD_DDL);
    oldRow(db, 1, 'kept');
    oldRow(db, 2, 'kept too');
    // A ledger table without the column the migration reads last: it fails after copying,
    // dropping and renaming, i.e. as late as it can.
    db.exec('CREATE TABLE calls (id INTEGER PRIMARY KEY)');
    db.close();
    db = openDatabase(file, { vector: false });
    expect(() => new ExactCache(db)).toThrow(/source_entry_id/);
    expect(schemaOf(db)).not.toMatch(/AUTOINCREMENT/i);
    expect(db.prepare('SELECT id, prompt FROM cache_entries ORDER BY id').all()).toEqual([
      { id: 1, prompt: 'kept' },
      { id: 2, prompt: 'kept too' },
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'cache_entries_autoinc'").get()).toBeUndefined();
    db.exec('ALTER TABLE calls ADD COLUMN source_entry_id INTEGER');
    db.close();
    db = openDatabase(file, { vector: false });
    const cache = new ExactCache(db);
    expect(schemaOf(db)).toMatch(/AUTOINCREMENT/i);
    expect(cache.getById(2)!.prompt).toBe('kept too');
    expect(cache.delete(2)).toBe(true);
    expect(put(cache, 'new')).toBe(3);
    db.close();
  });
});

describe('through the proxy: feedback on a hit from before a clear', () => {
  let h: Harness;
  let client: OpenAI;
  beforeAll(async () => {
    h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } });
    await waitForEmbedder(h.proxy.url);
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-entry-ids', maxRetries: 0 });
  });
  afterAll(async () => {
    await h?.close();
  });
  const admin = () => ({ authorization: `Bearer ${h.proxy.adminToken}`, 'content-type': 'application/json' });
  const ask = (content: string, feature: string) =>
    client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'S' }, { role: 'user', content }] }, { headers: { 'x-tollgate-feature': feature } }).withResponse();

  it('does not evict the unrelated entry stored after the clear, nor show it as the source', async () => {
    await ask('How do I reset my password?', 'acct');
    const hit = await ask('How can I reset my password?', 'acct');
    expect(hit.response.headers.get('x-tollgate-cache')).toBe('semantic');
    const hitRequestId = hit.response.headers.get('x-tollgate-request-id')!;
    const hitCall = h.proxy.services.ledger.page({}, 1).calls[0]!;
    const clear = await fetch(`${h.proxy.url}/tollgate/cache/clear`, { method: 'POST', headers: admin(), body: '{}' });
    expect(clear.status).toBe(200);
    await ask('What is the capital of France?', 'geo');
    const entries = h.proxy.services.db.prepare('SELECT id, prompt FROM cache_entries').all() as Array<{ id: number; prompt: string }>;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.id).not.toBe(hitCall.sourceEntryId);

    const detail = (await (await fetch(`${h.proxy.url}/tollgate/calls/${hitCall.id}`, { headers: admin() })).json()) as { sourcePrompt?: string };
    expect(detail.sourcePrompt).toBeUndefined();
    const fb = await fetch(`${h.proxy.url}/tollgate/cache/feedback`, { method: 'POST', headers: admin(), body: JSON.stringify({ requestId: hitRequestId }) });
    expect(fb.status).toBe(200);
    expect(((await fb.json()) as { evicted: boolean }).evicted).toBe(false);
    expect(h.proxy.services.db.prepare('SELECT prompt FROM cache_entries').pluck().all()).toEqual(['What is the capital of France?']);
    const again = await ask('What is the capital of France?', 'geo');
    expect(again.response.headers.get('x-tollgate-cache')).toBe('exact');
  });
});
