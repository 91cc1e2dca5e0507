/**
 * Bounded storage under hostile input. Before, any non-empty `model` string was stored twice per
 * ledger row and the ledger had no retention: forty requests with multi-megabyte model names grew
 * the database past a gigabyte and the read API then failed. Now every stored request field is
 * length-capped, old and excess rows are deleted (ledger.maxAgeDays / ledger.maxBytes), and the
 * summaries return a bounded number of groups and points.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention, ledgerBytes } from '../../proxy/src/ledger/retention';
import { MAX_GROUPS, MAX_SERIES } from '../../proxy/src/ledger/ledger';
import { CAPS } from '../../proxy/src/ledger/caps';
import { startHarness, type Harness } from '../support/harness';
import { ledgerRow } from '../support/ledgerRow';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const auth = () => ({ authorization: `Bearer ${h!.proxy.adminToken}` });

function dbBytes(dataDir: string): number {
  return ['tollgate.db', 'tollgate.db-wal'].reduce((n, f) => {
    try {
      return n + statSync(join(dataDir, f)).size;
    } catch {
      return n;
    }
  }, 0);
}

describe('ledger under hostile input', () => {
  it('multi-megabyte model names, tags and prompts store a few kilobytes per row; the read API keeps answering', async () => {
    h = await startHarness({}, { env: { OPENAI_API_KEY: 'sk-test-0123456789' } });
    const big = 4 * 1024 * 1024;
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tollgate-feature': 'f'.repeat(120) },
        body: JSON.stringify({ model: `${'m'.repeat(big)}${i}`, messages: [{ role: 'user', content: `${'p'.repeat(64 * 1024)} ${i}` }] }),
      });
      await r.text();
    }
    const page = (await (await fetch(`${h.proxy.url}/tollgate/calls?limit=30`, { headers: auth() })).json()) as { calls: Array<{ modelRequested: string; modelUsed: string; promptPreview?: string }>; total: number };
    expect(page.total).toBe(6);
    for (const c of page.calls) {
      expect(c.modelRequested.length).toBeLessThanOrEqual(CAPS.model);
      expect(c.modelUsed.length).toBeLessThanOrEqual(CAPS.model);
      expect((c.promptPreview ?? '').length).toBeLessThanOrEqual(CAPS.preview);
    }
    const summary = await fetch(`${h.proxy.url}/tollgate/summary?by=model`, { headers: auth() });
    expect(summary.status).toBe(200);
    // 6 × 4 MB of hostile model names (stored twice per row before); the ledger holds a few KB per row.
    expect(ledgerBytes(h.proxy.services.db).bytesPerRow).toBeLessThan(8 * 1024);
    expect(dbBytes(h.dataDir)).toBeLessThan(8 * 1024 * 1024);
  });

  it('retention deletes rows past maxAgeDays, and the oldest rows while the ledger exceeds maxBytes', async () => {
    h = await startHarness({ ledger: { maxAgeDays: 30, maxBytes: 1024 * 1024 } });
    const { ledger, db } = h.proxy.services;
    const base = ledgerRow({ keyFingerprint: 'tg_x', overheadMs: 1, attempt: 1 });
    const now = Date.now();
    for (let i = 0; i < 100; i++) ledger.record({ ...base, ts: now - 40 * 24 * 3600 * 1000, modelRequested: 'old', modelUsed: 'old' });
    // ~1.5 KB rows: 3000 of them is well over the 1 MB limit.
    const insert = db.transaction(() => {
      for (let i = 0; i < 3000; i++) ledger.record({ ...base, ts: now - (3000 - i), modelRequested: `new-${i}`, modelUsed: `new-${i}`, promptPreview: 'q'.repeat(200), route: 'r'.repeat(500), budget: 'b'.repeat(500) });
    });
    insert();
    // Retention also runs by itself every few hundred rows; run it once more and look at the result.
    applyRetention(db, h.proxy.services.policy.policy.ledger, now);
    expect((db.prepare("SELECT COUNT(*) AS n FROM calls WHERE model_requested = 'old'").get() as { n: number }).n).toBe(0);
    expect(ledger.page({}, 1).total).toBeLessThan(3000);
    expect(ledgerBytes(db).bytes).toBeLessThanOrEqual(1024 * 1024);
    const left = ledger.page({}, 1000);
    // The newest rows survive, the oldest went first.
    expect(left.calls[0]!.modelRequested).toBe('new-2999');
    const oldest = (db.prepare('SELECT model_requested AS m FROM calls ORDER BY id LIMIT 1').get() as { m: string }).m;
    expect(Number(oldest.slice(4))).toBeGreaterThan(0);
  });

  it('runs by itself as calls arrive (every few hundred rows), so a flood cannot outgrow it', async () => {
    h = await startHarness({ ledger: { maxAgeDays: 30, maxBytes: 1024 * 1024 } });
    const { ledger, db } = h.proxy.services;
    const base = ledgerRow({ keyFingerprint: 'tg_x', overheadMs: 1, attempt: 1 });
    for (let i = 0; i < 4000; i++) ledger.record({ ...base, ts: Date.now(), modelRequested: 'm'.repeat(10_000), modelUsed: 'x', promptPreview: 'q'.repeat(10_000), route: 'r'.repeat(10_000) });
    // At most one check interval (500 rows) beyond the limit.
    expect(ledgerBytes(db).bytes).toBeLessThan(1024 * 1024 + 500 * ledgerBytes(db).bytesPerRow);
    expect(ledger.page({}, 1).total).toBeLessThan(4000);
  });

  it('summaries return a bounded number of groups and series points on a large synthetic ledger', async () => {
    h = await startHarness({});
    const { db } = h.proxy.services;
    const rows = Number(process.env.TOLLGATE_LEDGER_ROWS ?? 100_000);
    const now = Date.now();
    const stmt = db.prepare(`INSERT INTO calls (request_id, ts, key_fingerprint, provider, endpoint, model_requested, model_used, stream, cache,
      input_tokens, output_tokens, cached_tokens, cache_write_tokens, tokens_estimated, cost_usd, saved_usd, priced, latency_ms, overhead_ms, status, attempt)
      VALUES (?, ?, 'tg_x', 'openai', 'chat.completions', ?, ?, 0, 'miss', 10, 10, 0, 0, 0, 0.001, 0, 1, 5, 1, 200, 1)`);
    db.transaction(() => {
      for (let i = 0; i < rows; i++) stmt.run(`r${i}`, now - (rows - i) * 1000, `model-${i % 5000}`, `model-${i % 5000}`);
    })();
    const get = async (path: string) => {
      const r = await fetch(`${h!.proxy.url}${path}`, { headers: auth() });
      expect(r.status).toBe(200);
      return r.json() as Promise<{ by: unknown[]; series?: unknown[]; calls?: unknown[]; total?: number }>;
    };
    const byModel = await get('/tollgate/summary?by=model&bucketMs=1');
    expect(byModel.by.length).toBe(MAX_GROUPS);
    expect(byModel.series!.length).toBeLessThanOrEqual(MAX_SERIES);
    const page = await get('/tollgate/calls?limit=30');
    expect(page.calls!.length).toBe(30);
    expect(page.total).toBe(rows);
    const huge = await get('/tollgate/calls?limit=1000000');
    expect(huge.calls!.length).toBe(1000);
  });
});
