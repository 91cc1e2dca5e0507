/**
 * A fresh answer stored under a key that already has one (an `x-tollgate-cache: no-cache`
 * refresh) is a new entry with a new id: feedback about a hit of the old answer
 * (`x-tollgate-feedback: bad-hit`), and the ledger's "answered from" of that hit, never reach the
 * new answer. Through the real proxy with the official OpenAI SDK and the semantic cache loaded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExactCache } from '../../../proxy/src/cache/exactCache';
import { openDatabase } from '../../../proxy/src/db/open';
import { startHarness, waitForEmbedder, type Harness } from '../../support/harness';

let h: Harness;
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-refresh', maxRetries: 0 });
  await waitForEmbedder(h.proxy.url);
}, 240_000);
afterAll(async () => h?.close());

async function chat(content: string, headers: Record<string, string> = {}) {
  const { data, response } = await openai.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'refresh-entry-id' }, { role: 'user', content }] }, { headers })
    .withResponse();
  const requestId = response.headers.get('x-tollgate-request-id');
  const row = h.proxy.services.db.prepare('SELECT source_entry_id AS entry FROM calls WHERE request_id = ?').get(requestId) as { entry: number | null };
  return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache'), entry: row.entry, feedback: response.headers.get('x-tollgate-feedback') };
}

describe('a no-cache refresh stores a new entry', () => {
  it('a bad-hit report about the old answer does not evict the refreshed one', async () => {
    const first = await chat('How do I reset my password?');
    expect(first.cache).toBe('miss');
    const paraphrase = await chat('How can I reset my password?');
    expect(paraphrase).toMatchObject({ cache: 'semantic', text: first.text });

    const refreshed = await chat('How do I reset my password?', { 'x-tollgate-cache': 'no-cache' });
    expect(refreshed.cache).toBe('bypass');
    expect(refreshed.text).not.toBe(first.text);

    // The paraphrase's hit (of the first answer) was wrong: reported on the next call.
    expect((await chat('What is the capital of Peru?', { 'x-tollgate-feedback': 'bad-hit' })).feedback).toMatch(/^recorded/);

    const again = await chat('How do I reset my password?');
    expect(again).toMatchObject({ cache: 'exact', text: refreshed.text });
    expect(again.entry).not.toBe(paraphrase.entry);
  });
});

describe('ExactCache.put', () => {
  it('a second answer under the same key gets a new id and starts with no hits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-refresh-'));
    const db = openDatabase(join(dir, 'c.db'));
    try {
      const cache = new ExactCache(db);
      const entry = (text: string) => ({
        key: 'k1',
        namespace: 'ns',
        endpoint: 'chat.completions',
        provider: 'openai',
        model: 'gpt-4o-mini',
        body: { object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] },
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 },
        costUsd: 0.001,
        prompt: 'p',
        ttlSeconds: 60,
      });
      const old = cache.put(entry('old'), 100).id;
      cache.markHit(old);
      cache.flushHits();
      const stored = cache.put(entry('new'), 100);
      const fresh = stored.id;
      expect(fresh).not.toBe(old);
      expect(stored.replacedId).toBe(old);
      expect(cache.getById(old)).toBeUndefined();
      expect(cache.get('k1')).toMatchObject({ id: fresh, hits: 0, body: { choices: [{ message: { content: 'new' } }] } });
      expect(cache.count()).toBe(1);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
