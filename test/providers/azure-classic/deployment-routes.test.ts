/**
 * Azure OpenAI's classic deployment routes through the real proxy, with the real `AzureOpenAI`
 * client of the openai SDK against a fake Azure resource speaking Azure's wire format
 * (azureUpstream.ts): the deployment path and api-version reach Azure, the model is the deployment,
 * the $ is the answering model's, two deployments never share a cache entry, an identical call is
 * an exact hit, the key never lands in the ledger or the log, and without an Azure provider the
 * client gets a provider-style error and nothing is sent anywhere.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { AzureChatOpenAI } from '@langchain/openai';
import { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema, type PolicyInput } from '../../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../../proxy/src/server/start';
import { startAzureUpstream, type AzureUpstream } from './azureUpstream';

const KEY = `azk${randomBytes(16).toString('hex')}`;
const ENTRA = `eyJ0eXAiOiJKV1Qi.${randomBytes(24).toString('hex')}`;
const API_VERSION = '2024-10-21';
const DEPLOYMENTS = { 'prod-chat': 'gpt-4o-2024-08-06', 'mini-chat': 'gpt-4o-mini-2024-07-18', embed: 'text-embedding-3-small' };

interface Rig {
  proxy: RunningProxy;
  dataDir: string;
  logs: string[];
  close(): Promise<void>;
}

async function startRig(providers: PolicyInput['providers'], extra: PolicyInput = {}): Promise<Rig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-azure-'));
  const logs: string[] = [];
  const push = (m: string) => void logs.push(m);
  const policy = PolicySchema.parse({ retries: { attempts: 0 }, ...extra, providers });
  const proxy = await startProxy({ port: 0, dataDir, policy, env: {}, log: { info: push, warn: push, error: push, debug: push } });
  return {
    proxy,
    dataDir,
    logs,
    async close() {
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let up: AzureUpstream;
let rig: Rig;

beforeAll(async () => {
  up = await startAzureUpstream({ key: KEY, entraToken: ENTRA, deployments: DEPLOYMENTS });
  rig = await startRig({ azure: { baseUrl: up.baseUrl, authHeader: 'api-key', timeoutMs: 5_000, idleTimeoutMs: 2_000 } });
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await up?.close();
});

const azure = (extra: { deployment?: string; azureADTokenProvider?: () => Promise<string> } = {}) =>
  new AzureOpenAI({ endpoint: rig.proxy.url, apiVersion: API_VERSION, maxRetries: 0, ...(extra.azureADTokenProvider ? {} : { apiKey: KEY }), ...extra });

type Row = ReturnType<RunningProxy['services']['ledger']['page']>['calls'][number];
async function rowsFor(prompt: string, n = 1): Promise<Row[]> {
  for (let i = 0; i < 200; i++) {
    const rows = rig.proxy.services.ledger.page({}, 200).calls.filter((c) => c.promptPreview === prompt);
    if (rows.length >= n) return rows.sort((a, b) => a.ts - b.ts);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${n} ledger row(s) for "${prompt}"`);
}

/** The fake counts ten tokens a word of the prompt and of the answer (`<deployment> answers: <prompt>`). */
function usdOf(model: string, prompt: string, deployment: string): number {
  const w = (s: string) => s.split(/\s+/).filter(Boolean).length;
  return calcPrice({ input_tokens: w(prompt) * 10, output_tokens: w(`${deployment} answers: ${prompt}`) * 10 }, model, { providerId: 'azure' })!.total_price;
}

