/**
 * How much of a prompt an upstream embedder reads, by the model a user configures. Voyage, Cohere
 * and Vertex cut longer input silently by default, so the proxy must never take a window larger
 * than the model's (two long prompts sharing their start would hit each other); every model it did
 * not know was taken at 512 tokens, so Voyage, Gemini, Jina, Mistral and Titan users got no
 * semantic hit for any prompt over ~500 bytes.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cannotJudgeReason, inputLimitOf } from '../../../proxy/src/cache/semantic/inputLimit';
import { startHarness, waitForEmbedder, type Harness } from '../../support/harness';
import { bagOfWords, type FakeEmbeddings, startFakeEmbeddings } from '../../embedding/support/fakeEmbeddings';

const windowOf = (model: string) => inputLimitOf({ backend: 'upstream', modelId: `upstream:api.example/${model}` }).maxTokens;

describe('upstream embedders read their documented windows', () => {
  it('each provider family gets its own, never more than the documented one', () => {
    const documented: Array<[string, number]> = [
      ['text-embedding-3-small', 8191],
      ['voyage-3.5', 32_000],
      ['voyage-3-large', 32_000],
      ['voyage-code-3', 32_000],
      ['voyage-2', 4000],
      ['voyage-lite-02-instruct', 4000],
      ['voyage-01', 4000],
      ['voyage-lite-01-instruct', 4000],
      ['voyage-large-2-instruct', 16_000],
      ['voyage-law-2', 16_000],
      ['embed-english-v3.0', 512],
      ['cohere.embed-multilingual-v3', 512],
      ['embed-multilingual-v2.0', 256],
      ['embed-v4.0', 128_000],
      ['gemini-embedding-001', 2048],
      ['models/text-embedding-004', 2048],
      ['text-multilingual-embedding-002', 2048],
      ['jina-embeddings-v3', 8192],
      ['mistral-embed', 8192],
      ['codestral-embed-2505', 8192],
      ['amazon.titan-embed-text-v2:0', 8192],
      ['textembedding-gecko@003', 2048],
      ['nomic-embed-text', 2048],
      ['nomic-ai/nomic-embed-text-v1.5', 2048],
      ['nomic-embed-text-v2-moe', 512],
      ['bge-m3', 8192],
      ['BAAI/bge-m3', 8192],
      ['Snowflake/snowflake-arctic-embed-l-v2.0', 8192],
      ['snowflake-arctic-embed2', 8192],
      ['snowflake-arctic-embed-l', 512],
      ['qwen3-embedding:0.6b', 8192],
      ['Qwen/Qwen3-Embedding-8B', 8192],
    ];
    expect(documented.map(([model]) => [model, windowOf(model)])).toEqual(documented);
  });

  it('a window the server reports at load (vLLM, TEI) takes the place of the table', () => {
    const reported = (model: string, maxInputTokens?: number) =>
      inputLimitOf({ backend: 'upstream', modelId: `upstream:h/${model}`, maxInputTokens }).maxTokens;
    expect([reported('Qwen/Qwen3-Embedding-8B', 32_768), reported('Qwen/Qwen3-Embedding-8B'), reported('my-own-embedder', 1024)]).toEqual([32_768, 8192, 1024]);
  });

  it('a prompt over a window is refused by that model and read whole by a longer one', () => {
    const long = `Please review the following notes and tell me what to fix first. ${'The deploy job fails after the cache step on the second runner. '.repeat(12)}`;
    const why = (model: string) => cannotJudgeReason(long, inputLimitOf({ backend: 'upstream', modelId: `upstream:api.example/${model}` }));
    expect(long.length).toBeGreaterThan(600);
    expect(why('embed-english-v3.0')).toMatch(/512 tokens/);
    for (const model of ['voyage-3.5', 'gemini-embedding-001', 'jina-embeddings-v3', 'mistral-embed', 'amazon.titan-embed-text-v2:0']) expect(why(model), model).toBeUndefined();
  });
});

describe('in the proxy, with an upstream embedder that cuts long input silently', () => {
  let embeddings: FakeEmbeddings;
  let h: Harness;
  let client: OpenAI;

  /** voyage-2 reads 4,000 tokens, never fewer than 4,000 bytes: the stand-in embeds no more than that. */
  const WINDOW_BYTES = 4000;
  /** Voyage's default `truncation: true`: only the window's start is embedded. */
  const embed = (text: string) => bagOfWords(Buffer.from(text).subarray(0, WINDOW_BYTES).toString('utf8'));

  beforeAll(async () => {
    embeddings = await startFakeEmbeddings('voyage-2', (input) => input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })));
    h = await startHarness({ cache: { semantic: { enabled: true, backend: 'upstream', embedTimeoutMs: 10_000, wrongAnswerCostUsd: 0 } } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-windows', maxRetries: 0 });
    await waitForEmbedder(h.proxy.url);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await embeddings?.close();
  });

  const ask = (content: string) =>
    client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
      .withResponse()
      .then(({ response }) => ({ cache: response.headers.get('x-tollgate-cache'), skipped: response.headers.get('x-tollgate-semantic-skipped') }));

  const notes = 'Our nightly deploy job fails after the cache restore step on the second runner, the logs show a timeout. '.repeat(10);

  it('a 1,000-character prompt the model reads whole is looked up, and its rewording served', async () => {
    expect(await ask(`${notes}What should I check first?`)).toEqual({ cache: 'miss', skipped: null });
    expect(await ask(`${notes.toLowerCase()}what should i check first`)).toEqual({ cache: 'semantic', skipped: null });
  });

  it('two prompts that differ only past the window never hit each other', async () => {
    const start = 'Here is the incident log from last night for reference. '.repeat(75);
    expect(Buffer.byteLength(start)).toBeGreaterThan(WINDOW_BYTES);
    const first = await ask(`${start}Summarise the root cause.`);
    expect(first.skipped).toMatch(/longer than the embedder reads \(4000 tokens\)/);
    expect((await ask(`${start}Write the customer apology email.`)).cache).not.toBe('semantic');
  });
});
