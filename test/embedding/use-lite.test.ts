import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import type { Embedder } from '../../proxy/src/embedding/types';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
let embedder: Embedder;

beforeAll(async () => {
  embedder = await openUseLiteEmbedder();
});
afterAll(async () => {
  await embedder?.close();
});

describe('bundled USE-lite embeddings (real model)', () => {
  it('reports 512-d vectors of unit length', async () => {
    expect(embedder.info).toMatchObject({ backend: 'use-lite', dimensions: 512 });
    const vectors = await embedder.embed(['How do I reset my password?', 'Ship to Canada', '']);
    for (const v of vectors) expect(v).toHaveLength(512);
    for (const v of vectors.slice(0, 2)) expect(dot(v, v)).toBeCloseTo(1, 4);
  });

  it('scores paraphrases above unrelated prompts', async () => {
    const pairs: Array<[string, string, string]> = [
      ['How do I reset my password?', 'I forgot my password, how can I change it?', 'What is the weather in Paris today?'],
      ['Cancel my order please', 'I want to cancel the order I placed', 'Write a haiku about autumn leaves'],
      ['What is the capital of France?', "Which city is France's capital?", 'How many legs does a spider have?'],
    ];
    for (const [anchor, paraphrase, unrelated] of pairs) {
      const [a, p, u] = await embedder.embed([anchor, paraphrase, unrelated]);
      const similar = dot(a!, p!);
      const different = dot(a!, u!);
      expect(similar).toBeGreaterThan(different + 0.2);
    }
  });

  it('is deterministic and batch-independent', async () => {
    const [alone] = await embedder.embed(['Cancel my order please']);
    const [inBatch] = await embedder.embed(['Cancel my order please', 'something else entirely, much longer than the first one']);
    expect(dot(alone!, inBatch!)).toBeCloseTo(1, 4);
  });
});

describe('loading USE-lite for a session that closes meanwhile', () => {
  it('stops at the next step with the signal’s reason instead of finishing the load', async () => {
    const abort = new AbortController();
    const loading = openUseLiteEmbedder({ signal: abort.signal });
    abort.abort(new Error('embedding session closed'));
    await expect(loading).rejects.toThrow('embedding session closed');
  });

  it('does not fall back to TensorFlow.js once closed (the onnxruntime step failed because of the close)', async () => {
    const abort = new AbortController();
    const loading = openUseLiteEmbedder({
      path: 'auto',
      signal: abort.signal,
      loadOnnxRuntime: () => {
        abort.abort(new Error('embedding session closed'));
        return Promise.reject(new Error('interrupted'));
      },
    });
    await expect(loading).rejects.toThrow('interrupted');
  });
});