describe('Azure OpenAI deployment routes (AzureOpenAI client)', () => {
  it('JSON chat: the deployment path and api-version reach Azure with its api-key; priced as the answering model; a repeat is an exact hit', async () => {
    const prompt = 'json chat about tides';
    const before = up.requests.length;
    const { data, response } = await azure().chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.choices[0]!.message.content).toBe(`prod-chat answers: ${prompt}`);
    expect(data.model).toBe('gpt-4o-2024-08-06');
    expect((data as unknown as { prompt_filter_results?: unknown[] }).prompt_filter_results).toHaveLength(1);
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(up.requests.length).toBe(before + 1);
    const seen = up.requests.at(-1)!;
    expect(seen.path).toBe('/openai/deployments/prod-chat/chat/completions');
    expect(seen.query.get('api-version')).toBe(API_VERSION);
    expect(seen.headers['api-key']).toBe(KEY);
    expect(seen.headers.authorization).toBeUndefined();

    const [row] = await rowsFor(prompt);
    expect(row).toMatchObject({ provider: 'azure', endpoint: 'chat.completions', modelRequested: 'prod-chat', status: 200, priced: true, cache: 'miss' });
    expect(row!.costUsd).toBeGreaterThan(0);
    expect(row!.costUsd).toBeCloseTo(usdOf('gpt-4o-2024-08-06', prompt, 'prod-chat'), 12);

    const again = await azure().chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(again.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(again.data.choices[0]!.message.content).toBe(`prod-chat answers: ${prompt}`);
    expect(up.requests.length).toBe(before + 1);
  });

  it('two deployments asked the same body are two calls, each keyed, recorded and priced as its own', async () => {
    const prompt = 'same body two deployments';
    const body = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: prompt }] };
    const before = up.requests.length;
    const a = await azure({ deployment: 'prod-chat' }).chat.completions.create(body);
    const b = await azure({ deployment: 'mini-chat' }).chat.completions.create(body);
    expect(a.choices[0]!.message.content).toBe(`prod-chat answers: ${prompt}`);
    expect(b.choices[0]!.message.content).toBe(`mini-chat answers: ${prompt}`);
    expect(up.requests.slice(before).map((r) => r.path)).toEqual(['/openai/deployments/prod-chat/chat/completions', '/openai/deployments/mini-chat/chat/completions']);
    const rows = await rowsFor(prompt, 2);
    expect(rows.map((r) => [r.modelRequested, r.cache])).toEqual([
      ['prod-chat', 'miss'],
      ['mini-chat', 'miss'],
    ]);
    expect(rows[0]!.costUsd).toBeCloseTo(usdOf('gpt-4o-2024-08-06', prompt, 'prod-chat'), 12);
    expect(rows[1]!.costUsd).toBeCloseTo(usdOf('gpt-4o-mini-2024-07-18', prompt, 'mini-chat'), 12);
    expect(rows[1]!.costUsd).toBeLessThan(rows[0]!.costUsd);
  });

  it('a body with no model (LangChain, raw HTTP) is served by the deployment in the path', async () => {
    const prompt = 'no model in the body';
    const r = await fetch(`${rig.proxy.url}/openai/deployments/mini-chat/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': KEY },
      body: JSON.stringify({ messages: [{ role: 'user', content: prompt }] }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { model: string }).model).toBe('gpt-4o-mini-2024-07-18');
    const [row] = await rowsFor(prompt);
    expect(row).toMatchObject({ modelRequested: 'mini-chat', priced: true });
    expect(row!.costUsd).toBeCloseTo(usdOf('gpt-4o-mini-2024-07-18', prompt, 'mini-chat'), 12);
  });

  it('streamed chat, with and without the usage chunk: real usage priced, the replay a hit', async () => {
    for (const includeUsage of [true, false]) {
      const prompt = `streamed chat usage ${includeUsage}`;
      const ask = async () => {
        const stream = await azure().chat.completions.create({ model: 'prod-chat', stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content: prompt }] });
        let text = '';
        let usage: unknown;
        for await (const c of stream) {
          text += c.choices[0]?.delta?.content ?? '';
          if (c.usage) usage = c.usage;
        }
        return { text, usage };
      };
      const before = up.requests.length;
      const first = await ask();
      expect(first.text).toBe(`prod-chat answers: ${prompt}`);
      expect(first.usage !== undefined).toBe(includeUsage);
      // Tollgate asks Azure for the usage chunk either way.
      expect((up.requests.at(-1)!.body.stream_options as { include_usage?: boolean }).include_usage).toBe(true);
      const [row] = await rowsFor(prompt);
      expect(row).toMatchObject({ modelRequested: 'prod-chat', stream: true, tokensEstimated: false, priced: true });
      expect(row!.costUsd).toBeCloseTo(usdOf('gpt-4o-2024-08-06', prompt, 'prod-chat'), 12);
      const second = await ask();
      expect(second).toEqual(first);
      expect(up.requests.length).toBe(before + 1);
      const rows = await rowsFor(prompt, 2);
      expect(rows[1]!.cache).toBe('exact');
    }
  });

  it('embeddings and legacy completions go to their deployment routes', async () => {
    const input = ['alpha beta', 'gamma delta epsilon'];
    const before = up.requests.length;
    const e = await azure().embeddings.create({ model: 'embed', input, encoding_format: 'float' });
    expect(e.data).toHaveLength(2);
    expect(e.model).toBe('text-embedding-3-small');
    expect(up.requests.at(-1)!.path).toBe('/openai/deployments/embed/embeddings');
    const c = await azure().completions.create({ model: 'mini-chat', prompt: 'complete this please' });
    expect(c.choices[0]!.text).toBe('mini-chat answers: complete this please');
    expect(up.requests.at(-1)!.path).toBe('/openai/deployments/mini-chat/completions');
    expect(up.requests.length).toBe(before + 2);
    for (let i = 0; i < 200 && !rig.proxy.services.ledger.page({}, 200).calls.some((r) => r.endpoint === 'embeddings'); i++) await new Promise((r) => setTimeout(r, 25));
    const emb = rig.proxy.services.ledger.page({}, 200).calls.find((r) => r.endpoint === 'embeddings')!;
    expect(emb).toMatchObject({ modelRequested: 'embed', inputTokens: 5, priced: true });
    expect(emb.costUsd).toBeCloseTo(calcPrice({ input_tokens: 5 }, 'text-embedding-3-small', { providerId: 'azure' })!.total_price, 14);
  });

  it("LangChain's AzureChatOpenAI (invoke and stream) reaches its deployment and is priced as the answering model", async () => {
    const chat = new AzureChatOpenAI({ azureOpenAIApiKey: KEY, azureOpenAIEndpoint: rig.proxy.url, azureOpenAIApiDeploymentName: 'mini-chat', azureOpenAIApiVersion: API_VERSION, maxRetries: 0 });
    const before = up.requests.length;
    const prompt = 'langchain invoke call';
    const out = await chat.invoke(prompt);
    expect(out.content).toBe(`mini-chat answers: ${prompt}`);
    let streamed = '';
    for await (const c of await chat.stream('langchain stream call')) streamed += String(c.content);
    expect(streamed).toBe('mini-chat answers: langchain stream call');
    expect(up.requests.slice(before).map((r) => [r.path, r.query.get('api-version'), r.headers['api-key']])).toEqual([
      ['/openai/deployments/mini-chat/chat/completions', API_VERSION, KEY],
      ['/openai/deployments/mini-chat/chat/completions', API_VERSION, KEY],
    ]);
    for (const p of [prompt, 'langchain stream call']) {
      const [row] = await rowsFor(p);
      expect(row).toMatchObject({ modelRequested: 'mini-chat', modelUsed: 'mini-chat', priced: true, tokensEstimated: false });
      expect(row!.costUsd).toBeCloseTo(usdOf('gpt-4o-mini-2024-07-18', p, 'mini-chat'), 12);
    }
  });

  it('an Entra ID token goes on as Authorization: Bearer, not in the api-key header', async () => {
    const prompt = 'entra id call';
    const r = await azure({ azureADTokenProvider: async () => ENTRA }).chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: prompt }] });
    expect(r.choices[0]!.message.content).toBe(`prod-chat answers: ${prompt}`);
    const seen = up.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${ENTRA}`);
    expect(seen.headers['api-key']).toBeUndefined();
  });

  it('a wrong key gets Azure\'s own 401, relayed', async () => {
    const client = new AzureOpenAI({ endpoint: rig.proxy.url, apiVersion: API_VERSION, apiKey: 'wrong-key-123', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'wrong key' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401 });
  });

  it('the key and the token never reach the ledger or the log', async () => {
    await rowsFor('entra id call');
    // The WAL holds the newest pages: every file of the data directory is read.
    const files = readdirSync(rig.dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(join(f.parentPath, f.name)).toString('latin1');
      expect(bytes.includes(KEY), f.name).toBe(false);
      expect(bytes.includes(ENTRA), f.name).toBe(false);
    }
    const log = rig.logs.join('\n');
    expect(log.includes(KEY)).toBe(false);
    expect(log.includes(ENTRA)).toBe(false);
  });
});

