/**
 * Stopping the proxy (SIGTERM/SIGINT in the CLI, the extension's restart) with calls in flight:
 * a call that finishes within the drain period reaches its client whole and is in the ledger
 * once; a call still running when the period ends is cut, and its row is written before the
 * database closes. Real `openai` SDK clients, a real SQLite file read back after the stop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../proxy/src/db/open';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { warmTokens } from '../../proxy/src/server/warmUp';
import { TokenCounter } from '../../proxy/src/workers/tokenCounter';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { sleep, until } from './support';

let upstream: FakeUpstream | undefined;
let dir: string | undefined;

afterEach(async () => {
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  upstream = undefined;
  dir = undefined;
});

async function start(drainMs: number): Promise<RunningProxy> {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'tollgate-stop-'));
  const policy = PolicySchema.parse({
    retries: { attempts: 0 },
    providers: {
      openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 20_000, idleTimeoutMs: 10_000 },
      anthropic: { baseUrl: upstream.anthropicBaseUrl, timeoutMs: 20_000, idleTimeoutMs: 10_000 },
    },
  });
  return startProxy({ port: 0, dataDir: dir, policy, env: {}, drainMs });
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
