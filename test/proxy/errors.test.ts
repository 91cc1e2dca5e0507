/**
 * Bad input and upstream faults: each gets a provider-style error and a ledger row, nothing
 * partial is cached, and keys never reach the database.
 */
import Anthropic from '@anthropic-ai/sdk';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;

beforeAll(async () => {
  h = await startHarness({ server: { maxBodyBytes: 64 * 1024 } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-errors-secret-key-123', maxRetries: 0 });
});
afterAll(async () => h.close());

const lastRow = () => h.proxy.services.ledger.page({}, 1).calls[0]!;

/** The row of a failed stream lands just after the client saw the error (billed tokens are estimated first). */
async function rowWhere(pred: (r: ReturnType<typeof lastRow>) => boolean) {
  for (let i = 0; i < 300; i++) {
    const row = h.proxy.services.ledger.page({}, 5).calls.find(pred);
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('ledger row never appeared');
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const r = await request(`${h.proxy.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-raw', ...headers } });
  return { status: r.statusCode, headers: r.headers, json: (await r.body.json()) as Record<string, any> };
}

describe('bad requests', () => {
  it('malformed JSON gets a 400 in the OpenAI shape and a ledger row', async () => {
    const r = await post('/v1/chat/completions', '{"model": "gpt-4o-mini", "messages": [');
    expect(r.status).toBe(400);
    expect(r.json.error.type).toBe('invalid_request_error');
    expect(r.json.error.message).toMatch(/could not parse the JSON/);
    expect(lastRow().status).toBe(400);
  });

  it('malformed JSON on the Anthropic route gets the Anthropic error shape', async () => {
    const r = await post('/v1/messages', 'not json', { 'x-api-key': 'sk-ant-raw' });
    expect(r.status).toBe(400);
    expect(r.json.type).toBe('error');
    expect(r.json.error.type).toBe('invalid_request_error');
  });

  it('an oversized body gets a 413 naming the limit', async () => {
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const r = await post('/v1/chat/completions', big);
    expect(r.status).toBe(413);
    expect(r.json.error.message).toMatch(/65536 bytes/);
  });

  it('a missing model, a non-object body and an unknown route are refused clearly', async () => {
    expect((await post('/v1/chat/completions', '{"messages": []}')).json.error.message).toMatch(/model/);
    expect((await post('/v1/chat/completions', '[1,2]')).status).toBe(400);
    const r = await post('/v1/nonsense', '{}');
    expect(r.status).toBe(404);
    expect(r.json.error.message).toMatch(/does not serve POST \/v1\/nonsense/);
  });

  it('a body nested 64 levels deep is forwarded, one level more is a 400 that says so', async () => {
    const nested = (levels: number) => `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"deep ${levels}"}],"x":${'['.repeat(levels - 1)}1${']'.repeat(levels - 1)}}`;
    expect((await post('/v1/chat/completions', nested(64))).status).toBe(200);
    const r = await post('/v1/chat/completions', nested(65));
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe('The request body is nested deeper than 64 levels.');
  });

  it('a served path asked with another method is a 405 naming the methods it takes; a page is still refused', async () => {
    const options = await request(`${h.proxy.url}/v1/chat/completions`, { method: 'OPTIONS' });
    // POST creates; GET lists stored completions.
    expect([options.statusCode, options.headers.allow]).toEqual([405, 'POST, GET, HEAD']);
    expect(((await options.body.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(/does not serve OPTIONS \/v1\/chat\/completions; that path takes POST, GET, HEAD/) });
    const put = await request(`${h.proxy.url}/v1/models`, { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json' } });
    expect([put.statusCode, put.headers.allow]).toEqual([405, 'GET, HEAD']);
    await put.body.dump();
    // What the SDKs show: their own error class with the status and the provider-shaped message.
    const viaOpenAI = await openai.get('/embeddings').catch((e: unknown) => e);
    expect(viaOpenAI).toBeInstanceOf(OpenAI.APIError);
    expect([(viaOpenAI as InstanceType<typeof OpenAI.APIError>).status, (viaOpenAI as Error).message]).toEqual([405, expect.stringMatching(/takes POST/)]);
    const anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-405', maxRetries: 0 });
    const viaAnthropic = await anthropic.get('/v1/messages').catch((e: unknown) => e);
    expect(viaAnthropic).toBeInstanceOf(Anthropic.APIError);
    expect((viaAnthropic as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    // A preflight from a page not allowed is refused as before, and nothing was forwarded.
    const page = await request(`${h.proxy.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect([page.statusCode, page.headers['access-control-allow-origin']]).toEqual([403, undefined]);
    await page.body.dump();
    expect(h.upstream.requests.filter((r) => r.method !== 'POST')).toEqual([]);
  });

  it('an unknown provider gets a 400 listing the configured ones', async () => {
    const r = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), { 'x-tollgate-provider': 'nope' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/unknown provider "nope".*openai/);
    expect(lastRow().status).toBe(400);
  });

  it('a foreign Host header is refused (DNS rebinding)', async () => {
    const r = await request(`${h.proxy.url}/v1/models`, { headers: { host: 'evil.example.com' } });
    expect(r.statusCode).toBe(403);
    expect(((await r.body.json()) as any).error.message).toMatch(/localhost or 127\.0\.0\.1/);
    const ok = await request(`${h.proxy.url}/healthz`, { headers: { host: `localhost:${h.proxy.port}` } });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  });
});

