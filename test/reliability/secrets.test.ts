/**
 * Secrets and isolation: traffic with known API keys (both SDKs, streams, errors, cache hits, an
 * abort) through a child-process proxy, then every place the proxy writes or answers is searched
 * for those keys: the SQLite files (WAL checkpointed), its stdout/stderr, error bodies, /metrics,
 * /tollgate/calls, /tollgate/summary and a `tollgate policy export`. Then two keys sharing an
 * exact or semantic cache entry (real USE-lite model, real sqlite-vec) is ruled out.
 */
import Anthropic from '@anthropic-ai/sdk';
import { Db as Database } from '../../proxy/src/db/open';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { runCli, spawnProxy, startRig, type ChildProxy, type Rig } from './support';
import { waitForEmbedder } from '../support/harness';

const OPENAI_KEY = 'sk-proj-LEAKCANARYopenai7Q2w9E4r6T8y';
const ANTHROPIC_KEY = 'sk-ant-api03-LEAKCANARYanthropic3Z5x7C9v';
const ENV_KEY = 'sk-env-LEAKCANARYfromenv1A2b3C4d';
const KEYS = [OPENAI_KEY, ANTHROPIC_KEY, ENV_KEY];
/** A distinctive slice too, in case a key is stored truncated or with its prefix stripped. */
const NEEDLES = [...KEYS, 'LEAKCANARY'];

