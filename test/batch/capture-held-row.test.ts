/**
 * A captured call (`batch.capture`) answered while another process holds the data file's write
 * lock: its ledger row is held in memory and written once the lock is gone (ledger.ts). Its body
 * was looked up by that row, found none, and was never kept: the call was missing from every batch
 * file made from the ledger. Now the body is kept once the held row is written, linked to it.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { proxyWithSecondConnection } from '../db/support/secondConnection';

describe('batch.capture while the ledger row is held', () => {
  const setup = proxyWithSecondConnection({ retries: { attempts: 0 }, batch: { capture: { features: ['eval'], maxBytes: 4096, retentionDays: 3 } } });

  it('keeps the body once the row is written, linked to it, and the row is in the ledger once', async () => {
    const { h, other } = setup;
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-held-capture', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'eval', 'x-tollgate-cache': 'no-store' } });
    const db = h.proxy.services.db;
    other.exec('BEGIN IMMEDIATE');
    let id: string;
    try {
      const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'graded while the file is locked' }] }).withResponse();
      id = String(response.headers.get('x-tollgate-request-id'));
      expect(h.proxy.services.ledger.heldCount).toBe(1);
    } finally {
      other.exec('COMMIT');
    }
    expect(h.proxy.services.ledger.writeHeld()).toBe(0);
    const rows = db.prepare('SELECT id FROM calls WHERE request_id = ?').all(id) as Array<{ id: number }>;
    expect(rows).toHaveLength(1);
    const kept = db.prepare('SELECT call_id, feature, body FROM captured_requests').all() as Array<{ call_id: number; feature: string; body: string }>;
    expect(kept).toHaveLength(1);
    expect(kept[0]!.call_id).toBe(rows[0]!.id);
    expect(kept[0]!.feature).toBe('eval');
    expect(JSON.parse(kept[0]!.body).messages[0].content).toBe('graded while the file is locked');
  });
});