describe('deployment routes without an Azure provider', () => {
  let other: AzureUpstream;
  let plain: Rig;
  beforeAll(async () => {
    other = await startAzureUpstream({ key: KEY, entraToken: ENTRA, deployments: DEPLOYMENTS });
    // Only OpenAI-protocol providers that are not Azure: the built-in openai one points at a server that records what reaches it.
    plain = await startRig({ openai: { baseUrl: `${other.baseUrl}/v1` }, local: { baseUrl: 'http://127.0.0.1:9/v1' } });
  }, 60_000);
  afterAll(async () => {
    await plain?.close();
    await other?.close();
  });

  it('answers a provider-style 400 naming the missing Azure provider, and sends nothing', async () => {
    const client = new AzureOpenAI({ endpoint: plain.proxy.url, apiVersion: API_VERSION, apiKey: KEY, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'no azure here' }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400 });
    expect(String((err as Error).message)).toMatch(/no Azure OpenAI provider is configured/);
    expect(other.requests).toHaveLength(0);
    const named = await fetch(`${plain.proxy.url}/openai/deployments/prod-chat/chat/completions?api-version=${API_VERSION}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': KEY, 'x-tollgate-provider': 'openai' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'named provider' }] }),
    });
    expect(named.status).toBe(400);
    expect(((await named.json()) as { error: { message: string } }).error.message).toMatch(/"openai" is not an Azure OpenAI provider/);
    expect(other.requests).toHaveLength(0);
  });
});

describe('routing rules and a deployment route', () => {
  let routed: Rig;
  let az: AzureUpstream;
  beforeAll(async () => {
    az = await startAzureUpstream({ key: KEY, entraToken: ENTRA, deployments: DEPLOYMENTS });
    // A rule matching every call, and tiers for `auto`: neither may rewrite what a deployment runs.
    routed = await startRig(
      { azure: { baseUrl: az.baseUrl, authHeader: 'api-key' } },
      { routing: { tiers: { azure: { small: 'gpt-4o-mini', large: 'gpt-4o' } }, rules: [{ name: 'all-to-small', tier: 'small' }] } },
    );
  }, 60_000);
  afterAll(async () => {
    await routed?.close();
    await az?.close();
  });

  it('keeps the deployment as the model: no route header, the deployment sent, the ledger and $ its own', async () => {
    const client = new AzureOpenAI({ endpoint: routed.proxy.url, apiVersion: API_VERSION, apiKey: KEY, maxRetries: 0 });
    const prompt = 'a routed policy';
    const { data, response } = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: prompt }] }).withResponse();
    expect(data.model).toBe('gpt-4o-2024-08-06');
    expect(response.headers.get('x-tollgate-route')).toBeNull();
    expect(az.requests.at(-1)!.body.model).toBe('prod-chat');
    let row: Row | undefined;
    for (let i = 0; i < 200 && !row; i++) {
      row = routed.proxy.services.ledger.page({}, 50).calls.find((c) => c.promptPreview === prompt);
      if (!row) await new Promise((r) => setTimeout(r, 25));
    }
    expect(row).toMatchObject({ modelRequested: 'prod-chat', modelUsed: 'prod-chat', priced: true });
    expect(row!.costUsd).toBeCloseTo(usdOf('gpt-4o-2024-08-06', prompt, 'prod-chat'), 12);
  });
});

describe('a fallback from a deployment route', () => {
  let az: AzureUpstream;
  let rigged: Rig;
  const elsewhere: string[] = [];
  let down: import('node:http').Server;
  let other: import('node:http').Server;
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    az = await startAzureUpstream({ key: KEY, entraToken: ENTRA, deployments: DEPLOYMENTS });
    // A resource that is overloaded (Azure's 503 body), and a plain OpenAI upstream that must see nothing.
    down = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ServiceUnavailable', message: 'The service is temporarily unable to process your request. Please try again later.' } }));
    });
    other = createServer((req, res) => {
      elsewhere.push(req.url ?? '');
      res.writeHead(500).end();
    });
    await Promise.all([new Promise<void>((r) => down.listen(0, '127.0.0.1', r)), new Promise<void>((r) => other.listen(0, '127.0.0.1', r))]);
    const port = (s: import('node:http').Server) => (s.address() as import('node:net').AddressInfo).port;
    rigged = await startRig(
      {
        'azure-east': { baseUrl: `http://127.0.0.1:${port(down)}/openai`, authHeader: 'api-key' },
        'azure-west': { baseUrl: az.baseUrl, authHeader: 'api-key' },
        openai: { baseUrl: `http://127.0.0.1:${port(other)}/v1` },
      },
      { fallbacks: [{ from: 'prod-chat', to: ['openai/gpt-4o-mini', 'azure-west/mini-chat'] }] },
    );
  }, 60_000);
  afterAll(async () => {
    await rigged?.close();
    await az?.close();
    down?.close();
    other?.close();
  });

  it('goes only to another Azure resource, with the target deployment in the path', async () => {
    const client = new AzureOpenAI({ endpoint: rigged.proxy.url, apiVersion: API_VERSION, apiKey: KEY, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'east is down' }] }, { headers: { 'x-tollgate-provider': 'azure-east' } }).withResponse();
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    expect(response.headers.get('x-tollgate-fallback')).toBe('azure-west/mini-chat');
    expect(az.requests.at(-1)!.path).toBe('/openai/deployments/mini-chat/chat/completions');
    // The OpenAI target cannot serve a deployment path: never tried (before, it got this call's path).
    expect(elsewhere).toEqual([]);
  });

  it('an Entra ID token stays a Bearer token at the fallback resource (whose key goes in api-key)', async () => {
    const client = new AzureOpenAI({ endpoint: rigged.proxy.url, apiVersion: API_VERSION, azureADTokenProvider: async () => ENTRA, maxRetries: 0 });
    const { data } = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'east is down, signed in' }] }, { headers: { 'x-tollgate-provider': 'azure-east' } }).withResponse();
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    const sent = az.requests.at(-1)!.headers;
    expect(sent.authorization).toBe(`Bearer ${ENTRA}`);
    expect(sent['api-key']).toBeUndefined();
  });
});
