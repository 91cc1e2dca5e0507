/**
 * A malformed embeddings reply, seen through the real proxy: the request is served as a plain miss
 * from the model, never a 500, and the reason names the reply.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy, type RunningProxy } from '../../proxy/src/server/start';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { waitForEmbedder } from '../support/harness';
import { type FakeEmbeddings, startFakeEmbeddings } from './support/fakeEmbeddings';

describe('in the proxy, with an upstream embedder whose reply is malformed', () => {
  let embeddings: FakeEmbeddings;
  let upstream: FakeUpstream;
  let proxy: RunningProxy;
  const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const warnings: string[] = [];
  let client: OpenAI;

  beforeAll(async () => {
    // OpenAI's /v1/embeddings wire format; for prompts about invoices, `index` comes back as a
    // string, as some self-hosted OpenAI-compatible servers send it.
    embeddings = await startFakeEmbeddings('emb-local', (input) =>
      input.map((text, index) => ({ object: 'embedding', index: text.includes('invoice') ? `${index}-th` : index, embedding: [text.length, 1, 2, 3] })),
    );
    upstream = await startFakeUpstream();
    const policy = PolicySchema.parse({
      cache: { semantic: { enabled: true, backend: 'upstream', embedTimeoutMs: 10_000, wrongAnswerCostUsd: 0 } },
      providers: { openai: { baseUrl: upstream.openaiBaseUrl }, anthropic: { baseUrl: upstream.anthropicBaseUrl } },
    });
    const log = { info() {}, warn: (line: string) => warnings.push(line), error: (line: string) => warnings.push(line) };
    proxy = await startProxy({ port: 0, dataDir, policy, env: {}, log });
    client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-malformed', maxRetries: 0 });
    await waitForEmbedder(proxy.url);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
    await embeddings?.close();
  });

  it('is served from the model as a miss, and the log names the malformed reply', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my invoice for March?' }] })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]!.message.content).toBeTruthy();
    expect(response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(upstream.calls()).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/^semantic cache skipped: malformed embeddings reply from http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings: /)]);
  });
});
