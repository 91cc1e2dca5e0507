/**
 * /metrics takes the upstream's usage figures as they come: a server that reports a negative or
 * absurd usage block (seen from OpenAI-compatible servers) must neither fail the call — prom-client
 * throws when a counter is decreased — nor make a counter go down.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { Metrics } from '../../proxy/src/metrics/metrics';
import { startHarness, type Harness } from '../support/harness';

/** An OpenAI-style upstream whose usage block reports `prompt_tokens` from the request's text. */
function oddUsageUpstream(): Server {
  return createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; messages: Array<{ content: string }> };
      const promptTokens = Number(body.messages[0]!.content);
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${Date.now()}` });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-odd',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: promptTokens, completion_tokens: 2, total_tokens: promptTokens + 2 },
        }),
      );
    });
  });
}

/** Sample values by series (`name{labels}`) of a text exposition; throws on a line that is not a sample. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    // prom-client writes an unsampled gauge as `Nan` (Prometheus parses floats case-insensitively).
    const v = m[2] === '+Inf' ? Infinity : m[2] === '-Inf' ? -Infinity : /^nan$/i.test(m[2]!) ? Number.NaN : Number(m[2]);
    if (Number.isNaN(v) && !/^nan$/i.test(m[2]!)) throw new Error(`not a number: ${line}`);
    out.set(m[1]!, v);
  }
  return out;
}

describe('usage figures the upstream got wrong', () => {
  let upstream: Server;
  let h: Harness;
  beforeAll(async () => {
    upstream = oddUsageUpstream();
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    h = await startHarness({}, { openai: { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` } });
  });
  afterAll(async () => {
    await h.close();
    await new Promise((r) => upstream.close(r));
  });

  it('a negative prompt_tokens still answers 200 and no counter goes down', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    const exposition = async () => (await fetch(`${h.proxy.url}/metrics`)).text();
    const metrics = async () => samples(await exposition());
    await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: '40' }] });
    const before = await metrics();
    const res = await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: '-50' }] });
    expect(res.choices[0]!.message.content).toBe('ok');
    const after = await metrics();
    const requests = 'tollgate_requests_total{provider="openai",endpoint="chat.completions",cache="miss",status="2xx"}';
    expect(after.get(requests)).toBe(before.get(requests)! + 1);
    // Counters only, as the exposition types them: gauges may fall, some with a name ending in
    // `_total` too (prom-client's `…_active_resources_total`).
    const counters = new Set([...(await exposition()).matchAll(/^# TYPE (tollgate_\w+) counter$/gm)].map((m) => m[1]!));
    expect(counters).toContain('tollgate_requests_total');
    for (const [series, v] of before) if (counters.has(series.replace(/\{.*$/, ''))) expect(after.get(series), series).toBeGreaterThanOrEqual(v);
  });

  it('the ledger and budgets get no negative or absurd token counts (1e308 was a $1e301 row)', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: '1e308' }] });
    const huge = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(huge.inputTokens).toBeLessThanOrEqual(1e9);
    expect(huge.costUsd).toBeLessThan(1e4);
    await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: '-50' }] });
    const negative = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(negative.inputTokens).toBe(0);
    expect(negative.costUsd).toBeGreaterThanOrEqual(0);
  });

  it('non-finite figures are left out rather than thrown on or exposed', async () => {
    const m = new Metrics(false);
    const rec = {
      provider: 'openai',
      endpoint: 'chat.completions',
      cache: 'miss',
      status: 200,
      modelUsed: 'gpt-4.1-nano',
      costUsd: Infinity,
      savedUsd: Number.NaN,
      inputTokens: -3,
      outputTokens: Infinity,
      overheadMs: Number.NaN,
      latencyMs: -1,
    } as unknown as CallRecord;
    expect(() => m.observe(rec)).not.toThrow();
    const s = samples(await m.registry.metrics());
    expect(s.get('tollgate_requests_total{provider="openai",endpoint="chat.completions",cache="miss",status="2xx"}')).toBe(1);
    for (const [series, v] of s) if (!series.includes('le="+Inf"')) expect(Number.isFinite(v), series).toBe(true);
  });
});
