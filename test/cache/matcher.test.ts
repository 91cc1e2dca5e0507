/**
 * The semantic cache engine end to end with the real bundled USE-lite model and real sqlite-vec
 * on a temp SQLite file. One model load for the whole file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../proxy/src/db/open';
import { openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import { SemanticMatcher } from '../../proxy/src/cache/semantic/matcher';
import { semanticKey } from '../../proxy/src/cache/semantic/namespace';
import { SemanticStore } from '../../proxy/src/cache/semantic/store';
import type { Embedder } from '../../proxy/src/embedding/types';

const THRESHOLD = 0.8;
let dir: string;
let db: Db;
let store: SemanticStore;
let matcher: SemanticMatcher;
let embedder: Embedder;
let nextId = 1;
const HOUR = 3_600_000;

async function vec(text: string): Promise<Float32Array> {
  const [v] = await embedder.embed([text]);
  return v!;
}

async function put(text: string, namespace = 'ns-a', modelId = embedder.info.modelId, expiresAt = Date.now() + HOUR): Promise<number> {
  const entryId = nextId++;
  store.insert({ entryId, namespace, modelId, vector: await vec(text), text, expiresAt });
  return entryId;
}

async function look(text: string, namespace = 'ns-a', modelId = embedder.info.modelId, now?: number) {
  return matcher.lookup({ namespace, modelId, vector: await vec(text), text, threshold: THRESHOLD, now });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-semantic-'));
  db = openDatabase(join(dir, 'cache.db'));
  embedder = await openUseLiteEmbedder();
});

afterAll(async () => {
  await embedder?.close();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  db.exec('DROP TABLE IF EXISTS semantic_entries; DROP TABLE IF EXISTS semantic_vec_512;');
  store = new SemanticStore(db);
  store.migrate();
  matcher = new SemanticMatcher(store);
});

describe('SemanticMatcher with USE-lite and sqlite-vec', () => {
  it('a paraphrase hits the original entry', async () => {
    const id = await put('How do I reset my password?');
    await put('What is the capital of France?');
    const r = await look('how can I reset my password');
    expect(r).toMatchObject({ entryId: id });
    expect('similarity' in r && r.similarity).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it('a near-miss with a different meaning is vetoed by the guard even though it is very similar', async () => {
    await put('Is smoking allowed on the train?');
    await put('What are the top 5 programming languages?');
    const neg = await look('Is smoking not allowed on the train?');
    expect(neg).toMatchObject({ miss: true });
    expect('vetoed' in neg && neg.vetoed).toMatch(/negation/);
    // The embedding alone would have served it: the similarity is above the threshold.
    expect('bestSimilarity' in neg && neg.bestSimilarity).toBeGreaterThanOrEqual(THRESHOLD);
    const num = await look('What are the top 50 programming languages?');
    expect(num).toMatchObject({ miss: true });
    expect('vetoed' in num && num.vetoed).toMatch(/numbers/);
  });

  it('an unrelated prompt misses without a veto (below the threshold)', async () => {
    await put('How do I reset my password?');
    const r = await look('Recommend a good science fiction novel');
    expect(r).toMatchObject({ miss: true });
    expect('vetoed' in r ? r.vetoed : undefined).toBeUndefined();
  });

  it('different namespaces (API keys, system prompts) never share entries', async () => {
    const sys = (system: string, text: string) =>
      semanticKey('chat.completions', { model: 'gpt-4o-mini', messages: [{ role: 'system', content: system }, { role: 'user', content: text }] });
    const a = sys('You are a pirate.', 'How do I reset my password?');
    const b = sys('You are a lawyer.', 'How do I reset my password?');
    if (!a.eligible || !b.eligible) throw new Error('expected eligible requests');
    const nsA = `key-1:${a.contextHash}`;
    await put(a.lastUserText, nsA);
    expect(await look(a.lastUserText, nsA)).toHaveProperty('entryId');
    expect(await look(b.lastUserText, `key-1:${b.contextHash}`)).toMatchObject({ miss: true });
    expect(await look(a.lastUserText, `key-2:${a.contextHash}`)).toMatchObject({ miss: true });
  });

  it('a different embedder model id never matches', async () => {
    await put('How do I reset my password?', 'ns-a', 'model-one');
    expect(await look('How do I reset my password?', 'ns-a', 'model-two')).toMatchObject({ miss: true });
    expect(await look('How do I reset my password?', 'ns-a', 'model-one')).toHaveProperty('entryId');
  });

  it('expired entries are never returned, and purge removes them', async () => {
    const now = Date.now();
    await put('How do I reset my password?', 'ns-a', embedder.info.modelId, now + 1000);
    expect(await look('How do I reset my password?', 'ns-a', embedder.info.modelId, now)).toHaveProperty('entryId');
    expect(await look('How do I reset my password?', 'ns-a', embedder.info.modelId, now + 1000)).toMatchObject({ miss: true });
    expect(store.purgeExpired(now + 1000)).toBe(1);
    expect(store.count()).toBe(0);
  });

  it('evictToMax keeps the most recently used entries', async () => {
    const old = await put('How do I reset my password?');
    const used = await put('What is the capital of France?');
    const fresh = await put('How do I bake sourdough bread?');
    // A hit refreshes `used`, so `old` is the least recently used.
    expect(await look('What is the capital of France?', 'ns-a', embedder.info.modelId, Date.now() + 10)).toMatchObject({ entryId: used });
    expect(store.evictToMax(2)).toBe(1);
    expect(store.count()).toBe(2);
    expect(await look('How do I reset my password?')).toMatchObject({ miss: true });
    expect(await look('How do I bake sourdough bread?')).toMatchObject({ entryId: fresh });
    expect(old).not.toBe(fresh);
  });

  it('delete and clearNamespace remove entries from search', async () => {
    const a = await put('How do I reset my password?', 'ns-a');
    await put('How do I reset my password?', 'ns-b');
    await put('What is the capital of France?', 'ns-b');
    expect(store.delete(a)).toBe(true);
    expect(store.delete(a)).toBe(false);
    expect(await look('How do I reset my password?', 'ns-a')).toMatchObject({ miss: true });
    expect(await look('How do I reset my password?', 'ns-b')).toHaveProperty('entryId');
    expect(store.clearNamespace('ns-b')).toBe(2);
    expect(await look('How do I reset my password?', 'ns-b')).toMatchObject({ miss: true });
    expect(store.count()).toBe(0);
  });

  it('survives reopening the database file', async () => {
    const id = await put('How do I reset my password?');
    const file = db.name;
    db.close();
    db = openDatabase(file);
    store = new SemanticStore(db);
    store.migrate();
    matcher = new SemanticMatcher(store);
    expect(await look('how can I reset my password')).toMatchObject({ entryId: id });
  });
});
