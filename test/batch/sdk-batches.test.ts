/**
 * The official SDKs' batch methods through the proxy, against the fake provider's Files / Batches
 * / Message Batches APIs: lines the cache knows are answered without being sent, each result
 * becomes one ledger row at the batch price (tagged like the submission, linked to it), results
 * fetched twice are recorded once, budgets refuse a batch whose worst case would exceed them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const line = (i: number, text: string, extra: Record<string, unknown> = {}) => ({
  custom_id: `req-${i}`,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }], max_tokens: 50, ...extra },
});

function jsonl(lines: unknown[]): Buffer {
  return Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

function batchRows(harness: Harness, batchId: string): CallRecord[] {
  return harness.proxy.services.ledger.page({}, 1000).calls.filter((c) => c.route === `batch ${batchId}`);
}

describe('OpenAI Files + Batches (openai SDK) through the proxy', () => {
  it('answers known lines from the cache, records each result once at the batch rate with the submission tags', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    // A real-time call first: its answer is cached and a batch line with the same request reuses it.
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'what is two plus two' }], max_tokens: 50 });

    const lines = [line(0, 'what is two plus two'), line(1, 'name a colour'), line(2, 'name a fruit'), line(3, 'name a city [[fake:batch-error]]')];
    const { data: file, response: uploadRes } = await client.files
      .create({ file: await toFile(jsonl(lines), 'input.jsonl'), purpose: 'batch' })
      .withResponse();
    expect(uploadRes.headers.get('x-tollgate-batch-cached')).toBe('1');
    // The provider received the file without the cached line.
    const stored = h.upstream.batch.files.get(file.id);
    expect(stored?.content.split('\n').filter(Boolean)).toHaveLength(3);

    const { data: batch, response: createRes } = await client.batches
      .create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }, { headers: { 'x-tollgate-feature': 'eval', 'x-tollgate-team': 'research' } })
      .withResponse();
    expect(batch.status).toBe('in_progress');
    expect(Number(createRes.headers.get('x-tollgate-batch-worst-case-usd'))).toBeGreaterThan(0);
    expect(h.upstream.batch.submittedRequests()).toBe(3);

    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    expect(done.output_file_id).toBeTruthy();
    expect(done.error_file_id).toBeTruthy();

    const output = await (await client.files.content(done.output_file_id!)).text();
    const outLines = output.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: { choices: Array<{ message: { content: string } }> } } });
    expect(outLines.map((l) => l.custom_id).sort()).toEqual(['req-0', 'req-1', 'req-2']);
    const cachedLine = outLines.find((l) => l.custom_id === 'req-0')!;
    expect(cachedLine.response.body.choices[0]!.message.content).toContain('what is two plus two');
    const errors = await (await client.files.content(done.error_file_id!)).text();
    expect(errors).toContain('req-3');

    const rows = batchRows(h, batch.id);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.tags).toEqual({ team: 'research', feature: 'eval' });
    const hit = rows.find((r) => r.cache === 'exact')!;
    expect(hit.costUsd).toBe(0);
    expect(hit.savedUsd).toBeGreaterThan(0);
    const misses = rows.filter((r) => r.cache === 'miss' && r.status === 200);
    expect(misses).toHaveLength(2);
    for (const r of misses) {
      const standard = priceCall(r.modelUsed, { inputTokens: r.inputTokens, outputTokens: r.outputTokens }, 'openai').totalUsd;
      expect(r.costUsd).toBeGreaterThan(0);
      expect(r.costUsd).toBeCloseTo(standard / 2, 12);
    }
    const failed = rows.find((r) => r.status !== 200)!;
    expect(failed.costUsd).toBe(0);

    // Fetching the output again records nothing new.
    await (await client.files.content(done.output_file_id!)).text();
    expect(batchRows(h, batch.id)).toHaveLength(4);

    // The batch's answers now serve real-time calls: same request → exact hit, no upstream call.
    const before = h.upstream.calls();
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'name a colour' }], max_tokens: 50 })
      .withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(h.upstream.calls()).toBe(before);
  });

  it('a batch the cache answers whole never reaches the provider', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    for (const q of ['alpha question', 'beta question']) await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: q }], max_tokens: 50 });
    const file = await client.files.create({ file: await toFile(jsonl([line(0, 'alpha question'), line(1, 'beta question')]), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('completed');
    expect(h.upstream.batch.files.size).toBe(0);
    expect(h.upstream.batch.submittedRequests()).toBe(0);
    const text = await (await client.files.content(batch.output_file_id!)).text();
    expect(text.trim().split('\n')).toHaveLength(2);
    expect(batchRows(h, batch.id).every((r) => r.cache === 'exact')).toBe(true);
  });

  it('a batch the cache answered whole, its input and its answers are not there for another key (404, as at the provider)', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-owner', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a private question' }], max_tokens: 50 });
    const file = await client.files.create({ file: await toFile(jsonl([line(0, 'a private question')]), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-someone-else', maxRetries: 0 });
    for (const id of [file.id, batch.output_file_id!]) {
      await expect(other.files.retrieve(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(other.files.content(id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    }
    await expect(other.batches.retrieve(batch.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.batches.cancel(batch.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(batchRows(h, batch.id)).toEqual([]);
    // Its owner still reads them.
    expect((await client.batches.retrieve(batch.id)).status).toBe('completed');
    expect((await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n')).toHaveLength(1);

    const claude = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-owner', maxRetries: 0 });
    await claude.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'another private one' }] });
    const params = { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user' as const, content: 'another private one' }] };
    const mine = await claude.messages.batches.create({ requests: [{ custom_id: 'p-0', params }] });
    expect(mine.id).toMatch(/^msgbatch_tollgate_/);
    const stranger = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-someone-else', maxRetries: 0 });
    await expect(stranger.messages.batches.retrieve(mine.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(stranger.messages.batches.results(mine.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    expect(batchRows(h, mine.id)).toEqual([]);
  });

  it('expiry and cancellation: finished requests are recorded, the rest are recorded as failed at $0', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const lines = [0, 1, 2, 3].map((i) => line(i, `expiring question ${i}`));
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.upstream.batch.expire(batch.id, 1);
    const ended = await client.batches.retrieve(batch.id);
    expect(ended.status).toBe('expired');
    await (await client.files.content(ended.output_file_id!)).text();
    await (await client.files.content(ended.error_file_id!)).text();
    const rows = batchRows(h, batch.id);
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r.status === 200)).toHaveLength(1);
    expect(rows.filter((r) => r.errorType === 'batch_expired')).toHaveLength(3);

    const file2 = await client.files.create({ file: await toFile(jsonl(lines.map((_l, i) => line(i, `cancelled question ${i}`))), 'in2.jsonl'), purpose: 'batch' });
    const b2 = await client.batches.create({ input_file_id: file2.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await client.batches.cancel(b2.id)).status).toBe('cancelling');
    h.upstream.batch.complete(b2.id);
    const cancelled = await client.batches.retrieve(b2.id);
    expect(cancelled.status).toBe('cancelled');
  });

  it('a batch whose every sent request failed still gives back the lines the cache answered (OpenAI writes no output file then)', async () => {
    h = await startHarness({ budgets: [{ name: 'day', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a known question' }], max_tokens: 50 });
    const lines = [line(0, 'a known question'), line(1, 'doomed one [[fake:batch-error]]'), line(2, 'doomed two [[fake:batch-error]]')];
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    expect(done.error_file_id).toBeTruthy();
    // The provider wrote no output file; the proxy's cached answer is one of its own.
    expect(done.output_file_id).toBeTruthy();
    expect((await client.files.retrieve(done.output_file_id!)).purpose).toBe('batch_output');
    const errors = await (await client.files.content(done.error_file_id!)).text();
    expect(errors).toContain('req-1');
    const output = (await (await client.files.content(done.output_file_id!)).text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number } });
    expect(output.map((l) => [l.custom_id, l.response.status_code])).toEqual([['req-0', 200]]);
    const rows = batchRows(h, batch.id);
    expect(rows.map((r) => r.cache).sort()).toEqual(['exact', 'miss', 'miss']);
    // Read once more: nothing recorded twice; and the batch's reservation is closed.
    await (await client.files.content(done.output_file_id!)).text();
    expect(batchRows(h, batch.id)).toHaveLength(3);
    const open = h.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'").get() as { n: number };
    expect(open.n).toBe(0);
  });

  it('the output file of its own (cached answers of a batch whose every sent request failed) is listed with the provider\'s files and deleted locally', async () => {
    h = await startHarness({ budgets: [{ name: 'day', period: 'day', usd: 100 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a listed question' }], max_tokens: 50 });
    const lines = [line(0, 'a listed question'), line(1, 'doomed [[fake:batch-error]]')];
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    const own = done.output_file_id!;
    expect(own).toMatch(/^file-out-tollgate_/);
    const ids = async (query?: OpenAI.FileListParams) => {
      const out: Array<[string, string]> = [];
      for await (const f of client.files.list(query)) out.push([f.id, f.purpose]);
      return out;
    };
    // Listed beside the provider's files (its input and error files), once, in OpenAI's list shape, every page followed.
    expect((await ids()).sort()).toEqual([[own, 'batch_output'], [file.id, 'batch'], [done.error_file_id!, 'batch_output']].sort());
    expect(await ids({ limit: 1 })).toHaveLength(3);
    const first = await client.files.list({ limit: 1 });
    expect(first.data.map((f) => f.id)).toEqual([own]);
    expect(first.has_more).toBe(true);
    expect(await ids({ purpose: 'batch' })).toEqual([[file.id, 'batch']]);
    expect((await ids({ purpose: 'batch_output', limit: 1 })).sort()).toEqual([[own, 'batch_output'], [done.error_file_id!, 'batch_output']].sort());
    // Another key does not see it.
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-someone-else', maxRetries: 0 });
    for await (const f of other.files.list()) expect(f.id).not.toBe(own);
    // Nor read its cached answers or delete it by id: not there for that key, as at the provider.
    await expect(other.files.retrieve(own)).rejects.toMatchObject({ status: 404, error: { message: `No such File object: ${own}` } });
    await expect(other.files.content(own)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.files.delete(own)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(batchRows(h, batch.id)).toEqual([]);
    // Deleted here, in OpenAI's shape, without asking the provider (which never heard of it).
    const before = h.upstream.requests.filter((r) => r.method === 'DELETE').length;
    expect(await client.files.delete(own)).toEqual({ id: own, object: 'file', deleted: true });
    expect(h.upstream.requests.filter((r) => r.method === 'DELETE').length).toBe(before);
    expect((await ids()).map(([id]) => id)).not.toContain(own);
    await expect(client.files.retrieve(own)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.files.content(own)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.files.delete(own)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // Its cached answer is in the ledger once (recorded when the file went), nothing left reserved.
    expect(batchRows(h, batch.id).map((r) => r.cache)).toEqual(['exact']);
    const open = h.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'").get() as { n: number };
    expect(open.n).toBe(0);
  });

  it('a proxy restarted while a batch runs keeps its worst case reserved (not spent), and settles it from the results', async () => {
    const budgets = [{ name: 'day', period: 'day' as const, usd: 100 }];
    h = await startHarness({ budgets }, { dataDir: mkdtempSync(join(tmpdir(), 'tollgate-batch-restart-')) });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(jsonl([line(0, 'restart one'), line(1, 'restart two')]), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const spend = (db: Harness['proxy']['services']['db']) => db.prepare('SELECT SUM(spent_nano) AS spent, SUM(reserved_nano) AS reserved FROM governance_spend').get() as { spent: number; reserved: number };
    const reserved = spend(h.proxy.services.db).reserved;
    expect(reserved).toBeGreaterThan(0);
    // The proxy stops (an update, a reboot) while the provider runs the batch; a new one starts on the same data.
    const { upstream, dataDir } = h;
    await h.proxy.close();
    h = undefined;
    const policy = PolicySchema.parse({ budgets, providers: { openai: { baseUrl: upstream.openaiBaseUrl }, anthropic: { baseUrl: upstream.anthropicBaseUrl } } });
    const next = await startProxy({ port: 0, dataDir, policy, env: {} });
    try {
      expect(spend(next.services.db)).toEqual({ spent: 0, reserved });
      upstream.batch.complete(batch.id);
      const again = new OpenAI({ baseURL: `${next.url}/v1`, apiKey: 'sk-batch-test', maxRetries: 0 });
      const done = await again.batches.retrieve(batch.id);
      await (await again.files.content(done.output_file_id!)).text();
      const after = spend(next.services.db);
      expect(after.reserved).toBe(0);
      expect(after.spent).toBeGreaterThan(0);
      expect(after.spent).toBeLessThan(reserved);
    } finally {
      await next.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a refused batch names its worst case as the editor writes dollars (not "$0.0000" for a small one)', async () => {
    h = await startHarness({ budgets: [{ name: 'tiny-tokens', period: 'day', tokens: 10, action: 'block' }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(jsonl([line(0, 'hi', { model: 'gpt-4.1-nano', max_tokens: 20 })]), 'small.jsonl'), purpose: 'batch' });
    const err = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const message = String((err as Error).message);
    expect(message).toMatch(/worst case \(\$0\.0000\d+ at the batch rate\)/);
    expect(message).toContain('tokens per day');
  });

  it('a block budget refuses a batch whose worst case would exceed it, before anything is submitted', async () => {
    h = await startHarness({ budgets: [{ name: 'tiny', period: 'day', usd: 0.0005, action: 'block' }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    // 20 lines × 4,000 output tokens of gpt-4o at the batch rate ≫ $0.0005.
    const lines = Array.from({ length: 20 }, (_, i) => line(i, `long essay ${i}`, { model: 'gpt-4o', max_tokens: 4000 }));
    const file = await client.files.create({ file: await toFile(jsonl(lines), 'big.jsonl'), purpose: 'batch' });
    const err = await client.batches
      .create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(String((err as Error).message)).toMatch(/worst case/);
    expect(h.upstream.batch.batches.size).toBe(0);
    // A batch whose worst case fits still goes through.
    const small = await client.files.create({ file: await toFile(jsonl([line(0, 'short one', { max_tokens: 5 })]), 'small.jsonl'), purpose: 'batch' });
    const ok = await client.batches.create({ input_file_id: small.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(ok.status).toBe('in_progress');
    expect(h.upstream.batch.batches.size).toBe(1);
  });
});

describe('Anthropic Message Batches (@anthropic-ai/sdk) through the proxy', () => {
  it('results come back through the proxy and are recorded at the batch rate', async () => {
    h = await startHarness();
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-test', maxRetries: 0 });
    await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'cached already' }] });
    const requests = ['cached already', 'fresh one', 'fresh two [[fake:batch-error]]'].map((text, i) => ({
      custom_id: `a-${i}`,
      params: { model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user' as const, content: text }] },
    }));
    const { data: batch, response } = await client.messages.batches.create({ requests }, { headers: { 'x-tollgate-feature': 'nightly' } }).withResponse();
    expect(response.headers.get('x-tollgate-batch-cached')).toBe('1');
    expect(h.upstream.batch.submittedRequests()).toBe(2);
    h.upstream.batch.complete(batch.id);
    const ended = await client.messages.batches.retrieve(batch.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.results_url).toContain(h.proxy.url);

    const results: Array<{ custom_id: string; type: string }> = [];
    for await (const r of await client.messages.batches.results(batch.id)) results.push({ custom_id: r.custom_id, type: r.result.type });
    expect(results.sort((a, b) => a.custom_id.localeCompare(b.custom_id))).toEqual([
      { custom_id: 'a-0', type: 'succeeded' },
      { custom_id: 'a-1', type: 'succeeded' },
      { custom_id: 'a-2', type: 'errored' },
    ]);
    const rows = batchRows(h, batch.id);
    expect(rows).toHaveLength(3);
    const miss = rows.find((r) => r.cache === 'miss' && r.status === 200)!;
    const standard = priceCall(miss.modelUsed, { inputTokens: miss.inputTokens, outputTokens: miss.outputTokens }, 'anthropic').totalUsd;
    expect(miss.costUsd).toBeCloseTo(standard / 2, 12);
    expect(miss.tags.feature).toBe('nightly');

    // /metrics counts the results the ledger recorded (they were missing from every series).
    const metrics = await (await fetch(`${h.proxy.url}/metrics`)).text();
    const series = (re: RegExp) => metrics.split('\n').filter((l) => re.test(l)).reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(series(/^tollgate_requests_total\{.*endpoint="batch:messages"/)).toBe(3);
    expect(series(/^tollgate_requests_total\{.*endpoint="batch:messages".*cache="exact"/)).toBe(1);
    expect(series(/^tollgate_cost_usd_total\{/)).toBeCloseTo(h.proxy.services.ledger.page({}, 1000).calls.reduce((s, c) => s + c.costUsd, 0), 12);
  });
});

describe('bad batch input', () => {
  it('a malformed JSONL line is refused with its line number, and nothing is uploaded', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const text = `${JSON.stringify(line(0, 'fine'))}\n{"custom_id": "broken", "url": \n`;
    const err = await client.files.create({ file: await toFile(Buffer.from(text), 'bad.jsonl'), purpose: 'batch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(String((err as Error).message)).toMatch(/line 2: not valid JSON/);
    const dup = `${JSON.stringify(line(0, 'a'))}\n${JSON.stringify(line(0, 'b'))}\n`;
    const err2 = await client.files.create({ file: await toFile(Buffer.from(dup), 'dup.jsonl'), purpose: 'batch' }).catch((e: unknown) => e);
    expect(String((err2 as Error).message)).toMatch(/custom_id "req-0" appears twice/);
    expect(h.upstream.batch.files.size).toBe(0);

    const anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-batch-test', maxRetries: 0 });
    const err3 = await anthropic.messages.batches.create({ requests: [] }).catch((e: unknown) => e);
    expect(err3).toBeInstanceOf(Anthropic.BadRequestError);
    expect(h.upstream.batch.batches.size).toBe(0);
  });

  it('a non-batch upload passes through unchanged', async () => {
    h = await startHarness();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-batch-test', maxRetries: 0 });
    const f = await client.files.create({ file: await toFile(Buffer.from('{"prompt": "x"}\n'), 'tune.jsonl'), purpose: 'fine-tune' });
    expect(h.upstream.batch.files.get(f.id)?.purpose).toBe('fine-tune');
    expect(h.upstream.batch.files.get(f.id)?.content).toBe('{"prompt": "x"}\n');
  });
});
