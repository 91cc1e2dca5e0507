/**
 * Large JSON answers. Embeddings in `float` format (the API's default for any client but the
 * official SDKs) are pretty-printed, ~22 bytes a number: 1,000 inputs of text-embedding-3-large
 * come to ~68 MB, past the 64 MB a chat answer is allowed. And an answer past its cap was generated
 * and billed by the provider: it must not be asked for again (by Tollgate's retries or the SDK's).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { proxyOver } from '../../support/proxyOver';
import { lastCall } from './mediaUpstream';

interface BigUpstream {
  baseUrl: string;
  hits: string[];
  close(): Promise<void>;
}

/** Float embeddings written as OpenAI writes them (indented, one number a line), and an oversized chat answer. */
async function startBigUpstream(): Promise<BigUpstream> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: string[]; model: string };
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_big' });
      if (req.url === '/v1/embeddings') {
        const inputs = body.input ?? [];
        const vector = Array.from({ length: 3072 }, (_, i) => `        ${(-0.001 * ((i % 97) + 1)).toFixed(9)}`).join(',\n');
        res.write(`{\n  "object": "list",\n  "data": [\n`);
        for (let index = 0; index < inputs.length; index++) {
          res.write(`${index ? ',\n' : ''}    {\n      "object": "embedding",\n      "index": ${index},\n      "embedding": [\n${vector}\n      ]\n    }`);
        }
        res.end(`\n  ],\n  "model": "text-embedding-3-large",\n  "usage": {\n    "prompt_tokens": ${inputs.length * 5},\n    "total_tokens": ${inputs.length * 5}\n  }\n}\n`);
        return;
      }
      const text = 'x'.repeat(65 * 1024 * 1024);
      res.end(JSON.stringify({ id: 'chatcmpl-big', object: 'chat.completion', created: 1, model: body.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 5, completion_tokens: 9_000_000, total_tokens: 9_000_005 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const t = proxyOver({
  provider: 'openai',
  startUpstream: startBigUpstream,
  client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-proj-big', maxRetries: 2 }),
  policy: { retries: { attempts: 2, backoffMs: 1 } },
});

describe('large answers', () => {
  it('relays 1,000 float embeddings of 3,072 dimensions (~68 MB)', async () => {
    const input = Array.from({ length: 1000 }, (_, i) => `document ${i}`);
    const r = await t.client.embeddings.create({ model: 'text-embedding-3-large', input, encoding_format: 'float' });
    expect(r.data).toHaveLength(1000);
    expect(r.data[999]?.embedding).toHaveLength(3072);
    expect(lastCall(t.h)).toMatchObject({ status: 200, endpoint: 'embeddings', input_tokens: 5000, priced: 1 });
  }, 60_000);

  it('does not ask again for an answer past its cap: one upstream call, a 502 the SDK does not retry, the attempt recorded', async () => {
    const before = t.up.hits.length;
    const call = t.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'write a lot' }] });
    await expect(call).rejects.toMatchObject({ status: 502 });
    expect(t.up.hits.length - before).toBe(1);
    expect(lastCall(t.h)).toMatchObject({ status: 502, endpoint: 'chat.completions', error_type: 'upstream_too_large', tokens_estimated: 1 });
    expect(Number(lastCall(t.h).input_tokens)).toBeGreaterThan(0);
  }, 60_000);
});
