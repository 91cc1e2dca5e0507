/**
 * The dashboard's summaries and call pages over a large ledger run on a read-only connection in a
 * worker thread: on a year of calls (1.5 M rows) one `/tollgate/summary` read every row of its range
 * on the proxy's event loop (~2 s for a month, 9–35 s for a year on a loaded 2-core machine), a
 * `/tollgate/calls` page filtered by feature or user counted the whole ledger (~0.5 s), and every
 * proxied call waited behind them. Same SQL, same results; a failing worker falls back to this thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes } from 'node:crypto';
import { CaptureStore, captureStore } from '../../proxy/src/batch/capture';
import { createBodyCodec } from '../../proxy/src/cache/encryption';
import { buildBatchExport } from '../../proxy/src/batch/export';
import { type OpportunitiesOptions, opportunities } from '../../proxy/src/batch/opportunities';
import { batchUpstream } from '../../proxy/src/batch/rates';
import { type Db, openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import type { CallFilter } from '../../proxy/src/ledger/ledger';
import type { SummaryOptions } from '../../proxy/src/ledger/ledgerReads';
import { LedgerReadThread } from '../../proxy/src/ledger/readThread';
import { startHarness } from '../support/harness';
import { generateDataDir } from './generate';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);

let dir: string;
let db: Db;
let ledger: Ledger;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-summary-thread-'));
  const { file } = generateDataDir(dir, { calls: 40_000, cacheEntries: 0, semanticEntries: 0, now: NOW, users: 500, features: 40 });
  db = openDatabase(file, { vector: false });
  ledger = new Ledger(db);
  // Captured bodies (batch.capture) for one feature's calls, written within the default 7-day retention.
  const store = captureStore(db);
  const calls = db.prepare(`SELECT id, provider FROM calls WHERE feature = 'feature-7' AND endpoint NOT LIKE 'batch:%'`).all() as Array<{ id: number; provider: string }>;
  for (const c of calls) {
    const anthropic = c.provider === 'anthropic';
    const body = { model: c.id % 5 ? 'auto' : 'gpt-4o-mini', stream: true, max_tokens: 64, messages: [{ role: 'user', content: `grade answer ${c.id}` }] };
    store.save({ callId: c.id, ts: Date.now() - 3_600_000, feature: 'feature-7', provider: c.provider, protocol: anthropic ? 'anthropic' : 'openai', endpoint: anthropic ? 'messages' : 'chat.completions', bodyText: JSON.stringify(body) }, 7);
  }
}, 120_000);
afterAll(() => {
  ledger.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('summaries off the event loop', () => {
  const cases: SummaryOptions[] = [
    { from: 0, to: NOW + 1, by: 'user' },
    { from: 0, to: NOW + 1, by: 'feature', bucketMs: DAY, bucketOffsetMs: 3_600_000 },
    { from: NOW - 30 * DAY, to: NOW + 1, by: 'model', filter: { cache: 'miss', status: 'ok' } },
    { from: 0, to: NOW + 1, by: 'team', filter: { user: '(none)' } },
    { from: NOW - 7 * DAY, to: NOW + 1, by: 'endpoint', bucketMs: 3_600_000 },
  ];

  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('the worker gives what the proxy\'s own connection gives: %s', async (_name, opts) => {
    const direct = ledger.summary(opts);
    expect(direct.totals.calls).toBeGreaterThan(0);
    expect(await ledger.summaryOffThread(opts)).toEqual(direct);
  });

  const filters: Array<[CallFilter, number, number | undefined]> = [
    [{}, 100, undefined],
    [{ feature: 'feature-7' }, 50, undefined],
    [{ user: '(none)', status: 'error' }, 20, undefined],
    [{ cache: 'miss', model: 'gpt-4o-mini' }, 1000, 30_000],
  ];

  it.each(filters.map((f) => [JSON.stringify(f), ...f] as const))('a page from the worker is the page from this connection: %s', async (_name, filter, limit, before) => {
    const direct = ledger.page(filter, limit, before);
    expect(direct.total).toBeGreaterThan(0);
    expect(await ledger.pageOffThread(filter, limit, before)).toEqual(direct);
  });

  // `anthropic: undefined`: a provider of that name that is no batch upstream (a custom server); a
  // name not in the map (none here but the generated ones) stands for itself.
  const scans: OpportunitiesOptions[] = [
    { from: 0, upstreams: { openai: 'openai', anthropic: 'anthropic' } },
    { from: NOW - 30 * DAY, upstreams: { anthropic: undefined } },
  ];

  it.each(scans.map((o) => [JSON.stringify(o), o] as const))('the batch opportunities from the worker are this connection\'s: %s', async (_name, opts) => {
    const direct = opportunities(db, opts);
    expect(direct.features.length).toBeGreaterThan(10);
    expect(await ledger.opportunitiesOffThread(opts)).toEqual(direct);
  });

  const exports = [
    { feature: 'feature-7', since: Date.now() - DAY, provider: 'openai' },
    { feature: 'feature-7', since: Date.now() - DAY, provider: 'anthropic' },
    { feature: 'feature-7', since: Date.now() - DAY }, // both protocols: refused
    { feature: 'feature-8', since: 0 }, // nothing captured
  ];

  it.each(exports.map((q) => [JSON.stringify(q), q] as const))('the batch file from the worker is this connection\'s: %s', async (_name, q) => {
    const direct = buildBatchExport(db, q);
    expect(await ledger.batchExportOffThread(q)).toEqual(direct);
  });

  it('GET /tollgate/batch/export reads the captured bodies in the worker: the proxy\'s own connection never does', async () => {
    const h = await startHarness({}, { dataDir: dir });
    try {
      const prepared = vi.spyOn(h.proxy.services.db, 'prepare');
      const since = Date.now() - DAY;
      const res = await fetch(`${h.proxy.url}/tollgate/batch/export?feature=feature-7&since=${since}&provider=openai`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
      expect(res.status).toBe(200);
      const reads = prepared.mock.calls.map(([sql]) => sql).filter((sql) => /FROM captured_requests r JOIN calls/.test(sql));
      prepared.mockRestore();
      expect(reads).toEqual([]);
      const text = await res.text();
      const direct = buildBatchExport(db, { feature: 'feature-7', since, provider: 'openai' });
      if ('status' in direct) throw new Error(direct.message);
      expect(direct.lines).toBeGreaterThan(10);
      expect(res.headers.get('x-tollgate-batch-lines')).toBe(String(direct.lines));
      // Its own `until` (now) is a little later than this one: the same captured calls all the same.
      expect(text).toBe(direct.jsonl);
      expect(JSON.parse(text.split('\n')[0]!).body.stream).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  it('bodies stored encrypted (TOLLGATE_CACHE_KEY) are exported on this thread, where the key is', async () => {
    const codec = createBodyCodec(randomBytes(32));
    const ids = db.prepare(`SELECT id FROM calls WHERE feature = 'feature-9' AND provider = 'openai' AND endpoint NOT LIKE 'batch:%' LIMIT 20`).all() as Array<{ id: number }>;
    const sealed = new CaptureStore(db, codec);
    for (const { id } of ids) sealed.save({ callId: id, ts: Date.now() - 60_000, feature: 'sealed', provider: 'openai', protocol: 'openai', endpoint: 'chat.completions', bodyText: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `secret ${id}` }] }) }, 7);
    const keyed = new Ledger(db, codec);
    try {
      const out = await keyed.batchExportOffThread({ feature: 'sealed', since: 0 });
      expect('lines' in out && out.lines).toBe(ids.length);
      expect('jsonl' in out && out.jsonl).toContain(`secret ${ids[0]!.id}`);
      // Without the key (the worker has none) the bodies cannot be read.
      expect(await ledger.batchExportOffThread({ feature: 'sealed', since: 0 })).toMatchObject({ status: 404 });
    } finally {
      keyed.close();
    }
  });

  it('GET /tollgate/batch/opportunities scans in the worker: the proxy\'s own connection never runs it', async () => {
    const h = await startHarness({}, { dataDir: dir });
    try {
      // Every statement the proxy's connection prepares while the request is answered.
      const prepared = vi.spyOn(h.proxy.services.db, 'prepare');
      const res = await fetch(`${h.proxy.url}/tollgate/batch/opportunities?from=0`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
      expect(res.status).toBe(200);
      const scans = prepared.mock.calls.map(([sql]) => sql).filter((sql) => /SELECT feature, provider, model_used/.test(sql));
      prepared.mockRestore();
      expect(scans).toEqual([]);
      // The answer is the scan of the whole range with the proxy's providers' batch upstreams.
      const upstreams = Object.fromEntries([...h.proxy.services.providers()].map(([name, p]) => [name, batchUpstream(p)]));
      expect(await res.json()).toEqual(opportunities(db, { from: 0, upstreams }));
    } finally {
      await h.close();
    }
  });

  // Each read's answer, counted (groups, features) so a read that found nothing fails too.
  const reads: Array<[string, () => Promise<number>]> = [
    ['a summary', async () => (await ledger.summaryOffThread({ from: 0, by: 'user', bucketMs: 3_600_000 })).by.length],
    ['the batch opportunities', async () => (await ledger.opportunitiesOffThread({ from: 0, upstreams: {} })).features.length],
    [
      'a batch file',
      async () => {
        const out = await ledger.batchExportOffThread({ feature: 'feature-7', since: 0, provider: 'openai' });
        return 'lines' in out ? out.lines : 0;
      },
    ],
  ];

  it.each(reads)('the event loop turns while %s is computed', async (_name, read) => {
    await ledger.summaryOffThread({ from: 0 }); // the worker is started
    let turns = 0;
    let done = false;
    const spin = () => {
      turns++;
      if (!done) setImmediate(spin);
    };
    const pending = read();
    setImmediate(spin);
    const n = await pending;
    done = true;
    expect(n).toBeGreaterThan(10);
    // In this thread the query would run before any other callback: no turn at all.
    expect(turns).toBeGreaterThan(0);
  });

  it('a worker that cannot answer falls back to this thread: its result, or its error', async () => {
    // A connection whose file the worker cannot open, and on which this thread's query fails too.
    const broken = { name: join(dir, 'missing.db'), prepare: () => { throw new Error('no such table: calls'); }, transaction: (fn: () => unknown) => fn } as unknown as Db;
    const reader = new LedgerReadThread(broken);
    await expect(reader.summary({ from: 0 })).rejects.toThrow('no such table: calls');
    await expect(reader.page({ filter: {} })).rejects.toThrow('no such table: calls');
    await expect(reader.opportunities({ from: 0, upstreams: {} })).rejects.toThrow('no such table: calls');
    await expect(reader.batchExport({ feature: 'feature-7', since: 0 })).rejects.toThrow('no such table: calls');
    reader.close();
    const closed = new LedgerReadThread(db);
    closed.close();
    expect(await closed.summary({ from: 0, to: NOW + 1 })).toEqual(ledger.summary({ from: 0, to: NOW + 1 }));
    expect(await closed.opportunities({ from: 0, upstreams: {} })).toEqual(opportunities(db, { from: 0, upstreams: {} }));
    expect(await closed.batchExport({ feature: 'feature-7', since: 0, provider: 'openai' })).toEqual(buildBatchExport(db, { feature: 'feature-7', since: 0, provider: 'openai' }));
  });
});