describe('upstream faults through the openai SDK', () => {
  const ask = (content: string) => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

  it('429 with retry-after is relayed, recorded and not cached', async () => {
    const err = await ask('limit me [[fake:429]]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('1');
    expect(lastRow()).toMatchObject({ status: 429, cache: 'miss' });
    const before = h.upstream.calls();
    await ask('limit me [[fake:429]]').catch(() => undefined);
    expect(h.upstream.requests.length).toBeGreaterThan(0);
    expect(lastRow().status).toBe(429);
    expect(h.upstream.calls()).toBe(before); // errors never count as answered calls
  });

  it('500 becomes an InternalServerError with the provider message', async () => {
    const err = await ask('explode [[fake:500]]').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(lastRow().status).toBe(500);
  });

  it('a reset mid-stream ends the stream with an error, is recorded with the billed tokens, and is never cached', async () => {
    const read = async () => {
      const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'cut me off please now [[fake:reset-mid-stream]] [[fake:words=12]]' }], stream: true });
      let text = '';
      for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
      return text;
    };
    await expect(read()).rejects.toThrow();
    const row = await rowWhere((r) => r.errorType === 'upstream_reset');
    expect(row.status).toBe(502);
    expect(row.errorType).toBe('upstream_reset');
    expect(row.inputTokens).toBeGreaterThan(0);
    expect(row.tokensEstimated).toBe(true);
    const before = h.upstream.calls();
    await expect(read()).rejects.toThrow();
    expect(h.upstream.calls()).toBe(before + 1); // went upstream again: nothing partial was cached
  });

  it('a slow first byte past the timeout gets a 504', async () => {
    const slow = await startHarness({ providers: { openai: { baseUrl: h.upstream.openaiBaseUrl, timeoutMs: 200 } } });
    try {
      const client = new OpenAI({ baseURL: slow.openaiBaseUrl, apiKey: 'sk-x', maxRetries: 0 });
      const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow [[fake:slow=1500]]' }] }).catch((e: unknown) => e);
      expect((err as { status?: number }).status).toBe(504);
      expect(slow.proxy.services.ledger.page({}, 1).calls[0]?.errorType).toBe('upstream_timeout');
    } finally {
      await slow.close();
    }
  });

  it('a stall mid-stream hits the idle timeout and ends the stream with an error', async () => {
    const s = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'stall here please [[fake:stall-mid-stream]]' }], stream: true });
    const read = async () => {
      for await (const _ of s) void _;
    };
    await expect(read()).rejects.toThrow(/stopped sending|incomplete/);
    expect(await rowWhere((r) => r.promptPreview?.startsWith('stall here') === true)).toMatchObject({ status: 504, errorType: 'upstream_timeout' });
  });

  it('connection refused gets a 502 that names the upstream', async () => {
    const dead = await startHarness({ providers: { openai: { baseUrl: 'http://127.0.0.1:9/v1' } } });
    try {
      const client = new OpenAI({ baseURL: dead.openaiBaseUrl, apiKey: 'sk-x', maxRetries: 0 });
      const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello?' }] }).catch((e: unknown) => e);
      expect((err as { status?: number }).status).toBe(502);
      expect(String((err as Error).message)).toMatch(/cannot connect to the upstream/);
    } finally {
      await dead.close();
    }
  });

  it('truncated JSON and an HTML error page become provider-shaped 502s', async () => {
    const e1 = await ask('cut [[fake:truncated]]').catch((e: unknown) => e);
    expect((e1 as { status?: number }).status).toBe(502);
    const e2 = await ask('html [[fake:html]]').catch((e: unknown) => e);
    expect((e2 as { status?: number }).status).toBe(502);
    expect(String((e2 as Error).message)).toMatch(/text\/html/);
  });

  it('a client abort cancels the upstream and is recorded as 499', async () => {
    const controller = new AbortController();
    const s = await openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `long answer please ${'word '.repeat(3000)} [[fake:words=3000]]` }], stream: true },
      { signal: controller.signal },
    );
    let n = 0;
    // The SDK ends iteration quietly on abort.
    await (async () => {
      for await (const _ of s) if (++n === 3) controller.abort();
    })().catch(() => undefined);
    expect(n).toBeLessThan(100);
    for (let i = 0; i < 50 && lastRow().status !== 499; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lastRow()).toMatchObject({ status: 499, errorType: 'client_closed_request', cache: 'miss' });
    // nothing partial was cached
    const cached = h.proxy.services.db.prepare("SELECT COUNT(*) AS n FROM cache_entries WHERE prompt LIKE 'long answer please%'").get() as { n: number };
    expect(cached.n).toBe(0);
  });

  it('Anthropic errors keep the Anthropic shape through the SDK', async () => {
    const anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-err', maxRetries: 0 });
    const err = await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'overloaded [[fake:429]]' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
  });
});

