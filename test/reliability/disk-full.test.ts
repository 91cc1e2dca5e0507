/**
 * A full disk while calls go through: SQLite answers SQLITE_FULL ("database or disk is full") for
 * every write that needs a new page. Simulated with `PRAGMA max_page_count` pinned at the file's
 * size (the same error a filled tmpfs gives, without root). The upstream already answered and
 * billed each call, so the client must get that answer (not a 502 the SDK and the proxy retry,
 * paying again), and once space returns every row must reach the ledger exactly once.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRig, type Rig } from './support';

let rig: Rig;

beforeAll(async () => {
  // Default retries (the proxy retries 5xx-like failures), exact cache on.
  rig = await startRig();
});
afterAll(async () => {
  await rig?.close();
});

function fillDisk(): void {
  const db = rig.proxy.services.db;
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  // No free page left to reuse, and no room to add one.
  db.exec('VACUUM');
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
}

function freeDisk(): void {
  rig.proxy.services.db.pragma('max_page_count = 4294967294');
}

describe('disk full during ledger and cache writes', () => {
  it('answers each call once, holds its ledger row, and writes every row once space returns', async () => {
    const client = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-disk-full', maxRetries: 2 });
    const ledger = rig.proxy.services.ledger;
    const before = rig.upstream.calls();
    fillDisk();
    const ids: string[] = [];
    const answers: string[] = [];
    // Long answers and prompts: each row and cache entry needs pages the file cannot grow.
    for (let i = 0; i < 12; i++) {
      const { data, response } = await client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `disk full ${i} ${'y'.repeat(3000)} [[fake:words=400]]` }] })
        .withResponse();
      answers.push(data.choices[0]?.message.content ?? '');
      ids.push(String(response.headers.get('x-tollgate-request-id')));
    }
    // One upstream call per client call: nothing was retried (and billed) because of the disk.
    expect(rig.upstream.calls() - before).toBe(12);
    expect(answers.every((a) => a.includes('You said: disk full'))).toBe(true);
    expect(ledger.heldCount).toBeGreaterThan(0);

    const announced: number[] = [];
    const onCall = (c: { id: number }) => announced.push(c.id);
    ledger.on('call', onCall);
    freeDisk();
    expect(ledger.writeHeld()).toBe(0);
    ledger.off('call', onCall);
    // Held rows are announced when written, with their real ids.
    expect(announced.length).toBeGreaterThan(0);
    expect(announced.every((id) => id > 0)).toBe(true);

    const rows = rig.proxy.services.db
      .prepare(`SELECT request_id, status, cache, output_tokens FROM calls WHERE request_id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as Array<{ request_id: string; status: number; cache: string; output_tokens: number }>;
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    expect(rows.every((r) => r.status === 200 && r.cache === 'miss' && r.output_tokens > 0)).toBe(true);
    expect(rig.proxy.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('a row held at shutdown is written by close() when space has returned', async () => {
    const client = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: 'sk-disk-full-2', maxRetries: 0 });
    fillDisk();
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `held at close ${'z'.repeat(3000)} [[fake:words=400]]` }] })
      .withResponse();
    const id = String(response.headers.get('x-tollgate-request-id'));
    const ledger = rig.proxy.services.ledger;
    const count = () => (rig.proxy.services.db.prepare('SELECT COUNT(*) FROM calls WHERE request_id = ?').pluck().get(id) as number);
    expect(ledger.heldCount).toBe(1);
    expect(count()).toBe(0);
    freeDisk();
    expect(ledger.close()).toBe(0);
    expect(count()).toBe(1);
  });
});
