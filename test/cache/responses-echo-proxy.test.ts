/**
 * The Responses API echoes attribution fields of its request (`metadata`, `user`,
 * `safety_identifier`, `prompt_cache_key`), which the cache key leaves out. A cached answer served
 * to another caller's identical request must carry that caller's values, as the upstream would —
 * never the first caller's — in JSON and in a replayed stream. The upstream here echoes them like
 * OpenAI's (the shared fake always answers `metadata: {}`); the client is the official SDK.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';

type Json = Record<string, unknown>;

let upstream: Server;
let proxy: RunningProxy;
let dataDir: string;
let client: OpenAI;
let calls = 0;

/** A Responses API object as OpenAI returns it: request settings and attribution echoed back. */
function responseObject(body: Json, n: number): Json {
  return {
    id: `resp_echo${n}`,
    object: 'response',
    created_at: 1_760_000_000 + n,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output: [{ id: `msg_echo${n}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: `answer ${n}`, annotations: [], logprobs: [] }] }],
    parallel_tool_calls: true,
    previous_response_id: null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: { effort: null, summary: null },
    safety_identifier: body.safety_identifier ?? null,
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 },
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
    });
    req.on('end', () => {
      const body = JSON.parse(raw) as Json;
      const done = responseObject(body, ++calls);
      if (body.stream !== true) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${calls}` });
        res.end(JSON.stringify(done));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req_${calls}` });
      const frame = (type: string, seq: number, o: Json) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...o })}\n\n`;
      res.end(frame('response.created', 0, { response: { ...done, status: 'in_progress', output: [], usage: null } }) + frame('response.completed', 1, { response: done }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const port = (upstream.address() as AddressInfo).port;
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-echo-'));
  proxy = await startProxy({ port: 0, dataDir, env: {}, policy: PolicySchema.parse({ providers: { openai: { baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 5_000 } } }) });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-echo', maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a cached Responses answer echoes this request', () => {
  it("another caller's metadata, user, safety_identifier and prompt_cache_key are never replayed", async () => {
    const ask = (tags: { metadata?: Record<string, string>; user?: string; safety_identifier?: string; prompt_cache_key?: string }) =>
      client.responses.create({ model: 'gpt-4.1-mini', input: 'Summarise our refund policy', ...tags }).withResponse();
    const alice = await ask({ metadata: { customer: 'alice' }, user: 'alice', safety_identifier: 'sid-alice', prompt_cache_key: 'pk-alice' });
    expect(alice.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(alice.data.metadata).toEqual({ customer: 'alice' });

    const bob = await ask({ metadata: { customer: 'bob' }, user: 'bob', safety_identifier: 'sid-bob' });
    expect(bob.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(bob.data.output_text).toBe(alice.data.output_text);
    expect(bob.data.id).toBe(alice.data.id);
    expect(bob.data.metadata).toEqual({ customer: 'bob' });
    expect(bob.data.user).toBe('bob');
    expect(bob.data.safety_identifier).toBe('sid-bob');
    expect(bob.data.prompt_cache_key).toBeNull();

    const anonymous = await ask({});
    expect(anonymous.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(anonymous.data.metadata).toEqual({});
    expect(anonymous.data.user).toBeNull();
    expect(calls).toBe(1);
  });

  it('a replayed stream carries this request’s metadata too', async () => {
    await client.responses.create({ model: 'gpt-4.1-mini', input: 'List our opening hours', metadata: { customer: 'carol' } });
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: 'List our opening hours', metadata: { customer: 'dave' }, stream: true }).withResponse();
    expect(stream.response.headers.get('x-tollgate-cache')).toBe('exact');
    const seen: unknown[] = [];
    for await (const e of stream.data) if (e.type === 'response.created' || e.type === 'response.completed') seen.push(e.response.metadata);
    expect(seen).toEqual([{ customer: 'dave' }, { customer: 'dave' }]);
  });
});
