/**
 * A developer in a company: the provider is reached through an HTTP proxy (HTTPS_PROXY, often with
 * credentials) that inspects TLS with the company's CA (NODE_EXTRA_CA_CERTS), and only the proxy
 * resolves outside names. The proxy here is a real CONNECT proxy on 127.0.0.1, the provider the
 * fake upstream behind TLS with a certificate from a CA generated for the test, the client the
 * OpenAI SDK. undici reads no proxy variable by itself: before, every call failed with ENOTFOUND.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { outboundProxyFromEnv } from '../../proxy/src/server/security/outboundProxy';
import { HeldHostError, TrustGatedAgent } from '../../proxy/src/server/security/trustGate';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { freePort } from '../support/freePort';
import { makeTestPki, type TestPki } from './support/certs';
import { startConnectProxy, type ConnectProxy } from './support/connectProxy';
import { startProxyProcess, type ProxyProcess } from './support/proxyProcess';
import { startTlsFront, type TlsFront } from './support/tlsFront';

/** Only the company proxy resolves this name (as outside names often are, inside a company). */
const HOST = 'api.corp.test';
const USER = 'dev.one';
const PASSWORD = 'p@ss:w/rd%1';
const CREDS = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`;

let pki: TestPki;
let upstream: FakeUpstream;
let good: TlsFront;
let expired: TlsFront;
let wrongHost: TlsFront;
let authProxy: ConnectProxy;

const baseUrl = (front: TlsFront) => `https://${HOST}:${front.port}/v1`;
const policyFor = (fronts: Record<string, TlsFront>): PolicyInput => ({
  providers: Object.fromEntries(Object.entries(fronts).map(([name, f]) => [name, { kind: 'openai', baseUrl: baseUrl(f), timeoutMs: 5_000, idleTimeoutMs: 2_000 }])),
});
const sdk = (url: string, provider?: string) =>
  new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test-key-000', maxRetries: 0, ...(provider ? { defaultHeaders: { 'x-tollgate-provider': provider } } : {}) });
const ask = (client: OpenAI, text = 'hello') => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });
async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; message: string; shouldRetry: string | null | undefined }> {
  try {
    await p;
  } catch (e) {
    const headers = (e as { headers?: Headers }).headers;
    return { status: (e as { status?: number }).status, message: (e as Error).message, shouldRetry: headers?.get('x-should-retry') };
  }
  throw new Error('expected the call to fail');
}
async function ledger(url: string, token: string): Promise<Array<{ status: number; provider: string; errorType?: string }>> {
  const page = (await (await fetch(`${url}/tollgate/calls?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { calls: Array<{ status: number; provider: string; errorType?: string }> };
  return page.calls;
}

beforeAll(async () => {
  pki = makeTestPki();
  upstream = await startFakeUpstream();
  const port = Number(new URL(upstream.url).port);
  good = await startTlsFront(pki.good, port, HOST);
  expired = await startTlsFront(pki.expired, port, HOST);
  wrongHost = await startTlsFront(pki.wrongHost, port, HOST);
  authProxy = await startConnectProxy({ credentials: `${USER}:${PASSWORD}`, hosts: { [HOST]: '127.0.0.1' } });
}, 60_000);

afterAll(async () => {
  await Promise.all([good?.close(), expired?.close(), wrongHost?.close(), authProxy?.close(), upstream?.close()]);
  pki?.cleanup();
});

describe('through HTTPS_PROXY with the company CA in NODE_EXTRA_CA_CERTS', () => {
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyProcess(policyFor({ openai: good, expired, wronghost: wrongHost }), {
      HTTPS_PROXY: `http://${CREDS}@127.0.0.1:${authProxy.port}`,
      NODE_EXTRA_CA_CERTS: pki.caFile,
    });
  }, 60_000);
  afterAll(async () => proxy?.close());

  it('answers JSON and streams, over one kept-alive tunnel, with the proxy credentials sent and never logged', async () => {
    const before = authProxy.tunnels.length;
    const client = sdk(proxy.url);
    const first = await ask(client, 'one');
    expect(first.choices[0]?.message.content).toContain('one');
    const second = await ask(client, 'two');
    expect(second.choices[0]?.message.content).toContain('two');
    let streamed = '';
    for await (const chunk of await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'three' }] })) {
      streamed += chunk.choices[0]?.delta.content ?? '';
    }
    expect(streamed).toContain('three');
    // The tunnel is to the real target, through the proxy, and reused: one CONNECT for three calls.
    expect(authProxy.tunnels.slice(before)).toEqual([`${HOST}:${good.port}`]);
    expect(authProxy.authHeaders.at(-1)).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    expect(proxy.log()).toContain(`through http://***@127.0.0.1:${authProxy.port} (HTTPS_PROXY)`);
    expect(proxy.log()).not.toContain(encodeURIComponent(PASSWORD));
    expect(proxy.log()).not.toContain(PASSWORD);
  });

  it('an expired certificate is named as such, not a bare 502, and the call is in the ledger', async () => {
    const f = await failure(ask(sdk(proxy.url, 'expired')));
    expect(f.status).toBe(502);
    expect(f.message).toMatch(/TLS certificate presented for api\.corp\.test:\d+ .*is expired/);
    expect(f.message).toContain('CERT_HAS_EXPIRED');
    expect(f.message).toContain(`through the proxy http://***@127.0.0.1:${authProxy.port}`);
    // Only a setting fixes it: one attempt, one row, and the SDKs are told not to retry either
    // (before: every attempt of the retry policy, times the SDK's own retries, each a row).
    expect(f.shouldRetry).toBe('false');
    const rows = (await ledger(proxy.url, proxy.adminToken)).filter((r) => r.provider === 'expired');
    expect(rows).toEqual([expect.objectContaining({ status: 502 })]);
  });

  it('a certificate for another host is named as such', async () => {
    const f = await failure(ask(sdk(proxy.url, 'wronghost')));
    expect(f.status).toBe(502);
    expect(f.message).toContain('is for another host');
    expect(f.message).toContain('somewhere-else.example');
  });
});

