/**
 * `tollgate report`: spend from the ledger for people who run the proxy without VS Code. Calls go
 * through the real proxy with the real OpenAI SDK; the report, read from the data directory while
 * the proxy still runs, must agree with what each response said it cost (`x-tollgate-cost-usd`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import { type Harness, startHarness } from '../support/harness';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-report-'));
const spent = new Map<string, { calls: number; usd: number; hits: number }>();
let h: Harness;

async function call(feature: string, content: string): Promise<void> {
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': feature } });
  const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content }] }).withResponse();
  const s = spent.get(feature) ?? { calls: 0, usd: 0, hits: 0 };
  s.calls += 1;
  s.usd += Number(response.headers.get('x-tollgate-cost-usd'));
  if (response.headers.get('x-tollgate-cache') === 'exact') s.hits += 1;
  spent.set(feature, s);
}

beforeAll(async () => {
  h = await startHarness({}, { dataDir });
  await call('chat', 'What is the capital of France?');
  await call('chat', 'What is the capital of France?'); // an exact hit
  await call('chat', 'Name three rivers in Spain.');
  await call('=summarize, q3', 'Summarise this sentence in five words please.');
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const run = (...args: string[]) => runCli(['report', '--data-dir', dataDir, ...args], { cwd: dataDir, env: { HOME: dataDir } });

describe('tollgate report', () => {
  it('json: per-feature totals equal what the responses said they cost, read beside the running proxy', async () => {
    const r = await run('--by', 'feature', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { totals: { calls: number; costUsd: number; hits: number }; by: Array<{ key: string; calls: number; costUsd: number; hits: number }> };
    expect(summary.by.map((b) => b.key).sort()).toEqual([...spent.keys()].sort());
    for (const b of summary.by) {
      const s = spent.get(b.key)!;
      expect([b.calls, b.hits]).toEqual([s.calls, s.hits]);
      expect(b.costUsd).toBeCloseTo(s.usd, 9);
    }
    expect(summary.totals.calls).toBe(4);
    expect(spent.get('chat')!.usd).toBeGreaterThan(0);
  });

  it('text: a headline and one aligned row per model; csv: a header, one row per key and the totals, quoted where needed', async () => {
    const text = await run();
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/→ now \(local time\)$/);
    expect(lines[1]).toMatch(/^ {2}4 calls, cost \$[\d.]+, saved \$[\d.]+ by 1 cache hit \(25\.0%\), tokens \d+ in \/ \d+ out$/);
    expect(lines.slice(3)).toEqual([expect.stringMatching(/^ {2}model\s+calls\s+cost\s+saved\s+hits\s+in\s+out$/), expect.stringMatching(/^ {2}gpt-4o-mini\s+4\s+\$/)]);

    const csv = await run('--by', 'feature', '--format', 'csv');
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('feature,calls,costUsd,savedUsd,hits,inputTokens,outputTokens,unpricedCalls');
    // A comma is quoted; a leading "=" is not a formula when the file is opened in a spreadsheet.
    expect(rows).toContainEqual(expect.stringMatching(/^"'=summarize, q3",1,/));
    expect(rows.at(-1)).toMatch(/^total,4,/);
  });

  it('filters by tag, and an empty period says so', async () => {
    const r = await run('--feature', 'chat', '--format', 'json');
    expect((JSON.parse(r.stdout) as { totals: { calls: number } }).totals.calls).toBe(3);
    const empty = await run('--since', '2020-01-01', '--until', '2020-01-31');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no calls in this period');
  });

  it('a bad --since is a usage error (exit 2) naming the accepted forms', async () => {
    const r = await run('--since', 'last tuesday');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read "last tuesday" as a time: use yesterday, today, YYYY-MM-DD/);
  });

  it('defaults to this month: a call from last month counts only when --since reaches it', async () => {
    const now = new Date();
    const lastMonth = new Date(now.getFullYear(), now.getMonth(), 1).getTime() - 3_600_000;
    const db = openDatabase(join(dataDir, 'tollgate.db'));
    try {
      new Ledger(db).record(ledgerRow({ ts: lastMonth, tags: { feature: 'old' }, costUsd: 0.5 }));
    } finally {
      db.close();
    }
    const json = async (...args: string[]) => JSON.parse((await run('--by', 'feature', '--format', 'json', ...args)).stdout) as { by: Array<{ key: string }> };
    expect((await json()).by.map((b) => b.key)).not.toContain('old');
    expect((await json('--since', String(lastMonth))).by.map((b) => b.key)).toContain('old');
  });

  it('no database: one line naming the directory, exit 1', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'tollgate-report-none-'));
    try {
      const r = await runCli(['report', '--data-dir', empty], { cwd: empty, env: { HOME: empty } });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`tollgate: no Tollgate database in ${empty} (start the proxy once, or pass --data-dir).`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
