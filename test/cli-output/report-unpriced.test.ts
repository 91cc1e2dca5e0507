/**
 * `tollgate report` says how many calls have no known price beside the cost: a model no price list
 * knows costs $0 in the ledger, and the report read "$0.00" where the truth is "unknown". Calls go
 * through the real proxy with the real OpenAI SDK into a real data directory, read by the real CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { Ledger } from '../../proxy/src/ledger/ledger';
import type { Summary } from '../../proxy/src/ledger/types';
import { type Harness, startHarness } from '../support/harness';
import { ledgerRow } from '../support/ledgerRow';
import { runCli } from './cli';

const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-report-unpriced-'));
let h: Harness;
const unpricedHeaders: Array<string | null> = [];

beforeAll(async () => {
  h = await startHarness({}, { dataDir });
  const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
  for (const model of ['gpt-4o-mini', 'acme-house-llm-7b', 'acme-house-llm-7b']) {
    const { response } = await client.chat.completions.create({ model, max_tokens: 20, messages: [{ role: 'user', content: `Say hi (${unpricedHeaders.length})` }] }).withResponse();
    unpricedHeaders.push(response.headers.get('x-tollgate-cost-usd'));
  }
  // A call refused before anything was generated: unpriced in the ledger, but nothing to price (as the dashboard reads it).
  const db = openDatabase(join(dataDir, 'tollgate.db'));
  try {
    new Ledger(db).record(ledgerRow({ modelRequested: 'acme-house-llm-7b', modelUsed: 'acme-house-llm-7b', priced: false, costUsd: 0, inputTokens: 0, outputTokens: 0, status: 429 }));
  } finally {
    db.close();
  }
}, 60_000);
afterAll(async () => {
  await h?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const run = (...args: string[]) => runCli(['report', '--data-dir', dataDir, ...args], { cwd: dataDir, env: { HOME: dataDir } });

describe('tollgate report: calls of no known price', () => {
  it('json and csv count them in the totals and per model; a refused call with no tokens is not one', async () => {
    const r = await run('--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.totals.calls).toBe(4);
    expect(s.totals.unpricedCalls).toBe(2);
    const byModel = Object.fromEntries(s.by.map((b) => [b.key, b.unpricedCalls]));
    expect(byModel).toEqual({ 'gpt-4o-mini': 0, 'acme-house-llm-7b': 2 });
    const csv = (await run('--format', 'csv')).stdout.trimEnd().split('\n');
    expect(csv[0]).toBe('model,calls,costUsd,savedUsd,hits,inputTokens,outputTokens,unpricedCalls');
    expect(csv.at(-1)).toMatch(/^total,4,.*,2$/);
  });

  it('text: the headline says how many calls have no known price, beside the cost', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^ {2}4 calls, cost \$[\d.]+ \+ 2 calls of no known price, saved /);
    expect(lines.find((l) => l.includes('acme-house-llm-7b'))).toMatch(/ 2$/);
    expect(lines.find((l) => l.includes('gpt-4o-mini'))).toMatch(/ 0$/);
  });

  it('a period with every call priced reads as before', async () => {
    const r = await run('--model', 'gpt-4o-mini');
    expect(r.stdout).not.toContain('no known price');
    expect(r.stdout.trimEnd().split('\n')[1]).toMatch(/^ {2}1 call, cost \$[\d.]+, saved /);
  });
});
