/**
 * Stopping the proxy (SIGTERM/SIGINT in the CLI, the extension's restart) with calls in flight:
 * a call that finishes within the drain period reaches its client whole and is in the ledger
 * once; a call still running when the period ends is cut, and its row is written before the
 * database closes (one not answered yet gets a 503 first). Real `openai` (and `@anthropic-ai/sdk`)
 * clients, a real SQLite file read back after the stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { warmTokens } from '../../proxy/src/server/warmUp';
import { TokenCounter } from '../../proxy/src/workers/tokenCounter';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { holdCreates } from '../batch/holdCreates';
import { sleep, until } from './support';

let upstream: FakeUpstream | undefined;
let dir: string | undefined;

afterEach(async () => {
  // The token counter is the process's shared one: a test's stalled counts must not stall the next's.
  vi.restoreAllMocks();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  upstream = undefined;
  dir = undefined;
});

async function start(drainMs: number, extra: PolicyInput = {}): Promise<RunningProxy> {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-stop-'));
  const policy = PolicySchema.parse({
    ...extra,
    retries: { attempts: 0 },
    providers: {
      openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 20_000, idleTimeoutMs: 10_000 },
      anthropic: { baseUrl: upstream.anthropicBaseUrl, timeoutMs: 20_000, idleTimeoutMs: 10_000 },
    },
  });
  return startProxy({ port: 0, dataDir: dir, policy, env: {}, drainMs });
}

function query<T>(sql: string): T[] {
  const db = openDatabase(join(dir!, 'tollgate.db'), { readonly: true, vector: false });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

function rows(): Array<{ request_id: string; status: number; stream: number }> {
  const db = openDatabase(join(dir!, 'tollgate.db'), { readonly: true, vector: false });
  try {
    return db.prepare('SELECT request_id, status, stream FROM calls ORDER BY id').all() as Array<{ request_id: string; status: number; stream: number }>;
  } finally {
    db.close();
  }
}

describe('graceful stop with calls in flight', () => {
  it('lets a JSON call and a stream in flight finish, and records both', async () => {
    const proxy = await start(10_000);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-stop', maxRetries: 0 });
    const json = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow json [[fake:slow=800]]' }] }).withResponse();
    const stream = (async () => {
      const s = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'slow stream [[fake:gap=100]] [[fake:words=10]]' }],
      });
      let text = '';
      for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    })();
    await until(() => upstream!.calls() + upstream!.requests.length >= 2);
    await sleep(100);
    await proxy.close();
    const { data } = await json;
    expect(data.choices[0]?.message.content).toContain('You said: slow json');
    expect(await stream).toContain('slow stream');
    const written = rows();
    expect(written).toHaveLength(2);
    expect(written.every((r) => r.status === 200)).toBe(true);
    expect(written.map((r) => r.stream).sort()).toEqual([0, 1]);
  });

  it('cuts a call that outlasts the drain period and still writes its row', async () => {
    // The cut stream's output is estimated by the token worker: warm it, as a running proxy's is,
    // so the test measures the stop and not the worker's first start on a busy machine.
    await warmTokens(TokenCounter.shared());
    const proxy = await start(300);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-stop-2', maxRetries: 0 });
    const stream = (async () => {
      const s = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'long stream [[fake:gap=200]] [[fake:words=60]]' }] });
      for await (const _ of s) {
        // read until the proxy cuts it
      }
    })();
    const outcome = stream.then(
      () => 'ended',
      () => 'cut',
    );
    await until(() => upstream!.requests.length >= 1);
    await sleep(300);
    await proxy.close();
    expect(await outcome).toBe('cut');
    const written = rows();
    expect(written).toHaveLength(1);
    expect(written[0]!.stream).toBe(1);
  });

  it('writes a cut call\'s row, estimated, when the token worker does not answer before the database closes', async () => {
    const proxy = await start(300);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-stop-3', maxRetries: 0 });
    // A call settled while the proxy runs leaves no listener on the stop signal behind.
    await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'short [[fake:nousage]]' }] }).then(async (s) => {
      for await (const _ of s) {
        // read to the end
      }
    });
    expect(rows()).toHaveLength(1);
    expect(getEventListeners(proxy.services.stopping, 'abort')).toHaveLength(0);
    // A worker still building an encoder on a loaded machine: its counts come back after the stop.
    vi.spyOn(proxy.services.tokens, 'count').mockImplementation(() => new Promise(() => {}));
    const stream = (async () => {
      const s = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'long stream [[fake:gap=200]] [[fake:words=60]]' }] });
      for await (const _ of s) {
        // read until the proxy cuts it
      }
    })().catch(() => 'cut');
    await until(() => upstream!.requests.length >= 2);
    await sleep(300);
    await proxy.close();
    expect(await stream).toBe('cut');
    const db = openDatabase(join(dir!, 'tollgate.db'), { readonly: true, vector: false });
    const cut = db.prepare('SELECT status, error_type, tokens_estimated, input_tokens FROM calls ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
    db.close();
    expect(cut).toMatchObject({ status: 499, error_type: 'client_closed_request', tokens_estimated: 1 });
    expect(cut.input_tokens).toBeGreaterThan(0);
  });
});

/*
 * Past the wait, what the provider had not answered was cut, and its SDK raised a bare "Connection
 * error" (for a batch create the provider may have created, and billed, anyway). It now gets a
 * provider-shaped 503 first; a batch create's is marked not to be retried and says to list the
 * batches, and the batch the provider still answers before the proxy closes its file is recorded.
 */
