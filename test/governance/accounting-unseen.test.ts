/**
 * Calls whose upstream reports no usage (OpenAI-compatible servers that ignore
 * `stream_options.include_usage`, or send no `usage` at all): the ledger row holds a js-tiktoken
 * estimate (tokensEstimated), and token budgets, the TPM window and a stream's
 * `x-tollgate-input-tokens` / `x-tollgate-output-tokens` trailers must count that same figure —
 * for JSON and streams, complete and cut short. Real openai SDK against the real proxy; the
 * upstream below speaks OpenAI's chat-completions wire format without any usage block.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

/** An OpenAI-compatible server that never reports usage; a prompt containing CUT-STREAM is cut mid-stream. */
let upstream: Server;
let upstreamUrl = '';

const ANSWER = 'Budgets count what the ledger counts, even when the upstream keeps its token counts to itself and Tollgate has to estimate them.';

function answer(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const body = JSON.parse(raw) as { model: string; stream?: boolean; messages: Array<{ content: string }> };
  const id = `chatcmpl-nousage${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const cut = body.messages.some((m) => m.content.includes('CUT-STREAM'));
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }] }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const words = ANSWER.split(' ');
  res.write(chunk({ role: 'assistant', content: '' }, null));
  const sent = cut ? words.slice(0, 8) : words;
  for (const w of sent) res.write(chunk({ content: `${w} ` }, null));
  if (cut) {
    // Let the frames reach the proxy, then drop the connection before the terminal event.
    setTimeout(() => req.socket.destroy(), 50);
    return;
  }
  res.write(chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => answer(req, res, raw));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const POLICY: PolicyInput = {
  budgets: [{ name: 'tokens-daily', period: 'day', tokens: 1_000_000, action: 'block' }],
  rateLimits: [{ name: 'tpm', tpm: 1_000_000 }],
  retries: { attempts: 0 },
};

async function setup(): Promise<{ h: Harness; client: OpenAI }> {
  h = await startHarness(POLICY, { openai: { baseUrl: upstreamUrl } });
  return { h, client: new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-unseen', maxRetries: 0 }) };
}

const ask = (content: string) => ({ model: 'gpt-4o-mini', max_tokens: 200, messages: [{ role: 'user' as const, content }] });

/** Token figures as the budget, the TPM window and the ledger hold them. */
async function figures(hh: Harness): Promise<{ budget: number; reserved: number; tpm: number; ledger: number; rows: number }> {
  const status = (await (await fetch(`${hh.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${hh.proxy.adminToken}` } })).json()) as Array<{ spentTokens: number; reservedTokens: number }>;
  const db = new Database(join(hh.dataDir, 'tollgate.db'), { readonly: true });
  try {
    const tpm = (db.prepare("SELECT SUM(tokens) AS t FROM governance_rate_buckets WHERE limit_name = 'tpm'").get() as { t: number | null }).t ?? 0;
    const calls = hh.proxy.services.ledger.page({}, 100).calls;
    return { budget: status[0]!.spentTokens, reserved: status[0]!.reservedTokens, tpm, ledger: calls.reduce((s, c) => s + c.inputTokens + c.outputTokens, 0), rows: calls.length };
  } finally {
    db.close();
  }
}

/** Waits until every reservation is settled (the admit stage settles after the last byte). */
async function settled(hh: Harness): Promise<Awaited<ReturnType<typeof figures>>> {
  for (let i = 0; i < 100; i++) {
    const f = await figures(hh);
    if (f.reserved === 0) return f;
    await new Promise((r) => setTimeout(r, 20));
  }
  return figures(hh);
}

/** A raw streamed call, to read the HTTP trailers the SDK does not expose. */
function streamWithTrailers(hh: Harness, content: string): Promise<{ body: string; trailers: NodeJS.Dict<string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${hh.openaiBaseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-unseen' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ body, trailers: res.trailers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ ...ask(content), stream: true }));
  });
}

describe('usage the upstream never reported', () => {
  it('a complete stream counts its estimate against token budgets, the TPM window and the trailers', async () => {
    const { h: hh, client } = await setup();
    let text = '';
    for await (const chunk of await client.chat.completions.create({ ...ask('stream without usage, please'), stream: true })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.trim()).toBe(ANSWER);
    // Crash promise: the client has its last byte, so the row is already committed — exactly once.
    const rows = hh.proxy.services.ledger.page({}, 10).calls;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, tokensEstimated: true });
    expect(rows[0]!.inputTokens).toBeGreaterThan(0);
    expect(rows[0]!.outputTokens).toBeGreaterThan(10);

    const raw = await streamWithTrailers(hh, 'another stream without usage');
    expect(raw.body).toContain('data: [DONE]');
    const second = hh.proxy.services.ledger.page({}, 10).calls[0]!;
    expect(raw.trailers['x-tollgate-input-tokens']).toBe(String(second.inputTokens));
    expect(raw.trailers['x-tollgate-output-tokens']).toBe(String(second.outputTokens));
    expect(Number(raw.trailers['x-tollgate-cost-usd'])).toBeCloseTo(second.costUsd, 8);

    const f = await settled(hh);
    expect(f.rows).toBe(2);
    expect(f.ledger).toBe(rows[0]!.inputTokens + rows[0]!.outputTokens + second.inputTokens + second.outputTokens);
    expect(f.budget).toBe(f.ledger);
    expect(f.tpm).toBe(f.ledger);
  });

  it('a JSON answer and a stream cut short count the same estimate in the budget, the TPM window and the ledger', async () => {
    const { h: hh, client } = await setup();
    const json = await client.chat.completions.create(ask('json without usage'));
    expect(json.choices[0]?.message.content).toBe(ANSWER);
    expect(json.usage).toBeUndefined();

    // Cut before the terminal event: the SDK sees the in-band error (or the stream just stops).
    let partial = '';
    try {
      for await (const chunk of await client.chat.completions.create({ ...ask('CUT-STREAM without usage'), stream: true })) partial += chunk.choices[0]?.delta.content ?? '';
    } catch {
      // the proxy ends a broken stream with an error event
    }
    expect(partial.length).toBeGreaterThan(0);

    const f = await settled(hh);
    const rows = hh.proxy.services.ledger.page({}, 10).calls.reverse();
    expect(rows.map((c) => [c.status, c.tokensEstimated])).toEqual([
      [200, true],
      [502, true],
    ]);
    expect(rows[1]!.outputTokens).toBeGreaterThan(0);
    expect(f.budget).toBe(f.ledger);
    expect(f.tpm).toBe(f.ledger);
  });
});
