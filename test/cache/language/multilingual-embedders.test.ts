/**
 * Which configured embedders read other languages than English. The rule is by model id
 * (applicability.ts `readsOnlyEnglish`): an embedder taken for English-only never gets a semantic
 * hit for a non-English prompt. Multilingual models the providers document as such were taken for
 * English-only, so their users' non-English prompts were refused; the English-only siblings in the
 * same families must stay refused. Each id is spelled as a user configures it
 * (`TOLLGATE_EMBEDDINGS_MODEL`, behind the proxy's `upstream:<host>/` prefix).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readsOnlyEnglish } from '../../../proxy/src/cache/semantic/applicability';
import { startHarness, waitForEmbedder, type Harness } from '../../support/harness';
import { bagOfWords, type FakeEmbeddings, startFakeEmbeddings } from '../../embedding/support/fakeEmbeddings';

const upstream = (model: string) => `upstream:api.example/${model}`;

describe('multilingual embedders, by the id a user configures', () => {
  it('documented multilingual models read other languages', () => {
    const multilingual = [
      // Google: Gemini embeddings (100+ languages); the Vertex multilingual model.
      'gemini-embedding-001',
      'models/gemini-embedding-001',
      'gemini-embedding-exp-03-07',
      'text-multilingual-embedding-002',
      // Voyage: the general-purpose 3, 3.5 and 4 series ("inherently multilingual").
      'voyage-3',
      'voyage-3-lite',
      'voyage-3-large',
      'voyage-3.5',
      'voyage-3.5-lite',
      'voyage-4-large',
      'voyage-multilingual-2',
      // Jina v3 and later (89+ languages).
      'jina-embeddings-v3',
      'jina-embeddings-v4',
      // Qwen3-Embedding (Hugging Face, Ollama).
      'Qwen/Qwen3-Embedding-0.6B',
      'qwen3-embedding:8b',
      // Snowflake Arctic Embed 2.0 (Hugging Face, Ollama's tag).
      'Snowflake/snowflake-arctic-embed-l-v2.0',
      'snowflake-arctic-embed-m-v2.0',
      'snowflake-arctic-embed2:568m',
      // E5, Cohere (API, Bedrock), BGE-M3, LaBSE.
      'intfloat/multilingual-e5-large',
      'embed-multilingual-v3.0',
      'embed-v4.0',
      'cohere.embed-v4:0',
      'bge-m3',
      'sentence-transformers/LaBSE',
      'text-embedding-3-small',
    ];
    const refused = multilingual.filter((m) => readsOnlyEnglish(upstream(m)));
    expect(refused).toEqual([]);
  });

  it('their English-only siblings stay English-only', () => {
    const englishOnly = [
      'text-embedding-004',
      'text-embedding-005',
      'voyage-2',
      'voyage-large-2',
      'voyage-code-3',
      'jina-embeddings-v2-base-en',
      'snowflake-arctic-embed-m-v1.5',
      'snowflake-arctic-embed:335m',
      'embed-english-v3.0',
      'cohere.embed-english-v3',
      'nomic-embed-text',
      'sentence-transformers/all-MiniLM-L6-v2',
    ];
    const taken = englishOnly.filter((m) => !readsOnlyEnglish(upstream(m)));
    expect(taken).toEqual([]);
  });
});

describe('in the proxy, with an upstream multilingual embedder', () => {
  let embeddings: FakeEmbeddings;
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    // The provider's OpenAI-shaped /v1/embeddings, as Gemini's OpenAI-compatible endpoint answers.
    embeddings = await startFakeEmbeddings('gemini-embedding-001', (input) => input.map((text, index) => ({ object: 'embedding', index, embedding: bagOfWords(text) })));
    h = await startHarness({ cache: { semantic: { enabled: true, backend: 'upstream', embedTimeoutMs: 10_000, wrongAnswerCostUsd: 0 } } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-multilingual', maxRetries: 0 });
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

  it('a Spanish question is looked up and its rewording served, not refused as "not English"', async () => {
    expect(await ask('¿Cuál es la capital de Francia?')).toEqual({ cache: 'miss', skipped: null });
    expect(await ask('¿cuál es la capital de Francia')).toEqual({ cache: 'semantic', skipped: null });
  });
});
