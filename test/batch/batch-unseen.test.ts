/**
 * Batch relay cases found by a probe, against the real proxy and the fake provider's batch APIs:
 * batch results count their tokens against token budgets (as real-time calls do), `tollgate batch
 * submit` reports an Anthropic file's own line numbers, and an OpenAI batch whose lines name
 * different endpoints (or another endpoint than the batch) is refused before anything is sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { submitBatch } from '../../proxy/src/batch/client';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const chatLine = (i: number, text: string, model = 'gpt-4o-mini') => ({
  custom_id: `req-${i}`,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model, messages: [{ role: 'user', content: text }], max_tokens: 40 },
});
const jsonl = (lines: unknown[]): Buffer => Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);

interface BudgetRow {
  name: string;
  spentUsd: number;
  spentTokens: number;
  reservedUsd: number;
  reservedTokens: number;
}

async function budgets(harness: Harness): Promise<Record<string, BudgetRow>> {
  const res = await fetch(`${harness.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${harness.proxy.adminToken}` } });
  expect(res.status).toBe(200);
  const rows = (await res.json()) as BudgetRow[];
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

function calls(harness: Harness): CallRecord[] {
  return harness.proxy.services.ledger.page({}, 1000).calls;
}

/** Tokens a budget should hold for these ledger rows: input + output of every call the provider ran (cache hits are free). */
const providerTokens = (rows: CallRecord[]): number => rows.filter((r) => r.cache === 'miss').reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);

function reservations(harness: Harness): Array<{ model: string; actual_tokens: number | null; state: string }> {
  return harness.proxy.services.db.prepare('SELECT model, actual_tokens, state FROM governance_reservations ORDER BY created_at').all() as Array<{ model: string; actual_tokens: number | null; state: string }>;
}

const silent = () => new Writable({ write(_c, _e, cb) { cb(); } });

describe('batch results count their tokens against budgets', () => {
  it('OpenAI (openai SDK): a token budget holds the tokens of the results the provider ran, not the cached line', async () => {
    h = await startHarness({
      budgets: [
        { name: 'usd', period: 'day', usd: 10, action: 'block' },
        { name: 'tok', period: 'day', tokens: 1_000_000, action: 'block' },
      ],
    });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    // A real-time call first: its answer is cached, so the batch's line 0 is answered without the provider.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'what is two plus two' }], max_tokens: 40 });
    const realtimeTokens = (await budgets(h)).tok!.spentTokens;
    expect(realtimeTokens).toBeGreaterThan(0);

    const lines = [chatLine(0, 'what is two plus two'), ...Array.from({ length: 5 }, (_, i) => chatLine(i + 1, `classify ticket ${i + 1} please`))];
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await budgets(h)).tok!.reservedTokens).toBeGreaterThan(0);
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    await (await client.files.content(done.output_file_id!)).text();

    const rows = calls(h).filter((c) => c.route === `batch ${batch.id}`);
    expect(rows).toHaveLength(6);
    const batchTokens = providerTokens(rows);
    expect(batchTokens).toBeGreaterThan(0);
    const b = await budgets(h);
    expect(b.tok!.reservedTokens).toBe(0);
    expect(b.tok!.spentTokens).toBe(realtimeTokens + batchTokens);
    expect(b.tok!.spentTokens).toBe(providerTokens(calls(h)));
    // The USD side is unchanged: the batch's cost at the batch rate.
    expect(b.usd!.spentUsd).toBeCloseTo(calls(h).reduce((n, r) => n + r.costUsd, 0), 9);
    const settled = reservations(h).find((r) => r.model === 'gpt-4o-mini' && r.actual_tokens === batchTokens);
    expect(settled?.state).toBe('settled');
  });

  it('Anthropic (@anthropic-ai/sdk): the tokens of the results settle the reservation', async () => {
    h = await startHarness({ budgets: [{ name: 'tok', period: 'day', tokens: 1_000_000, action: 'block' }] });
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-test', maxRetries: 0 });
    const requests = Array.from({ length: 4 }, (_, i) => ({
      custom_id: `a-${i}`,
      params: { model: 'claude-3-5-haiku-latest', max_tokens: 40, messages: [{ role: 'user' as const, content: `summarise note ${i}${i === 3 ? ' [[fake:batch-error]]' : ''}` }] },
    }));
    const batch = await client.messages.batches.create({ requests });
    h.upstream.batch.complete(batch.id);
    const results = [];
    for await (const r of await client.messages.batches.results(batch.id)) results.push(r);
    expect(results).toHaveLength(4);
    const rows = calls(h).filter((c) => c.route === `batch ${batch.id}`);
    const tokens = providerTokens(rows);
    expect(tokens).toBeGreaterThan(0);
    const b = await budgets(h);
    expect(b.tok!.spentTokens).toBe(tokens);
    expect(b.tok!.reservedTokens).toBe(0);
    expect(reservations(h).map((r) => [r.state, r.actual_tokens])).toEqual([['settled', tokens]]);
  });

  it('a token-only budget is charged for a model without a price (settled at $0 with its tokens, not released)', async () => {
    h = await startHarness({ budgets: [{ name: 'tok', period: 'day', tokens: 1_000_000, action: 'block' }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const lines = [chatLine(0, 'first unpriced', 'tollgate-unpriced-model-x'), chatLine(1, 'second unpriced', 'tollgate-unpriced-model-x')];
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'unpriced.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    await (await client.files.content(done.output_file_id!)).text();
    const rows = calls(h).filter((c) => c.route === `batch ${batch.id}`);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.costUsd === 0 && r.priced === false)).toBe(true);
    const tokens = providerTokens(rows);
    expect(tokens).toBeGreaterThan(0);
    expect((await budgets(h)).tok!.spentTokens).toBe(tokens);
    expect(reservations(h).map((r) => [r.state, r.actual_tokens])).toEqual([['settled', tokens]]);
  });
});