function expectClean(where: string, text: string | Buffer) {
  for (const n of NEEDLES) expect(Buffer.isBuffer(text) ? text.includes(n) : text.includes(n), `${where} contains ${n.slice(0, 12)}…`).toBe(false);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('API keys never leak', () => {
  let upstream: FakeUpstream;
  let dir: string;
  let proxy: ChildProxy;
  // The read API needs the admin token; the test reads everything a token holder can see.
  const ADMIN_TOKEN = 'secrets-test-admin-token-5e1b';
  const seen: Array<[string, string]> = [];

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    dir = mkdtempSync(join(tmpdir(), 'tollgate-secrets-'));
    writeFileSync(
      join(dir, 'policy.yaml'),
      [
        'providers:',
        `  openai: { baseUrl: "${upstream.openaiBaseUrl}", timeoutMs: 5000, idleTimeoutMs: 1000 }`,
        `  anthropic: { baseUrl: "${upstream.anthropicBaseUrl}", timeoutMs: 5000, idleTimeoutMs: 1000 }`,
        'retries: { attempts: 1, backoffMs: 5 }',
        'budgets:',
        '  - { name: leak-day, period: day, usd: 100 }',
        '',
      ].join('\n'),
    );
    proxy = await spawnProxy({ dataDir: join(dir, 'data'), policyFile: join(dir, 'policy.yaml'), env: { OPENAI_API_KEY: ENV_KEY, ANTHROPIC_API_KEY: ENV_KEY, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN } });

    const oa = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: OPENAI_KEY, maxRetries: 0 });
    const an = new Anthropic({ baseURL: proxy.url, apiKey: ANTHROPIC_KEY, maxRetries: 0 });
    const keep = (where: string, v: unknown) => seen.push([where, typeof v === 'string' ? v : JSON.stringify(v)]);
    const errOf = (e: unknown) => {
      const x = e as { status?: number; error?: unknown; message?: string; headers?: Headers };
      keep('error body', x.error);
      keep('error message', x.message);
      keep('error headers', x.headers ? Object.fromEntries(x.headers.entries()) : {});
    };
    const chat = (content: string) => oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    for (let i = 0; i < 2; i++) {
      const { data, response } = await chat('leak test hello'); // second is an exact hit
      keep('chat', data);
      keep('chat headers', Object.fromEntries(response.headers.entries()));
    }
    const s = await oa.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'leak stream' }] });
    for await (const c of s) keep('chat stream', c);
    keep('responses', await oa.responses.create({ model: 'gpt-4o-mini', input: 'leak responses' }));
    keep('embeddings', await oa.embeddings.create({ model: 'text-embedding-3-small', input: 'leak embed' }));
    keep('models', await oa.models.list().then((p) => p.data));
    for (const fault of ['[[fake:429]]', '[[fake:500]]', '[[fake:html]]', '[[fake:truncated]]', '[[fake:reset]]']) await chat(`leak ${fault}`).catch(errOf);
    await oa.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'leak cut [[fake:reset-mid-stream]]' }] }).then(async (st) => {
      for await (const c of st) keep('cut stream', c);
    }).catch(errOf);
    await oa.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }).catch(errOf);
    await new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: OPENAI_KEY, maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': 'nope' } }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch(errOf);
    const abort = new AbortController();
    await oa.chat.completions
      .create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `leak abort [[fake:words=2000]] ${'w '.repeat(2000)}` }] }, { signal: abort.signal })
      .then(async (st) => {
        let n = 0;
        for await (const _ of st) if (++n === 3) abort.abort();
      })
      .catch(() => undefined);
    for (let i = 0; i < 2; i++) keep('messages', await an.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 20, messages: [{ role: 'user', content: 'leak claude' }] }));
    const as = await an.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'leak claude stream' }] });
    for await (const ev of as) keep('messages stream', ev);
    keep('count_tokens', await an.messages.countTokens({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'leak count' }] }));
    for (const fault of ['[[fake:429-no-retry-after]]', '[[fake:503]]', '[[fake:truncated]]']) {
      await an.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 20, messages: [{ role: 'user', content: `leak ${fault}` }] }).catch(errOf);
    }
    // Raw requests with the key in odd places: a bad body, a foreign host, an unknown route.
    for (const [path, headers, body] of [
      ['/v1/chat/completions', { authorization: `Bearer ${OPENAI_KEY}` }, '{not json'],
      ['/v1/messages', { 'x-api-key': ANTHROPIC_KEY }, '[]'],
      ['/v1/nowhere', { authorization: `Bearer ${OPENAI_KEY}` }, '{}'],
      ['/v1/chat/completions', { authorization: `Bearer ${OPENAI_KEY}`, host: 'evil.example' }, '{}'],
    ] as Array<[string, Record<string, string>, string]>) {
      const r = await request(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      keep(`raw ${path}`, await r.body.text());
    }
    for (const path of ['/metrics', '/tollgate/calls?limit=500', '/tollgate/summary', '/tollgate/budgets', '/healthz']) {
      const r = await request(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      keep(path, await r.body.text());
    }
    const calls = JSON.parse(seen.find(([w]) => w === '/tollgate/calls?limit=500')![1]) as { calls: Array<{ id: number }> };
    for (const c of calls.calls) keep('/tollgate/calls/:id', await (await request(`${proxy.url}/tollgate/calls/${c.id}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text());
    expect(calls.calls.length).toBeGreaterThan(20);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the keys really were sent upstream (so the search below is meaningful)', () => {
    const sent = JSON.stringify(upstream.requests.map((r) => r.headers));
    expect(sent).toContain(OPENAI_KEY);
    expect(sent).toContain(ANTHROPIC_KEY);
  });

  it('no response, error body, metrics, calls or summary output contains a key', () => {
    expect(seen.length).toBeGreaterThan(30);
    for (const [where, text] of seen) expectClean(where, text);
  });

  it('nothing the proxy printed contains a key', async () => {
    await proxy.stop();
    const { stdout, stderr } = proxy.output();
    expect(stdout).toContain('tollgate listening on');
    expectClean('stdout', stdout);
    expectClean('stderr', stderr);
  });

  it('no file in the data directory contains a key (WAL checkpointed first)', () => {
    const db = new Database(join(dir, 'data', 'tollgate.db'));
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect((db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n).toBeGreaterThan(20);
    const fps = db.prepare('SELECT DISTINCT key_fingerprint AS f FROM calls').all() as Array<{ f: string }>;
    for (const { f } of fps) expect(f).toMatch(/^tg_(anonymous|[0-9a-f]{16})$/);
    db.close();
    const files = filesUnder(join(dir, 'data'));
    expect(files.some((f) => f.endsWith('tollgate.db'))).toBe(true);
    for (const f of files) expectClean(f, readFileSync(f));
  });

  it('a policy export (every target) contains no key, even with the keys in its environment', async () => {
    const out = join(dir, 'export');
    const r = await runCli(['policy', 'export', '--target', 'litellm', '--target', 'portkey', '--target', 'bifrost', '--policy', join(dir, 'policy.yaml'), '--out', out], {
      cwd: dir,
      env: { OPENAI_API_KEY: ENV_KEY, ANTHROPIC_API_KEY: ENV_KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    const files = filesUnder(out);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expectClean(f, readFileSync(f));
    expectClean('export stdout', r.stdout + r.stderr);
  });
});

describe('two keys never share a cache entry', () => {
  let rig: Rig;
  beforeAll(async () => {
    // The fake provider's answers cost ~$0.00001: with the default wrong-answer cost no paraphrase would be worth serving.
    rig = await startRig({ policy: { cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } } });
    await waitForEmbedder(rig.proxy.url);
  }, 180_000);
  afterAll(async () => rig?.close());

  const ask = async (key: string, content: string) => {
    const c = new OpenAI({ baseURL: rig.openaiBaseUrl, apiKey: key, maxRetries: 0 });
    const { data, response } = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }).withResponse();
    return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache') };
  };

  it('exact and semantic hits stay within one key; the other key always goes upstream', async () => {
    const A = 'sk-tenant-aaaaaaaa';
    const B = 'sk-tenant-bbbbbbbb';
    const a1 = await ask(A, 'How do I change the billing address on my account?');
    expect(a1.cache).toBe('miss');
    expect((await ask(A, 'How do I change the billing address on my account?')).cache).toBe('exact');
    const aPara = await ask(A, 'How can I change the billing address of my account?');
    expect(aPara.cache).toBe('semantic'); // the semantic cache works for the owner…
    expect(aPara.text).toBe(a1.text);
    const bPara = await ask(B, 'How can I change the billing address of my account?');
    expect(bPara.cache).toBe('miss'); // …and never for another key
    expect(bPara.text).not.toBe(a1.text);
    const bSame = await ask(B, 'How do I change the billing address on my account?');
    expect(bSame.cache === 'miss' || bSame.text !== a1.text).toBe(true);
    expect(bSame.text).not.toBe(a1.text);
  }, 60_000);

  // KNOWN BUG (reported): semanticCacheStage answers a bad threshold header with a hand-built
  // OpenAI-shaped body on every route, so Anthropic clients get the wrong error shape.
  it('a hostile x-tollgate-semantic-threshold header gets a 400 in the route’s error shape', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'threshold probe' }] }],
      ['/v1/messages', { model: 'claude-3-5-haiku-latest', max_tokens: 10, messages: [{ role: 'user', content: 'threshold probe' }] }],
    ] as const) {
      for (const bad of ['abc', '-1', '2', 'NaN', '0.5; drop']) {
        const r = await request(`${rig.proxy.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-thr', 'x-api-key': 'sk-ant-thr', 'x-tollgate-semantic-threshold': bad },
          body: JSON.stringify(body),
        });
        const json = (await r.body.json()) as { type?: string; error?: { type?: string; message?: string } };
        expect(r.statusCode, `${path} ${bad}`).toBe(400);
        expect(json.error?.type).toBe('invalid_request_error');
        if (path === '/v1/messages') expect(json.type, `${path} ${bad}`).toBe('error');
      }
    }
  });
});
