/**
 * What a captured call costs in memory while its ledger row is held (another process holds the data file's
 * write lock; up to 10,000 rows wait). The body waiting for the row kept the whole call context alive with it:
 * the request's buffer, its parsed body, the answer — 20 bodies of 400 kB held 16 MB of buffers besides their
 * text. Now only the text waits, and every body is still kept once the rows are written. The heap is read after
 * forced collections (V8's gc exposed for this file), counting buffers only: the waiting text is a string.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { proxyWithSecondConnection } from '../db/support/secondConnection';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const BODIES = 20;
const SIZE = 400_000;

describe('batch.capture while ledger rows are held', () => {
  const setup = proxyWithSecondConnection({ retries: { attempts: 0 }, batch: { capture: { features: ['eval'], maxBytes: 1024 * 1024, retentionDays: 3 } } });

  it('holds the body text for each held row, not the call it came from', async () => {
    const { h, other } = setup;
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-held-memory', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval', 'x-tollgate-cache': 'no-store' } });
    other.exec('BEGIN IMMEDIATE');
    let buffers: number;
    try {
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'the first waits for the lock' }] });
      gc();
      gc();
      const before = process.memoryUsage().arrayBuffers;
      for (let i = 0; i < BODIES; i++) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${i} ${'x'.repeat(SIZE)}` }] });
      gc();
      gc();
      buffers = process.memoryUsage().arrayBuffers - before;
      expect(h.proxy.services.ledger.heldCount).toBe(BODIES + 1);
    } finally {
      other.exec('COMMIT');
    }
    expect(buffers).toBeLessThan((BODIES * SIZE) / 4);
    expect(h.proxy.services.ledger.writeHeld()).toBe(0);
    const kept = h.proxy.services.db.prepare('SELECT body FROM captured_requests').pluck().all() as string[];
    const texts = kept.map((b) => JSON.parse(b).messages[0].content as string).sort();
    expect(texts).toEqual([...Array.from({ length: BODIES }, (_, i) => `${i} ${'x'.repeat(SIZE)}`), 'the first waits for the lock'].sort());
  }, 60_000);
});
