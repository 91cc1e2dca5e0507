import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUpstreamEmbedder, upstreamConfigFromEnv } from '../../proxy/src/embedding/backends/upstream';

interface Seen {
  url: string | undefined;
  authorization: string | undefined;
  apiKey: string | string[] | undefined;
  body: { model: string; input: string[]; dimensions?: number; encoding_format?: string };
}

const seen: Seen[] = [];
/** The GETs of the window reads at load. */
const windowReads: string[] = [];
let server: Server;
let baseUrl: string;
const KEY_VAR = 'TOLLGATE_TEST_EMBEDDINGS_KEY';

/** A vector that depends on the text, so the test can tell which row went where. */
function fakeVector(text: string): number[] {
  return [text.length, 2 * text.length + 1, 3];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    // vLLM's /v1/models gives each model's `max_model_len`; TEI's /info (here behind a `/tei` path prefix) its `max_input_length`.
    if (req.method === 'GET') {
      windowReads.push(req.url ?? '');
      if (req.url === '/v1/models') return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'Qwen/Qwen3-Embedding-8B', object: 'model', owned_by: 'vllm', max_model_len: 32768 }] }));
      if (req.url === '/tei/info') return void res.end(JSON.stringify({ model_id: 'Qwen/Qwen3-Embedding-0.6B', model_type: { embedding: { pooling: 'last_token' } }, max_input_length: 32768, max_client_batch_size: 32 }));
      return void res.writeHead(404).end();
    }
    const body = (await readJson(req)) as Seen['body'];
    // A server that writes a NaN as JavaScript does (a bare `NaN`, which JSON has no word for): at load, or later.
    // A number past float64's range is valid JSON and parses to Infinity, which would normalise to NaN.
    if (body.model === 'overflow' && seen.filter((s) => s.body.model === body.model).length > 0) {
      seen.push({ url: req.url, authorization: undefined, apiKey: undefined, body });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1e999,0.5,0.25]}]}');
    }
    if (body.model === 'nan-literal' || (body.model === 'nan-later' && seen.filter((s) => s.body.model === body.model).length > 0)) {
      seen.push({ url: req.url, authorization: undefined, apiKey: undefined, body });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[{"object":"embedding","index":0,"embedding":[NaN,0.5,0.25]}]}');
    }
    seen.push({ url: req.url, authorization: req.headers.authorization, apiKey: req.headers['api-key'], body });
    // Azure OpenAI's classic route: the deployment in the path, `api-version` in the query, the key in `api-key`.
    if (req.url?.startsWith('/openai/')) {
      if (!/^\/openai\/deployments\/[^/]+\/embeddings\?api-version=[\d-]+(?:-preview)?$/.test(req.url)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: '404', message: 'Resource not found' } }));
        return;
      }
      // An Entra ID token is accepted only as a Bearer (a JWT starts with `eyJ`, base64 of `{"`).
      const token = process.env[KEY_VAR]?.startsWith('eyJ');
      if (token ? req.headers.authorization !== `Bearer ${process.env[KEY_VAR]}` : req.headers['api-key'] !== process.env[KEY_VAR]) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint.' } }));
        return;
      }
    }
    if (body.model === 'broken') {
      res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'slow down' } }));
      return;
    }
    // As Voyage's /v1/embeddings answers: `encoding_format` only null or "base64", no `dimensions` field (400, no body).
    if (body.model.startsWith('voyage-') && (body.encoding_format !== undefined || body.dimensions !== undefined)) {
      res.writeHead(400).end();
      return;
    }
    // Voyage's errors are `{"detail": "…"}` (its FastAPI server; the AI SDK's Voyage provider reads `detail`), here a batch over its token limit.
    if (body.model === 'voyage-3-large' && body.input.join('').length > 100) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: "Request to model 'voyage-3-large' failed. The max allowed tokens per submitted batch is 120000. Your batch has 120643 tokens after truncation. Please lower the number of tokens in the batch." }));
      return;
    }
    // Hugging Face TEI's errors carry `error` as a string (413 for an input over its window without auto-truncate).
    if (body.model === 'tei' && body.input.join('').length > 100) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Input validation error: `inputs` must have less than 512 tokens. Given: 640', error_type: 'Validation' }));
      return;
    }
    // A gateway that answers 200 with an error body; llama.cpp's server writes a NaN as `null`; a server whose model was swapped after the probe.
    if (body.model === 'ok-error' && seen.filter((s) => s.body.model === body.model).length > 1) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'model emb is loading', type: 'unavailable' } }));
      return;
    }
    if (body.model === 'nan' && seen.filter((s) => s.body.model === body.model).length > 1) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: body.input.map((_, index) => ({ index, embedding: [null, 1, 2] })) }));
      return;
    }
    if (body.model === 'swapped' && seen.filter((s) => s.body.model === body.model).length > 1) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: body.input.map((_, index) => ({ index, embedding: [1, 2] })) }));
      return;
    }
    // As OpenAI answers for text-embedding-ada-002 (and Azure's deployments of it).
    if (body.model === 'text-embedding-ada-002' && body.dimensions !== undefined) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'This model does not support specifying dimensions.', type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    if (body.model === 'stalled') return; // accepts the request and never answers
    if (body.model === 'stalled-body') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"object":"list","data":[');
    // As OpenAI answers an input it cannot read: a 400 that is not about `dimensions`.
    if (body.model === 'bad-input') {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    // A gateway's busy page (HTML, 503) and a rate limit (429), each once, asking to come back at once.
    // `dated-once` asks in RFC 9110's HTTP-date form, for a second already begun (a wait of 0).
    if (['busy-once', 'limited-once', 'dated-once'].includes(body.model) && seen.filter((s) => s.body.model === body.model).length === 1) {
      if (body.model === 'busy-once') res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '0' }).end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
      else if (body.model === 'dated-once') res.writeHead(503, { 'retry-after': new Date().toUTCString() }).end();
      else res.writeHead(429, { 'content-type': 'application/json', 'retry-after-ms': '5' }).end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests' } }));
      return;
    }
    // Replies some OpenAI-compatible servers send: an `index` repeated, fractional, or given to one row only.
    const twisted = { 'dup-index': () => 0, 'half-index': (i: number) => i / 2, 'partial-index': (i: number) => (i === 0 ? 1 : undefined) }[body.model];
    if (twisted && body.input.length > 1) {
      const data = body.input.map((text, i) => ({ object: 'embedding', index: twisted(i), embedding: fakeVector(text) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: body.model }));
      return;
    }
    // Rows deliberately in reverse order: clients must place them by `index`.
    // OpenAI's v3 models shorten the vector to `dimensions`; other servers ignore the field.
    const size = body.model === 'ignores-dimensions' ? undefined : body.dimensions;
    const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text).slice(0, size) })).reverse();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: body.model }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  delete process.env[KEY_VAR];
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('upstream /v1/embeddings backend', () => {
  it('sends the OpenAI request shape with the key from the environment and returns normalised vectors in input order', async () => {
    process.env[KEY_VAR] = 'sk-test-not-a-real-key';
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'emb-small', apiKeyEnv: ['UNSET_VAR_X', KEY_VAR] });
    // Dimensions were measured with one probe request at load.
    expect(embedder.info).toMatchObject({ backend: 'upstream', dimensions: 3, modelId: expect.stringContaining('emb-small') });
    const texts = ['a', 'abcd', 'abcdefghij'];
    const vectors = await embedder.embed(texts);
    const last = seen.at(-1)!;
    expect(last.authorization).toBe('Bearer sk-test-not-a-real-key');
    expect(last.body).toMatchObject({ model: 'emb-small', input: texts });
    texts.forEach((text, i) => {
      const raw = fakeVector(text);
      const norm = Math.hypot(...raw);
      expect(Array.from(vectors[i]!)).toEqual(raw.map((x) => expect.closeTo(x / norm, 6)));
    });
  });

  it('fails with the status and provider message, never the key', async () => {
    process.env[KEY_VAR] = 'sk-secret-value';
    const error = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'broken', apiKeyEnv: [KEY_VAR], dimensions: 3 })
      .then((e) => e.embed(['x']))
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/HTTP 429 slow down/);
    expect((error as Error).message).not.toContain('sk-secret-value');
  });

  it('asks for the configured dimensions, and says so when the server answers with another size', async () => {
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'emb-small', apiKeyEnv: [KEY_VAR], dimensions: 2 });
    const [vector] = await embedder.embed(['abcd']);
    expect(seen.at(-1)!.body).toMatchObject({ model: 'emb-small', dimensions: 2 });
    expect(vector).toHaveLength(embedder.info.dimensions);
    const other = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'ignores-dimensions', apiKeyEnv: [KEY_VAR], dimensions: 2 });
    await expect(other.embed(['abcd'])).rejects.toThrow('upstream embeddings returned 3-d vectors, 2 configured (TOLLGATE_EMBEDDINGS_DIMENSIONS)');
  });

  it('a model that refuses `dimensions` is asked without it once, and its vectors still checked against the configured size', async () => {
    // ada-002's vectors are always full size: a configured size equal to it worked before `dimensions` was sent.
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'text-embedding-ada-002', apiKeyEnv: [KEY_VAR], dimensions: 3 });
    const before = seen.length;
    expect((await embedder.embed(['abcd']))[0]).toHaveLength(3);
    expect((await embedder.embed(['abcdef']))[0]).toHaveLength(3);
    expect(seen.slice(before).map((s) => s.body.dimensions)).toEqual([3, undefined, undefined]);
    const shorter = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'text-embedding-ada-002', apiKeyEnv: [KEY_VAR], dimensions: 2 });
    await expect(shorter.embed(['abcd'])).rejects.toThrow('upstream embeddings returned 3-d vectors, 2 configured (TOLLGATE_EMBEDDINGS_DIMENSIONS)');
  });

  it("serves Voyage's API, which refuses `encoding_format: \"float\"` and `dimensions`", async () => {
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'voyage-3.5', apiKeyEnv: [KEY_VAR] });
    expect(embedder.info.dimensions).toBe(3);
    expect((await embedder.embed(['abcd']))[0]).toHaveLength(3);
    const sized = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'voyage-3.5', apiKeyEnv: [KEY_VAR], dimensions: 3 });
    expect((await sized.embed(['abcd']))[0]).toHaveLength(3);
  });

  it('a reply with a repeated, fractional or partly missing `index` is refused as malformed, not returned with a gap', async () => {
    for (const model of ['dup-index', 'half-index', 'partial-index']) {
      const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model, apiKeyEnv: [KEY_VAR] });
      await expect(embedder.embed(['a', 'bb']), model).rejects.toThrow(`malformed embeddings reply from ${baseUrl}/embeddings`);
    }
  });

  it("serves Azure OpenAI's classic deployment URL, as AzureOpenAI calls it: path before the api-version, a key in `api-key`, an Entra ID token as a Bearer", async () => {
    process.env[KEY_VAR] = 'azure-resource-key';
    const azure = `${baseUrl.replace(/\/v1$/, '')}/openai/deployments/emb-deploy?api-version=2024-10-21`;
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl: azure, model: 'text-embedding-3-small', apiKeyEnv: [KEY_VAR], dimensions: 2 });
    expect((await embedder.embed(['abcd']))[0]).toHaveLength(2);
    expect(seen.at(-1)).toMatchObject({ url: '/openai/deployments/emb-deploy/embeddings?api-version=2024-10-21', apiKey: 'azure-resource-key', authorization: undefined });
    process.env[KEY_VAR] = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZXNlcnZpY2VzLmF6dXJlLmNvbSJ9.c2ln';
    const entra = await openUpstreamEmbedder({ backend: 'upstream', baseUrl: azure, model: 'text-embedding-3-small', apiKeyEnv: [KEY_VAR], dimensions: 2 });
    expect((await entra.embed(['abcd']))[0]).toHaveLength(2);
    expect(seen.at(-1)).toMatchObject({ authorization: `Bearer ${process.env[KEY_VAR]}`, apiKey: undefined });
  });

  it('the size probe at load waits as a busy or rate-limited provider asks and tries again, instead of disabling the cache', async () => {
    for (const model of ['busy-once', 'limited-once', 'dated-once']) {
      const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model, apiKeyEnv: [KEY_VAR] });
      expect(embedder.info.dimensions, model).toBe(3);
      expect(seen.filter((s) => s.body.model === model)).toHaveLength(2);
    }
  });

  it('a stalled server fails the request at the timeout instead of holding the only batch in flight', async () => {
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'stalled', apiKeyEnv: [KEY_VAR], dimensions: 3, timeoutMs: 50 });
    await expect(embedder.embed(['abcd'])).rejects.toThrow(`upstream embeddings ${baseUrl}/embeddings unreachable: The operation was aborted due to timeout`);
  });

  it('a reply whose body stops mid-read fails as a timeout, not as a malformed reply', async () => {
    // The timeout leaves the headers room to arrive on a busy machine; only the body stalls.
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'stalled-body', apiKeyEnv: [KEY_VAR], dimensions: 3, timeoutMs: 1000 });
    await expect(embedder.embed(['abcd'])).rejects.toThrow(`upstream embeddings ${baseUrl}/embeddings timed out reading the reply`);
  });

  it('a 400 about something other than `dimensions` is reported, not asked again without the field', async () => {
    const embedder = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'bad-input', apiKeyEnv: [KEY_VAR], dimensions: 3 });
    await expect(embedder.embed(['abcd'])).rejects.toThrow("HTTP 400 '$.input' is invalid");
    expect(seen.filter((s) => s.body.model === 'bad-input').map((s) => s.body.dimensions)).toEqual([3]);
  });

  it("reports the reason a server gives in its own error shape: Voyage's `detail`, TEI's `error` string", async () => {
    const long = 'x'.repeat(101);
    const voyage = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'voyage-3-large', apiKeyEnv: [KEY_VAR] });
    await expect(voyage.embed([long])).rejects.toThrow('HTTP 400 Request to model \'voyage-3-large\' failed. The max allowed tokens per submitted batch is 120000.');
    const tei = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'tei', apiKeyEnv: [KEY_VAR] });
    await expect(tei.embed([long])).rejects.toThrow('HTTP 413 Input validation error: `inputs` must have less than 512 tokens. Given: 640');
  });

  it('a 200 with an error body reports that error', async () => {
    const loading = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'ok-error', apiKeyEnv: [KEY_VAR] });
    await expect(loading.embed(['abcd'])).rejects.toThrow(`upstream embeddings ${baseUrl}/embeddings failed: HTTP 200 model emb is loading`);
  });

  it('a vector with a null entry (a NaN, as llama.cpp writes it) is refused as malformed, not stored with a 0 in its place', async () => {
    const nan = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'nan', apiKeyEnv: [KEY_VAR] });
    await expect(nan.embed(['abcd'])).rejects.toThrow(`malformed embeddings reply from ${baseUrl}/embeddings: row 0 has index 0 and no embedding array of numbers`);
  });

  it('a later vector of another size than the probe measured is refused, not zero-padded or cut into the next', async () => {
    const swapped = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'swapped', apiKeyEnv: [KEY_VAR] });
    expect(swapped.info.dimensions).toBe(3);
    await expect(swapped.embed(['abcd'])).rejects.toThrow('upstream embeddings returned 2-d vectors, 3 measured at load');
  });

  it('a reply that is not JSON (a bare NaN) is an error naming the embedder and the parse failure, at load and later', async () => {
    await expect(openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'nan-literal', apiKeyEnv: [KEY_VAR] })).rejects.toThrow(
      new RegExp(`^malformed embeddings reply from ${baseUrl}/embeddings: not JSON \\(Unexpected token 'N'`),
    );
    const later = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'nan-later', apiKeyEnv: [KEY_VAR] });
    await expect(later.embed(['abcd'])).rejects.toThrow(`malformed embeddings reply from ${baseUrl}/embeddings: not JSON (Unexpected token 'N'`);
  });

  it('a vector with an entry past float64 (1e999, which parses to Infinity) is refused as malformed, not normalised to NaN', async () => {
    const overflow = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'overflow', apiKeyEnv: [KEY_VAR] });
    await expect(overflow.embed(['abcd'])).rejects.toThrow(`malformed embeddings reply from ${baseUrl}/embeddings: row 0 has index 0 and no embedding array of numbers`);
  });

  it("reads the window a server reports (vLLM's /v1/models, TEI's /info), and none where it reports none", async () => {
    const vllm = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'Qwen/Qwen3-Embedding-8B', apiKeyEnv: [KEY_VAR] });
    expect(vllm.info.maxInputTokens).toBe(32768);
    const tei = await openUpstreamEmbedder({ backend: 'upstream', baseUrl: baseUrl.replace(/\/v1$/, '/tei/v1'), model: 'Qwen/Qwen3-Embedding-0.6B', apiKeyEnv: [KEY_VAR] });
    expect(tei.info.maxInputTokens).toBe(32768);
    const other = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'emb-small', apiKeyEnv: [KEY_VAR] });
    expect(other.info).not.toHaveProperty('maxInputTokens');
  });

  it("asks the server for the window of an open model once, at load, and never for a model whose provider documents it", async () => {
    windowReads.length = 0;
    const documented = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'text-embedding-3-small', apiKeyEnv: [KEY_VAR] });
    await documented.embed(['abcd']);
    expect(windowReads).toEqual([]);
    const open = await openUpstreamEmbedder({ backend: 'upstream', baseUrl, model: 'Qwen/Qwen3-Embedding-8B', apiKeyEnv: [KEY_VAR] });
    await open.embed(['abcd']);
    await open.embed(['efgh']);
    expect(windowReads.sort()).toEqual(['/info', '/v1/models']);
  });

  it('reads its configuration from TOLLGATE_EMBEDDINGS_* variables', () => {
    const config = upstreamConfigFromEnv({
      TOLLGATE_EMBEDDINGS_BASE_URL: 'http://127.0.0.1:9/v1',
      TOLLGATE_EMBEDDINGS_MODEL: 'm',
      TOLLGATE_EMBEDDINGS_DIMENSIONS: '256',
    });
    expect(config).toMatchObject({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', dimensions: 256 });
    expect(config.apiKeyEnv).toContain('OPENAI_API_KEY');
  });
});
