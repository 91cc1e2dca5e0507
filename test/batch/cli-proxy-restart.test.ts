/**
 * `tollgate batch submit` waits up to a day for a batch. The proxy it talks to may stop and start
 * again meanwhile (an editor reload restarts the editor's proxy): a status poll that finds no proxy
 * is asked again at the next poll, and the results are still written and recorded once the proxy
 * is back. Before, the wait ended with "proxy not reachable" while the batch ran on at the
 * provider, and running the command again submitted (and paid for) the batch twice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { submitBatch } from '../../proxy/src/batch/client';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';

let upstream: FakeUpstream | undefined;
const proxies: RunningProxy[] = [];
let dir: string | undefined;
afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  await upstream?.close();
  upstream = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Waits (bounded: polls, not time) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(done()).toBe(true);
}

describe('tollgate batch submit while the proxy restarts', () => {
  it('keeps waiting through the outage, then writes and records the results', async () => {
    upstream = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-restart-cli-'));
    const dataDir = join(dir, 'data');
    const policy = PolicySchema.parse({ budgets: [{ name: 'day', period: 'day', usd: 100 }], providers: { openai: { baseUrl: upstream.openaiBaseUrl }, anthropic: { baseUrl: upstream.anthropicBaseUrl } } });
    const first = await startProxy({ port: 0, dataDir, policy, env: {} });
    proxies.push(first);
    const file = join(dir, 'work.jsonl');
    const lines = [0, 1, 2].map((i) => ({ custom_id: `w-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `restart wait ${i}` }], max_tokens: 20 } }));
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    let progress = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        progress += chunk.toString();
        cb();
      },
    });
    const run = submitBatch({ file, proxy: first.url, apiKey: 'sk-cli-restart', pollMs: 20, maxWaitMs: 600_000, out });
    run.catch(() => {}); // awaited below; a wait that gives up early must fail this test, not the run
    // Submitted and answered (the proxy's stop does not wait for a batch create in flight).
    await until(() => progress.includes('answered by the cache'));
    const [batchId] = [...upstream.batch.batches.keys()];

    await first.close();
    proxies.splice(0);
    await until(() => progress.includes('not reachable'));
    const next = await startProxy({ port: first.port, dataDir, policy, env: {} });
    proxies.push(next);
    upstream.batch.complete(batchId!);

    const report = await run;
    expect(report.status).toBe('completed');
    expect(report.succeeded).toBe(3);
    expect(progress.match(/not reachable/g)).toHaveLength(1);
    expect(readFileSync(report.resultsFile!, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(upstream.batch.batches.size).toBe(1);
    // The proxy that came back recorded the results and settled the reservation the first one made.
    expect(next.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${batchId}`)).toHaveLength(3);
    expect((next.services.db.prepare('SELECT SUM(reserved_nano) AS r FROM governance_spend').get() as { r: number }).r).toBe(0);
  });
});
