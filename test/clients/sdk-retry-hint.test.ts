/**
 * The providers tell their SDKs whether an error is worth retrying with `x-should-retry` (the OpenAI
 * and Anthropic SDKs obey it before looking at the status): `false` on a 429 or 5xx that a retry
 * cannot fix, such as Anthropic's spent credit balance. Tollgate dropped the header, so the SDK
 * retried by the status alone: two more upstream calls and two more ledger rows for one refusal.
 */
import Anthropic from '@anthropic-ai/sdk';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Answers every call with the refusal of the provider named by the path. */
function refusalFor(path: string): Refusal {
  if (path.startsWith('/v1/messages')) {
    return {
      status: 429,
      headers: { 'request-id': 'req_011CVspent', 'x-should-retry': 'false', 'anthropic-organization-id': 'org-1' },
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'This request would exceed your organization’s monthly usage limit.' }, request_id: 'req_011CVspent' },
    };
  }
  return {
    status: 503,
    headers: { 'x-request-id': 'req_5a1b', 'x-should-retry': 'false', 'openai-processing-ms': '3' },
    body: { error: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', param: null, code: null } },
  };
}

describe('the provider’s x-should-retry reaches the SDK', () => {
  let server: Server;
  let calls = 0;
  let h: Harness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls += 1;
        const r = refusalFor(req.url ?? '');
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    h = await startHarness({ retries: { attempts: 0 } }, { openai: { baseUrl: `${url}/v1` }, anthropic: { baseUrl: url } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const rows = () => h.proxy.services.db.prepare('SELECT status FROM calls ORDER BY id').all() as { status: number }[];

  it('OpenAI: a 503 the provider says not to retry is tried once', async () => {
    const before = { calls, rows: rows().length };
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-hint', maxRetries: 2 });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    expect(calls - before.calls).toBe(1);
    expect(rows().slice(before.rows)).toEqual([{ status: 503 }]);
  });

  it('Anthropic: a 429 the provider says not to retry is tried once', async () => {
    const before = { calls, rows: rows().length };
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-hint', maxRetries: 2 });
    const err = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(calls - before.calls).toBe(1);
    expect(rows().slice(before.rows)).toEqual([{ status: 429 }]);
  });
});

/**
 * Under a persistent 529 (Anthropic overloaded) or 503, the proxy retried as its policy says and then
 * relayed the error; the SDK, seeing a 5xx, retried the whole call twice more, each through the proxy's
 * retries again: 9 upstream calls and 9 rows where the policy asked for 3. Once the proxy has retried,
 * its answer carries `x-should-retry: false`; when it has not (attempts: 0), the SDK retries as usual.
 */
describe('the proxy’s retries are not multiplied by the SDK’s', () => {
  let server: Server;
  const calls: string[] = [];
  let retrying: Harness;
  let single: Harness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls.push(req.url ?? '');
        if (req.url?.startsWith('/v1/messages')) {
          res.writeHead(529, { 'content-type': 'application/json', 'request-id': 'req_011CVbusy' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_011CVbusy' }));
          return;
        }
        res.writeHead(503, { 'content-type': 'application/json', 'x-request-id': 'req_busy' });
        res.end(JSON.stringify({ error: { message: 'The server is overloaded or not ready yet.', type: 'server_error', param: null, code: null } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const upstreams = { openai: { baseUrl: `${url}/v1` }, anthropic: { baseUrl: url } };
    // The default retryOn with Anthropic's 529 added, as a policy for an Anthropic app would have it.
    retrying = await startHarness({ retries: { attempts: 2, backoffMs: 5, retryOn: [429, 500, 502, 503, 504, 529, 'connect', 'timeout'] } }, upstreams);
    single = await startHarness({ retries: { attempts: 0 } }, upstreams);
  }, 60_000);
  afterAll(async () => {
    await retrying?.close();
    await single?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const statuses = (h: Harness, id: string | null | undefined) =>
    (h.proxy.services.db.prepare('SELECT status FROM calls WHERE request_id = ? ORDER BY id').all(id ?? '') as { status: number }[]).map((r) => r.status);

  it('Anthropic: a persistent 529 the proxy retried twice reaches the upstream 3 times, not 9', async () => {
    calls.length = 0;
    const client = new Anthropic({ baseURL: retrying.anthropicBaseUrl, apiKey: 'sk-ant-busy', maxRetries: 2 });
    const err = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.status).toBe(529);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(calls).toHaveLength(3);
    expect(statuses(retrying, e.headers?.get('x-tollgate-request-id'))).toEqual([529, 529, 529]);
  });

  it('OpenAI: a persistent 503 under the default retryOn likewise', async () => {
    calls.length = 0;
    const client = new OpenAI({ baseURL: retrying.openaiBaseUrl, apiKey: 'sk-busy', maxRetries: 2 });
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    expect(calls).toHaveLength(3);
  });

  it('a proxy that did not retry leaves the retrying to the SDK', async () => {
    calls.length = 0;
    const client = new Anthropic({ baseURL: single.anthropicBaseUrl, apiKey: 'sk-ant-busy', maxRetries: 2 });
    const err = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof Anthropic.APIError>).headers?.get('x-should-retry')).toBeNull();
    expect(calls).toHaveLength(3);
  });
});