describe('without the company CA', () => {
  let proxy: ProxyProcess;
  beforeAll(async () => {
    proxy = await startProxyProcess(policyFor({ openai: good }), { https_proxy: `http://${CREDS}@127.0.0.1:${authProxy.port}` });
  }, 60_000);
  afterAll(async () => proxy?.close());

  it('says the CA is not trusted and what to set, without turning verification off', async () => {
    const f = await failure(ask(sdk(proxy.url)));
    expect(f.status).toBe(502);
    expect(f.message).toContain('not signed by a CA this process trusts');
    expect(f.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(f.message).not.toContain(PASSWORD);
  });
});

describe('a proxy that refuses (in process: the refusal comes before any TLS)', () => {
  let open: RunningProxy | undefined;
  let dataDir: string;
  const start = async (env: NodeJS.ProcessEnv, policy: PolicyInput = policyFor({ openai: good })) => {
    dataDir = mkdtempSync(join(tmpdir(), 'tollgate-net-'));
    open = await startProxy({ port: 0, dataDir, policy: PolicySchema.parse(policy), env });
    return open;
  };
  const stop = async () => {
    await open?.close();
    open = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  };

  it('407 without credentials: says to put them in HTTPS_PROXY', async () => {
    const p = await start({ HTTPS_PROXY: `http://127.0.0.1:${authProxy.port}` });
    try {
      const f = await failure(ask(sdk(p.url)));
      expect(f.status).toBe(502);
      expect(f.message).toContain('407 Proxy Authentication Required');
      expect(f.message).toContain('HTTPS_PROXY=http://user:password@host:port');
    } finally {
      await stop();
    }
  });

  it('407 with wrong credentials: says they were refused, and does not repeat them', async () => {
    const p = await start({ HTTPS_PROXY: `http://${USER}:wrong-secret@127.0.0.1:${authProxy.port}` });
    try {
      const f = await failure(ask(sdk(p.url)));
      expect(f.message).toContain('refused the credentials in HTTPS_PROXY');
      expect(f.message).not.toContain('wrong-secret');
    } finally {
      await stop();
    }
  });

  it('403 from a proxy that blocks the host: names the host and NO_PROXY', async () => {
    const blocking = await startConnectProxy({ refuseWith: 403 });
    const p = await start({ HTTPS_PROXY: blocking.url });
    try {
      const f = await failure(ask(sdk(p.url)));
      expect(f.status).toBe(502);
      expect(f.message).toContain(`refused the tunnel to ${HOST}:${good.port} (HTTP 403)`);
      expect(f.message).toContain('NO_PROXY');
    } finally {
      await stop();
      await blocking.close();
    }
  });

  it('a proxy address where nothing listens: says the proxy cannot be reached', async () => {
    const dead = await freePort();
    const p = await start({ HTTPS_PROXY: `http://127.0.0.1:${dead}` });
    try {
      const f = await failure(ask(sdk(p.url)));
      expect(f.status).toBe(502);
      expect(f.message).toContain(`cannot reach the proxy http://127.0.0.1:${dead} (HTTPS_PROXY)`);
      expect(f.message).toContain('ECONNREFUSED');
    } finally {
      await stop();
    }
  });

  it('NO_PROXY takes the host off the proxy (here the direct lookup fails: only the proxy knows the name)', async () => {
    const p = await start({ HTTPS_PROXY: `http://${CREDS}@127.0.0.1:${authProxy.port}`, NO_PROXY: 'localhost,.corp.test' });
    const before = authProxy.tunnels.length;
    try {
      const f = await failure(ask(sdk(p.url)));
      expect(f.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
      expect(authProxy.tunnels.length).toBe(before);
    } finally {
      await stop();
    }
  });

  it('the held-host gate applies to the real target, not to the proxy host', async () => {
    const finding = { provider: 'gateway', host: HOST, baseUrl: baseUrl(good), apiKeyEnv: 'GATEWAY_API_KEY' };
    const agent = new TrustGatedAgent(() => [finding], {}, outboundProxyFromEnv({ HTTPS_PROXY: `http://${CREDS}@127.0.0.1:${authProxy.port}` }));
    const before = authProxy.connections();
    try {
      await expect(request(`https://${HOST}:${good.port}/v1/models`, { dispatcher: agent })).rejects.toBeInstanceOf(HeldHostError);
      expect(authProxy.connections()).toBe(before);
    } finally {
      await agent.close();
    }
  });
});
