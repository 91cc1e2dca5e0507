/**
 * An upstream that closes an idle kept-alive connection just as the proxy's next batch request
 * arrives on it (its keep-alive timer ran out as the request went out): the request was never read,
 * so the proxy sends it again on another connection instead of answering 502 ECONNRESET, which
 * failed `tollgate batch submit` on a loaded machine. A reset on a fresh connection may have reached
 * the provider, and a batch create resent there could be created, and billed, twice: never resent.
 * The front end relays the fake provider's real answers.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import OpenAI, { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
let front: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  front?.closeAllConnections();
  await new Promise<void>((r) => (front ? front.close(() => r()) : r()));
  front = undefined;
});

interface FrontEnd {
  url: string;
  /** Requests relayed to the provider, as "METHOD path". */
  relayed: string[];
  /** Requests met by a reset instead. */
  reset: string[];
}

/**
 * A front end that relays to `target()`. `resets(req, nth)` says which arrivals it resets instead,
 * `nth` counting the requests on that connection from 1; `close` answers with `connection: close`.
 */
async function frontEnd(target: () => string, resets: (method: string, path: string, nth: number) => boolean, close = false): Promise<FrontEnd> {
  const fe: FrontEnd = { url: '', relayed: [], reset: [] };
  const served = new WeakMap<Socket, number>();
  front = createServer((req, res) => {
    const nth = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, nth);
    const what = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    if (resets(req.method ?? '', what.split(' ')[1] ?? '', nth)) {
      fe.reset.push(what);
      req.socket.resetAndDestroy();
      return;
    }
    fe.relayed.push(what);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const to = new URL(req.url ?? '/', target());
      const out = request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (up) => {
        const { connection: _c, 'keep-alive': _k, ...rest } = up.headers;
        res.writeHead(up.statusCode ?? 502, close ? { ...rest, connection: 'close' } : rest);
        up.pipe(res);
      });
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => front!.listen(0, '127.0.0.1', () => r()));
  fe.url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return fe;
}

async function harnessBehind(resets: (method: string, path: string, nth: number) => boolean, close = false): Promise<{ h: Harness; fe: FrontEnd }> {
  let upstreamUrl = '';
  const fe = await frontEnd(() => upstreamUrl, resets, close);
  h = await startHarness({}, { openai: { baseUrl: `${fe.url}/v1` } });
  upstreamUrl = h.upstream.url;
  return { h, fe };
}

const lines = [0, 1, 2].map((i) => ({ custom_id: `r-${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `idle close ${i}` }], max_tokens: 30 } }));
const jsonl = () => toFile(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')), 'in.jsonl');

describe('batch requests on a kept-alive connection the upstream closed', () => {
  it('are sent again, once each: upload, create, retrieve and results all succeed (openai SDK, no SDK retries)', async () => {
    // Every connection serves one request; the next one on it meets the idle close.
    const { h, fe } = await harnessBehind((_m, _p, nth) => nth > 1);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-idle-close', maxRetries: 0 });
    // The second upload goes out on the first one's connection: a multipart body sent again.
    await client.files.create({ file: await jsonl(), purpose: 'batch' });
    const file = await client.files.create({ file: await jsonl(), purpose: 'batch' });
    const batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    h.upstream.batch.complete(batch.id);
    const done = await client.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    const out = await (await client.files.content(done.output_file_id!)).text();
    expect(out.trim().split('\n')).toHaveLength(3);

    expect(fe.reset).toEqual(expect.arrayContaining(['POST /v1/files', 'POST /v1/batches']));
    // Each request reached the provider once: two files, one batch, its three lines recorded.
    expect(fe.relayed.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/files', 'POST /v1/files', 'POST /v1/batches']);
    expect(h.upstream.batch.files.size).toBe(3); // the two uploads and the results file
    expect(h.upstream.batch.batches.size).toBe(1);
    expect(h.proxy.services.ledger.page({}, 100).calls.filter((c) => c.route === `batch ${batch.id}`)).toHaveLength(3);
  });

  it('a reset on a fresh connection is not resent: the batch create fails once with 502, nothing created', async () => {
    // Every answer closes its connection, so each request goes out on a new one.
    const { h, fe } = await harnessBehind((m, p) => m === 'POST' && p === '/v1/batches', true);
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-idle-close', maxRetries: 0 });
    const file = await client.files.create({ file: await jsonl(), purpose: 'batch' });
    await expect(client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toMatchObject({ status: 502 });
    expect(fe.reset).toEqual(['POST /v1/batches']);
    expect(h.upstream.batch.batches.size).toBe(0);
  });
});