describe('a batch that ends with an error file only', () => {
  it('OpenAI (openai SDK): every request failed, so no output file; reading the error file ends the reservation', async () => {
    h = await startHarness({ budgets: [{ name: 'usd', period: 'day', usd: 10, action: 'block' }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const lines = [chatLine(0, 'first [[fake:batch-error]]'), chatLine(1, 'second [[fake:batch-error]]')];
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'fails.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await budgets(h)).usd!.reservedUsd).toBeGreaterThan(0);
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.output_file_id ?? null).toBeNull();
    const errors = await (await client.files.content(done.error_file_id!)).text();
    expect(errors.trim().split('\n')).toHaveLength(2);
    expect(calls(h).filter((c) => c.route === `batch ${batch.id}`).map((c) => [c.status, c.costUsd])).toEqual([[400, 0], [400, 0]]);
    // Nothing ran, nothing is charged: not the worst case held for a day, then charged.
    const b = (await budgets(h)).usd!;
    expect(b.reservedUsd).toBe(0);
    expect(b.spentUsd).toBe(0);
    expect(reservations(h).map((r) => r.state)).toEqual(['released']);
  });
});

describe('tollgate batch submit: an Anthropic file is checked with its own line numbers', () => {
  const an = (id: string) => JSON.stringify({ custom_id: id, params: { model: 'claude-3-5-haiku-latest', max_tokens: 20, messages: [{ role: 'user', content: `note ${id}` }] } });

  async function submit(harness: Harness, name: string, text: string): Promise<unknown> {
    dir ??= mkdtempSync(join(tmpdir(), 'tollgate-batch-unseen-'));
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, text);
    return submitBatch({ file, proxy: harness.proxy.url, apiKey: 'sk-ant-batch-test', pollMs: 20, maxWaitMs: 10_000, out: silent() }).catch((e: unknown) => e);
  }

  it('a duplicate custom_id or a missing params on line 5 (after blank lines, LF or CRLF) is reported as line 5, and nothing is submitted', async () => {
    h = await startHarness();
    for (const eol of ['\n', '\r\n']) {
      const dup = await submit(h, `dup${eol.length}`, [an('a-1'), '', '  ', an('a-2'), an('a-1'), ''].join(eol));
      expect(String((dup as Error).message)).toMatch(/^line 5: custom_id "a-1" appears twice$/);
      const noParams = await submit(h, `noparams${eol.length}`, [an('a-1'), '', '', an('a-2'), JSON.stringify({ custom_id: 'a-x', body: {} })].join(eol));
      expect(String((noParams as Error).message)).toMatch(/^line 5: params must be an object$/);
      const noId = await submit(h, `noid${eol.length}`, [an('a-1'), '', '', '', '', an('a-2'), JSON.stringify({ params: { model: 'claude-3-5-haiku-latest', max_tokens: 5, messages: [] } })].join(eol));
      expect(String((noId as Error).message)).toMatch(/^line 7: custom_id must be a non-empty string$/);
    }
    expect(h.upstream.batch.batches.size).toBe(0);
    // A well-formed file with blank lines still runs.
    h.upstream.batch.autoComplete = true;
    const ok = (await submit(h, 'ok', ['', an('a-1'), '', an('a-2'), ''].join('\r\n'))) as { status: string; succeeded: number };
    expect(ok).not.toBeInstanceOf(Error);
    expect(ok.status).toBe('ended');
    expect(ok.succeeded).toBe(2);
  });

  it('an SDK caller (an array, no file) still gets the request position', async () => {
    h = await startHarness();
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-test', maxRetries: 0 });
    const params = { model: 'claude-3-5-haiku-latest', max_tokens: 20, messages: [{ role: 'user' as const, content: 'x' }] };
    const err = await client.messages.batches.create({ requests: [{ custom_id: 'a', params }, { custom_id: 'b', params }, { custom_id: 'a', params }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ error: { type: 'invalid_request_error', message: expect.stringMatching(/line 3: custom_id "a" appears twice/) } });
    expect(h.upstream.batch.batches.size).toBe(0);
  });
});

describe('an OpenAI batch has one endpoint', () => {
  const embedLine = { custom_id: 'e-1', method: 'POST', url: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'embed me' } };

  it('an input file mixing /v1/chat/completions and /v1/embeddings is refused at upload, naming the line and both URLs', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const text = `${JSON.stringify(chatLine(1, 'hello'))}\n\n${JSON.stringify(embedLine)}\n`;
    const err = await client.files.create({ file: await toFile(Buffer.from(text), 'mixed.jsonl'), purpose: 'batch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.type).toBe('invalid_request_error');
    expect(e.message).toMatch(/line 3: url "\/v1\/embeddings" differs from "\/v1\/chat\/completions" \(line 1\)/);
    expect(h.upstream.batch.files.size).toBe(0);
  });

  it('tollgate batch submit refuses the mixed file too (exit reason printed)', async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-batch-unseen-'));
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, [JSON.stringify(chatLine(1, 'hello')), JSON.stringify(embedLine)].join('\n'));
    const err = await submitBatch({ file, proxy: h.proxy.url, apiKey: 'sk-batch-test', pollMs: 20, maxWaitMs: 2_000, out: silent() }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/400: .*line 2: url "\/v1\/embeddings" differs from "\/v1\/chat\/completions" \(line 1\)/);
    expect(h.upstream.batch.files.size).toBe(0);
    expect(h.upstream.batch.batches.size).toBe(0);
  });

  it('a mixed file uploaded straight to the provider is refused when the batch is created through the proxy', async () => {
    h = await startHarness();
    const direct = new OpenAI({ baseURL: h.upstream.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const file = await direct.files.create({ file: await toFile(jsonl([chatLine(1, 'hello'), embedLine]), 'mixed.jsonl'), purpose: 'batch' });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const err = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toMatch(/line 2: url "\/v1\/embeddings" differs from "\/v1\/chat\/completions" \(line 1\)/);
    expect(h.upstream.batch.batches.size).toBe(0);
  });

  it('a batch whose endpoint is not its lines\' url is refused before anything is reserved or sent', async () => {
    h = await startHarness({ budgets: [{ name: 'tok', period: 'day', tokens: 1_000_000, action: 'block' }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(jsonl([chatLine(1, 'hello'), chatLine(2, 'again')]), 'chat.jsonl'), purpose: 'batch' });
    const err = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.type).toBe('invalid_request_error');
    expect(e.message).toMatch(/endpoint "\/v1\/embeddings" does not match .*"\/v1\/chat\/completions" \(custom_id "req-1"\)/);
    expect(h.upstream.batch.batches.size).toBe(0);
    expect(reservations(h)).toEqual([]);
    // The same file with its own endpoint goes through.
    const ok = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(ok.status).toBe('in_progress');
  });
});