describe('cache control and isolation', () => {
  it('x-tollgate-cache: no-store skips the write, no-cache skips the read', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'directive test' }] };
    await openai.chat.completions.create(body, { headers: { 'x-tollgate-cache': 'no-store' } });
    const r1 = await openai.chat.completions.create(body).withResponse();
    expect(r1.response.headers.get('x-tollgate-cache')).toBe('miss');
    const r2 = await openai.chat.completions.create(body, { headers: { 'x-tollgate-cache': 'no-cache' } }).withResponse();
    expect(r2.response.headers.get('x-tollgate-cache')).toBe('bypass');
    const r3 = await openai.chat.completions.create(body).withResponse();
    expect(r3.response.headers.get('x-tollgate-cache')).toBe('exact');
  });

  it('key order and whitespace never cause a miss; any parameter change does', async () => {
    const a = await post('/v1/chat/completions', '{"model":"gpt-4o-mini","temperature":0.2,"messages":[{"role":"user","content":"order test"}]}');
    expect(a.headers['x-tollgate-cache']).toBe('miss');
    const b = await post('/v1/chat/completions', '{ "messages": [ {"content": "order test", "role": "user"} ],\n "temperature": 0.2, "model": "gpt-4o-mini" }');
    expect(b.headers['x-tollgate-cache']).toBe('exact');
    const c = await post('/v1/chat/completions', '{"model":"gpt-4o-mini","temperature":0.3,"messages":[{"role":"user","content":"order test"}]}');
    expect(c.headers['x-tollgate-cache']).toBe('miss');
    const d = await post('/v1/chat/completions', '{"model":"gpt-4o-mini","temperature":0.2,"seed":1,"messages":[{"role":"user","content":"order test"}]}');
    expect(d.headers['x-tollgate-cache']).toBe('miss');
  });

  it('two API keys never share a cache entry', async () => {
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-someone-else', maxRetries: 0 });
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'tenant isolation' }] };
    await openai.chat.completions.create(body);
    expect((await openai.chat.completions.create(body).withResponse()).response.headers.get('x-tollgate-cache')).toBe('exact');
    expect((await other.chat.completions.create(body).withResponse()).response.headers.get('x-tollgate-cache')).toBe('miss');
  });

  it('the API key never reaches the database files', async () => {
    h.proxy.services.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const f of readdirSync(h.dataDir)) {
      const bytes = readFileSync(join(h.dataDir, f));
      expect(bytes.includes('sk-errors-secret-key-123'), f).toBe(false);
      expect(bytes.includes('sk-someone-else'), f).toBe(false);
    }
    const fp = lastRow().keyFingerprint;
    expect(fp).toMatch(/^tg_[0-9a-f]{16}$/);
  });
});

describe('admin API', () => {
  it('refuses state changes without the token or from a browser origin', async () => {
    const noToken = await request(`${h.proxy.url}/tollgate/cache/clear`, { method: 'POST' });
    expect(noToken.statusCode).toBe(401);
    await noToken.body.dump();
    const fromBrowser = await request(`${h.proxy.url}/tollgate/cache/clear`, { method: 'POST', headers: { authorization: `Bearer ${h.proxy.adminToken}`, origin: 'http://localhost:3000' } });
    expect(fromBrowser.statusCode).toBe(403);
    await fromBrowser.body.dump();
    expect(h.proxy.services.exactCache.count()).toBeGreaterThan(0);
    const ok = await request(`${h.proxy.url}/tollgate/cache/clear`, { method: 'POST', headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { removed: number }).removed).toBeGreaterThan(0);
    expect(h.proxy.services.exactCache.count()).toBe(0);
  });
});