const BUDGET: PolicyInput = { budgets: [{ name: 'day', period: 'day', usd: 100 }] };
const line = (i: number) => JSON.stringify({ custom_id: `req-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${i}` }], max_tokens: 50 } });

describe('a stop whose wait runs out', () => {
  it('answers a batch create still waiting with a 503 not to retry, and records the batch the provider creates', async () => {
    const proxy = await start(100, BUDGET);
    // Default retries: a 503 is one the SDK sends again, unless told not to.
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-stop-answers' });
    const file = await client.files.create({ file: await toFile(Buffer.from(`${line(0)}\n${line(1)}\n`), 'in.jsonl'), purpose: 'batch' });
    const held = holdCreates(upstream!);
    const created = client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }).catch((e: unknown) => e);
    await held.reached;
    const stopped = proxy.close();
    const err = await created;
    // The provider answers only after the client had its 503 (the create it had begun).
    held.release();
    await stopped;

    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(503);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect(e.message).toContain('List your batches (GET /v1/batches)');
    const ids = [...upstream!.batch.batches.keys()];
    expect(ids).toHaveLength(1);
    expect(query<{ id: string; reservation: string | null }>('SELECT id, reservation_id AS reservation FROM batches')).toEqual([{ id: ids[0], reservation: expect.any(String) }]);
    expect(query<{ n: number }>("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'")).toEqual([{ n: 1 }]);
  });

  it('says the same to an Anthropic batch create, in its error shape', async () => {
    const proxy = await start(100, BUDGET);
    const client = new Anthropic({ baseURL: proxy.url, apiKey: 'sk-ant-stop-answers' });
    const held = holdCreates(upstream!, '/v1/messages/batches');
    const requests = [0, 1].map((i) => ({ custom_id: `a-${i}`, params: { model: 'claude-3-5-haiku-latest', max_tokens: 30, messages: [{ role: 'user' as const, content: `note ${i}` }] } }));
    const created = client.messages.batches.create({ requests }).catch((e: unknown) => e);
    await held.reached;
    const stopped = proxy.close();
    const err = await created;
    held.release();
    await stopped;

    expect(err).toBeInstanceOf(Anthropic.APIError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.status).toBe(503);
    expect(e.headers?.get('x-should-retry')).toBe('false');
    expect((e.error as { type?: string }).type).toBe('error');
    expect(e.message).toContain('List your batches (GET /v1/messages/batches)');
    const ids = [...upstream!.batch.batches.keys()];
    expect(ids).toHaveLength(1);
    expect(query<{ id: string }>('SELECT id FROM batches')).toEqual([{ id: ids[0] }]);
  });

  it('answers a JSON call still waiting with a 503 and records its one row', async () => {
    const proxy = await start(100, BUDGET);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-stop-answers-2', maxRetries: 0 });
    const call = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow json [[fake:slow=20000]]' }] }).catch((e: unknown) => e);
    await until(() => upstream!.requests.length >= 1);
    await proxy.close();
    const err = await call;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as Error).message).toContain('Tollgate is stopping');
    // The row says what the client was told.
    expect(query<{ status: number; error_type: string }>('SELECT status, error_type FROM calls')).toEqual([{ status: 503, error_type: 'proxy_stopping' }]);
    expect(query<{ n: number }>("SELECT COUNT(*) AS n FROM governance_reservations WHERE state = 'open'")).toEqual([{ n: 0 }]);
  });
});
