/**
 * `tollgate batch submit` (its runner, in process) on a 1,000-line file whose first 100 requests the
 * cache already knows from an earlier batch: the proxy sends only 900, the results file has all
 * 1,000, progress is printed as plain lines (not a TTY), and the saving against real-time prices is
 * reported. Also: the opportunities report from the ledger.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, submitBatch } from '../../proxy/src/batch/client';
import { opportunitiesFromRows } from '../../proxy/src/batch/opportunities';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  h.upstream.batch.autoComplete = true;
  dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-cli-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

function sink(): { out: Writable & { isTTY?: boolean }; text: () => string } {
  let buf = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { out, text: () => buf };
}

const request = (i: number) => ({
  custom_id: `q-${i}`,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `classify support ticket number ${i}` }], max_tokens: 20 },
});

function writeJsonl(name: string, lines: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('tollgate batch submit', () => {
  it('1,000 lines, 10 % known to the cache: 900 sent, 1,000 results beside the input, saving reported', async () => {
    const proxy = h.proxy.url;
    const warm = sink();
    const first = await submitBatch({ file: writeJsonl('known.jsonl', Array.from({ length: 100 }, (_, i) => request(i))), proxy, apiKey: 'sk-cli-test', pollMs: 1, maxWaitMs: 60_000, out: warm.out, tags: { feature: 'eval' } });
    expect(first.status).toBe('completed');
    expect(first.cached).toBe(0);
    const sentBefore = h.upstream.batch.submittedRequests();

    const progress = sink();
    const file = writeJsonl('nightly.jsonl', Array.from({ length: 1000 }, (_, i) => request(i)));
    const report = await submitBatch({ file, proxy, apiKey: 'sk-cli-test', pollMs: 1, maxWaitMs: 60_000, out: progress.out, tags: { feature: 'eval' } });
    expect(report.status).toBe('completed');
    expect(report.requests).toBe(1000);
    expect(report.cached).toBe(100);
    expect(h.upstream.batch.submittedRequests() - sentBefore).toBe(900);
    expect(report.succeeded).toBe(1000);
    expect(report.failed).toBe(0);

    const results = readFileSync(join(dir, 'nightly.results.jsonl'), 'utf8').trim().split('\n');
    expect(results).toHaveLength(1000);
    expect(new Set(results.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id)).size).toBe(1000);

    // Batch rate is half the real-time price; the 100 cached lines cost nothing.
    expect(report.realtimeUsd).toBeGreaterThan(0);
    const savedShare = (report.realtimeUsd - report.batchUsd) / report.realtimeUsd;
    expect(savedShare).toBeGreaterThan(0.5);
    expect(savedShare).toBeLessThan(0.6);
    expect(progress.text()).toMatch(/100 answered by the cache/);
    expect(progress.text()).toMatch(/batch completed: 1000\/1000 \(100%\)/);
    expect(progress.text()).not.toContain('\r');
    const summary = formatReport(report);
    expect(summary).toMatch(/saved \$[0-9.]+ \(5[0-9]\.[0-9] %\)/);
    process.stdout.write(`\n${summary}\n`);

    // The ledger holds one row per request of the second batch: 900 misses at the batch rate, 100 exact hits.
    const rows = h.proxy.services.ledger.page({}, 5000).calls.filter((c) => c.route === `batch ${report.batchId}`);
    expect(rows).toHaveLength(1000);
    expect(rows.filter((r) => r.cache === 'exact')).toHaveLength(100);
  });

  it('a refused batch is an error with the reason', async () => {
    const b = await startHarness({ budgets: [{ name: 'nightly-cap', period: 'day', usd: 0.00001, action: 'block' }] });
    try {
      const out = sink();
      await expect(
        submitBatch({ file: writeJsonl('too-big.jsonl', Array.from({ length: 50 }, (_, i) => request(5000 + i))), proxy: b.proxy.url, apiKey: 'sk-cli-test', pollMs: 1, maxWaitMs: 1000, out: out.out }),
      ).rejects.toThrow(/429: Tollgate: this batch's worst case/);
      expect(b.upstream.batch.batches.size).toBe(0);
    } finally {
      await b.close();
    }
  });
});

describe('batch opportunities', () => {
  it('prices each feature at the batch and flex rates and explains why it looks latency-tolerant', () => {
    const night = new Date(2026, 10, 30, 2, 0, 0).getTime();
    const day = new Date(2026, 10, 30, 14, 0, 0).getTime();
    const rows = [
      ...Array.from({ length: 30 }, () => ({ feature: 'eval-suite', provider: 'openai', model_used: 'o4-mini', ts: night, stream: 0, cost_usd: 0.01 })),
      ...Array.from({ length: 10 }, () => ({ feature: 'chat', provider: 'anthropic', model_used: 'claude-3-5-haiku-latest', ts: day, stream: 1, cost_usd: 0.02 })),
    ];
    const o = opportunitiesFromRows(rows, 0);
    const evalRow = o.features.find((f) => f.feature === 'eval-suite')!;
    expect(evalRow.costUsd).toBeCloseTo(0.3, 10);
    expect(evalRow.batchUsd).toBeCloseTo(0.15, 10);
    expect(evalRow.flexUsd).toBeCloseTo(0.15, 10);
    expect(evalRow.latencyTolerant).toBe(true);
    expect(evalRow.reasons).toEqual(['named like offline work', '100 % of calls at night', 'never streamed']);
    const chat = o.features.find((f) => f.feature === 'chat')!;
    expect(chat.batchUsd).toBeCloseTo(0.1, 10);
    expect(chat.flexUsd).toBeCloseTo(0.2, 10); // no flex tier at Anthropic
    expect(chat.latencyTolerant).toBe(false);
  });

  it('the endpoint needs the admin token and reads the ledger', async () => {
    const anon = await fetch(`${h.proxy.url}/tollgate/batch/opportunities`);
    expect(anon.status).toBe(401);
    const res = await fetch(`${h.proxy.url}/tollgate/batch/opportunities?from=0`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { features: Array<{ feature: string; calls: number }> };
    // Batch results are not "real-time calls that could move": the ledger holds only batch rows here.
    expect(body.features.find((f) => f.feature === 'eval')).toBeUndefined();
  });
});
