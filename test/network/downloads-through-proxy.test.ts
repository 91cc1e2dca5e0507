/**
 * The calls outside the provider pipeline go the same way out: the embedding-model download
 * (embedding/models/fetch-stream.ts, also used for onnxruntime) and the upstream embeddings backend.
 * They used the global fetch, which reads no HTTPS_PROXY: behind a company proxy they failed with
 * ENOTFOUND, and an untrusted CA said only "fetch failed: unable to verify the first certificate".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUpstreamEmbedder } from '../../proxy/src/embedding/backends/upstream';
import { streamDownload } from '../../proxy/src/embedding/models/fetch-stream';
import { makeTestPki, type TestPki } from './support/certs';
import { startConnectProxy, type ConnectProxy } from './support/connectProxy';
import { startTlsFront, type TlsFront } from './support/tlsFront';

const WEIGHTS = Buffer.alloc(256 * 1024, 7);
let hub: Server;
let hubPort: number;
let proxy: ConnectProxy;
let pki: TestPki;
let untrusted: TlsFront;
const saved: Record<string, string | undefined> = {};
const VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'ALL_PROXY'];

beforeAll(async () => {
  hub = createServer((req, res) => {
    if (req.url?.startsWith('/v1/embeddings')) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const input = (JSON.parse(body) as { input: string[] }).input;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: input.map((t, index) => ({ object: 'embedding', index, embedding: [t.length, 1, 0] })) }));
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(WEIGHTS.length) }).end(WEIGHTS);
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubPort = (hub.address() as AddressInfo).port;
  proxy = await startConnectProxy({ hosts: { 'hub.corp.test': '127.0.0.1' } });
  pki = makeTestPki();
  untrusted = await startTlsFront(pki.good, hubPort);
  for (const v of VARS) {
    saved[v] = process.env[v];
    delete process.env[v];
  }
  process.env.HTTP_PROXY = proxy.url;
  process.env.HTTPS_PROXY = proxy.url;
}, 60_000);

afterAll(async () => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  await Promise.all([proxy?.close(), untrusted?.close(), new Promise((r) => hub?.close(r))]);
  pki?.cleanup();
});

const download = async (url: string) => {
  const chunks: Uint8Array[] = [];
  await streamDownload(url, { label: 'test-model', stallHint: 'Check the network.', idleTimeoutMs: 5_000, onChunk: (c) => void chunks.push(c) });
  return Buffer.concat(chunks);
};

describe('behind HTTP_PROXY / HTTPS_PROXY', () => {
  it('the model download goes through the proxy (only the proxy resolves the hub)', async () => {
    const url = `http://hub.corp.test:${hubPort}/org/model/resolve/main/model.onnx`;
    const got = await download(url);
    expect(got.equals(WEIGHTS)).toBe(true);
    expect(proxy.forwarded).toContain(url);
  });

  it('NO_PROXY sends it directly', async () => {
    process.env.NO_PROXY = '.corp.test';
    try {
      const before = proxy.forwarded.length + proxy.tunnels.length;
      await expect(download(`http://hub.corp.test:${hubPort}/x`)).rejects.toThrow(/ENOTFOUND|EAI_AGAIN/);
      expect(proxy.forwarded.length + proxy.tunnels.length).toBe(before);
    } finally {
      delete process.env.NO_PROXY;
    }
  });

  it('the upstream embeddings backend goes through the proxy', async () => {
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl: `http://hub.corp.test:${hubPort}/v1`, model: 'emb', apiKeyEnv: ['TOLLGATE_NO_SUCH_KEY'] });
    expect(embedder.info.dimensions).toBe(3);
    expect(proxy.forwarded).toContain(`http://hub.corp.test:${hubPort}/v1/embeddings`);
  });

  it('an untrusted CA on the download host names NODE_EXTRA_CA_CERTS', async () => {
    await expect(download(`${untrusted.url}/org/model/resolve/main/model.onnx`)).rejects.toThrow(/not signed by a CA this process trusts.*NODE_EXTRA_CA_CERTS/);
  });

  it('a proxy that is down is named, for the embeddings backend too', async () => {
    const dead = await startConnectProxy();
    await dead.close();
    process.env.HTTP_PROXY = dead.url;
    try {
      await expect(openUpstreamEmbedder({ backend: 'upstream', baseUrl: `http://hub.corp.test:${hubPort}/v1`, model: 'emb', apiKeyEnv: ['TOLLGATE_NO_SUCH_KEY'] })).rejects.toThrow(
        `cannot reach the proxy ${dead.url} (HTTP_PROXY)`,
      );
    } finally {
      process.env.HTTP_PROXY = proxy.url;
    }
  });
});
