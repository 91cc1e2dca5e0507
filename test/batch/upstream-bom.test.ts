/**
 * Batch answers that start with a UTF-8 byte-order mark, as some gateways and Azure front ends send
 * them. fetch's `json()` (so every SDK) and the proxy's main path drop a leading mark; the batch
 * routes read the same answers and must too. Kept, a batch created upstream was not tracked (its
 * reservation released, its results never recorded) and an uploaded file's lines were forgotten.
 * The front end here relays the fake provider's real answers, each with a mark in front.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let h: Harness | undefined;
let front: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
  front = undefined;
});

/** A front end that relays to `target()` and puts a byte-order mark before every successful body. */
async function bomFrontEnd(target: () => string): Promise<string> {
  front = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const to = new URL(req.url ?? '/', target());
      const headers = { ...req.headers, host: to.host };
      const out = request(to, { method: req.method, headers }, (up) => {
        const body: Buffer[] = [];
        up.on('data', (c: Buffer) => body.push(c));
        up.on('end', () => {
          const raw = Buffer.concat(body);
          const sent = up.statusCode === 200 ? Buffer.concat([BOM, raw]) : raw;
          const { 'content-length': _len, 'transfer-encoding': _te, ...rest } = up.headers;
          res.writeHead(up.statusCode ?? 502, { ...rest, 'content-length': String(sent.length) });
          res.end(sent);
        });
      });
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => front!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}

async function harnessBehindBom(): Promise<Harness> {
  let upstreamUrl = '';
  const url = await bomFrontEnd(() => upstreamUrl);
  const harness = await startHarness({ budgets: [{ name: 'tok', period: 'day', tokens: 1_000_000, action: 'block' }] }, { openai: { baseUrl: `${url}/v1` }, anthropic: { baseUrl: url } });
  upstreamUrl = harness.upstream.url;
  return harness;
}

const reservations = (harness: Harness) => harness.proxy.services.db.prepare('SELECT state, actual_tokens FROM governance_reservations').all() as Array<{ state: string; actual_tokens: number | null }>;

describe('batch answers with a leading byte-order mark', () => {
  it('OpenAI (openai SDK): the file, the batch and its results are read, recorded and settled', async () => {
    h = await harnessBehindBom();
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-bom-batch', maxRetries: 0 });
    const lines = [0, 1, 2].map((i) => ({ custom_id: `r-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `bom line ${i}` }], max_tokens: 30 } }));
    const file = await client.files.create({ file: await toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')), 'in.jsonl'), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(reservations(h).map((r) => r.state)).toEqual(['open']);
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    const out = await (await client.files.content(done.output_file_id!)).text();
    expect(out).toContain('r-2');
    const rows = h.proxy.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${batch.id}`);
    expect(rows).toHaveLength(3);
    const tokens = rows.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);
    expect(reservations(h)).toEqual([{ state: 'settled', actual_tokens: tokens }]);
  });

  it('OpenAI: a batch on a file uploaded without Tollgate reads that file back through the mark', async () => {
    h = await harnessBehindBom();
    // Uploaded straight to the provider: Tollgate reads the lines back when the batch is created.
    const direct = new OpenAI({ baseURL: h.upstream.openaiBaseUrl, apiKey: 'sk-bom-batch', maxRetries: 0 });
    const line = { custom_id: 'd-0', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'direct upload' }], max_tokens: 30 } };
    const file = await direct.files.create({ file: await toFile(Buffer.from(JSON.stringify(line)), 'in.jsonl'), purpose: 'batch' });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-bom-batch', maxRetries: 0 });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.id).toMatch(/^batch_/);
    expect(reservations(h).map((r) => r.state)).toEqual(['open']);
  });

  it('Anthropic (@anthropic-ai/sdk): the batch is tracked and its results recorded and settled', async () => {
    h = await harnessBehindBom();
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-bom-batch', maxRetries: 0 });
    const requests = [0, 1].map((i) => ({ custom_id: `a-${i}`, params: { model: 'claude-3-5-haiku-latest', max_tokens: 30, messages: [{ role: 'user' as const, content: `bom note ${i}` }] } }));
    const batch = await client.messages.batches.create({ requests });
    expect(reservations(h).map((r) => r.state)).toEqual(['open']);
    h.upstream.batch.complete(batch.id);
    expect((await client.messages.batches.retrieve(batch.id)).processing_status).toBe('ended');
    const results = [];
    for await (const r of await client.messages.batches.results(batch.id)) results.push(r);
    expect(results).toHaveLength(2);
    const rows = h.proxy.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${batch.id}`);
    expect(rows).toHaveLength(2);
    const tokens = rows.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);
    expect(reservations(h)).toEqual([{ state: 'settled', actual_tokens: tokens }]);
  });
});
