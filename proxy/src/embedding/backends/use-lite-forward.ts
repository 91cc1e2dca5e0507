/**
 * USE-lite's forward pass written out as TensorFlow.js ops over the model's own weights, for one
 * text at a time. The library runs the frozen graph through tfjs-converter's executor: 317 nodes,
 * half of them shape bookkeeping for its sparse batched input, and `executeAsync` because of two
 * dynamic `Where` ops. Profiled in the embedding thread, that executor (node-name parsing,
 * per-node disposal checks, promise hops) cost as much CPU as the WASM kernels themselves. Here the
 * same computation is ~60 kernel calls in one synchronous `tidy`, with the dense layers as fused
 * matmul + bias (+ ReLU).
 *
 * The graph, for a text of n tokens (n ≤ 128; the graph clips longer input to its first 128):
 *   x = E[tokens] + (E[tokens] + timing(n))   (the graph adds the embeddings twice: once as the scattered
 *                                  input, once inside AddTimingSignal; kept as it is)
 *   two Transformer layers (pre-layer-norm, ε 1e-6; 4 heads; layer 0 maps 256 → 512 and projects
 *   its residual with a dense layer; FFN 512 → 1536 ReLU → 512), mean over the n positions,
 *   tanh dense 512 → 512, L2 normalisation.
 * Texts are embedded one by one: every op in the graph is per position or masked per text, so a
 * text's vector does not depend on what else is in the batch; tests check cosine ≥ 0.9999 against
 * the library's own graph execution.
 */

/** The few TensorFlow.js entry points used here (the bundled package ships no type declarations for them). */
export interface TfTensor {
  readonly shape: number[];
  dataSync(): Float32Array | Int32Array | Uint8Array;
  dispose(): void;
}

export interface TfOps {
  tidy<T>(fn: () => T): T;
  tensor1d(values: ArrayLike<number>, dtype: 'int32' | 'float32'): TfTensor;
  tensor2d(values: Float32Array, shape: [number, number], dtype: 'float32'): TfTensor;
  zeros(shape: number[]): TfTensor;
  gather(x: TfTensor, indices: TfTensor): TfTensor;
  reshape(x: TfTensor, shape: number[]): TfTensor;
  transpose(x: TfTensor, perm: number[]): TfTensor;
  split(x: TfTensor, parts: number, axis: number): TfTensor[];
  concat(xs: TfTensor[], axis: number): TfTensor;
  add(a: TfTensor, b: TfTensor | number): TfTensor;
  sub(a: TfTensor, b: TfTensor): TfTensor;
  mul(a: TfTensor, b: TfTensor | number): TfTensor;
  div(a: TfTensor, b: number): TfTensor;
  maximum(a: TfTensor, b: number): TfTensor;
  square(x: TfTensor): TfTensor;
  rsqrt(x: TfTensor): TfTensor;
  tanh(x: TfTensor): TfTensor;
  softmax(x: TfTensor): TfTensor;
  mean(x: TfTensor, axis: number, keepDims: boolean): TfTensor;
  sum(x: TfTensor, axis: number, keepDims: boolean): TfTensor;
  matMul(a: TfTensor, b: TfTensor, transposeA?: boolean, transposeB?: boolean): TfTensor;
  fused: { matMul(args: { a: TfTensor; b: TfTensor; bias?: TfTensor; activation?: 'relu' }): TfTensor };
}

/** The graph's weights by node name (`GraphModel.weights`). */
export type WeightMap = Record<string, TfTensor[] | undefined>;

/** The graph clips its input to this many tokens (`ClipToMaxLength`). */
export const USE_LITE_MAX_TOKENS = 128;
export const LAYER_NORM_EPSILON = 9.999999974752427e-7;
export const HEADS = 4;

/**
 * The sinusoid position signal for positions 0 … n−1, row-major [n, 2k]: sin(p·τ) ‖ cos(p·τ) over
 * the graph's k timescales (k = 128), built in JS.
 */
export function timingSignal(timescales: Float32Array, n: number): Float32Array {
  const k = timescales.length;
  const out = new Float32Array(n * 2 * k);
  for (let p = 0; p < n; p++) {
    for (let j = 0; j < k; j++) {
      // float32 product first, as the graph multiplies in float32 before Sin/Cos.
      const angle = Math.fround(p * timescales[j]!);
      out[p * 2 * k + j] = Math.sin(angle);
      out[p * 2 * k + k + j] = Math.cos(angle);
    }
  }
  return out;
}

interface LayerWeights {
  width: number;
  /** Query scaling: 1/√(head width). */
  queryScale: number;
  norm: [TfTensor, TfTensor];
  qkv: [TfTensor, TfTensor];
  output: [TfTensor, TfTensor];
  /** Layer 0 only: its residual is projected from 256 to 512. */
  residual?: [TfTensor, TfTensor];
  ffnNorm: [TfTensor, TfTensor];
  ffn1: [TfTensor, TfTensor];
  ffn2: [TfTensor, TfTensor];
}

export class UseLiteForward {
  private readonly embeddings: TfTensor;
  private readonly timescales: Float32Array;
  private readonly layers: LayerWeights[];
  private readonly pooled: [TfTensor, TfTensor];
  /** Tensors made here (reshaped kernels, the timing table); the model's own weights are not ours to free. */
  private readonly owned: TfTensor[] = [];

  constructor(
    private readonly tf: TfOps,
    weights: WeightMap,
  ) {
    const get = (name: string): TfTensor => {
      const t = weights[name]?.[0];
      if (!t) throw new Error(`USE-lite weight ${name} is missing`);
      return t;
    };
    const kona = 'module_apply_default/Encoder_en/KonaTransformer/Encode/';
    const concat = '/ConcatPartitions/concat';
    this.embeddings = get('module/Embeddings_en');
    this.timescales = get(`${kona}TransformerStack/Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`).dataSync() as Float32Array;
    const layer = (i: number, width: number): LayerWeights => {
      const own = `${kona}Layer_${i}/TransformerLayer/`;
      const stack = `${kona}TransformerStack/Layer_${i}/TransformerLayer/`;
      const kernel = `module/Encoder_en/KonaTransformer/Encode/Layer_${i}/TransformerLayer/MultiheadAttention/`;
      const ln = (prefix: string): [TfTensor, TfTensor] => [get(`${own}${prefix}layer_prepostprocess/layer_norm/layer_norm_scale${concat}`), get(`${own}${prefix}layer_prepostprocess/layer_norm/layer_norm_bias${concat}`)];
      // The attention projections are 1×1 convolutions in the graph: the same matmul, reshaped.
      const conv = (name: string, out: number): TfTensor => this.keep(this.tf.reshape(get(`${kernel}${name}/kernel/part_0`), [width, out]));
      return {
        width,
        queryScale: get(`${stack}MultiheadAttention/mul/y`).dataSync()[0]!,
        norm: ln(''),
        qkv: [conv('qkv_transform_single', 3 * width), get(`${own}MultiheadAttention/qkv_transform_single/bias${concat}`)],
        output: [conv('output_transform_single', 512), get(`${own}MultiheadAttention/output_transform_single/bias${concat}`)],
        ...(i === 0 ? { residual: [get(`${own}dense/kernel${concat}`), get(`${own}dense/bias${concat}`)] as [TfTensor, TfTensor] } : {}),
        ffnNorm: ln('FFN/'),
        ffn1: [get(`${stack}FFN/conv1/Tensordot/Reshape_1`), get(`${own}FFN/conv1/bias${concat}`)],
        ffn2: [get(`${stack}FFN/conv2/Tensordot/Reshape_1`), get(`${own}FFN/conv2/bias${concat}`)],
      };
    };
    this.layers = [layer(0, 256), layer(1, 512)];
    this.pooled = [get('module/Encoder_en/hidden_layers/tanh_layer_0/weights'), get('module/Encoder_en/hidden_layers/tanh_layer_0/bias')];
  }

  private keep(t: TfTensor): TfTensor {
    this.owned.push(t);
    return t;
  }

  private timing(n: number): TfTensor {
    return this.tf.tensor2d(timingSignal(this.timescales, n), [n, 2 * this.timescales.length], 'float32');
  }

  private layerNorm(x: TfTensor, [scale, bias]: [TfTensor, TfTensor]): TfTensor {
    const { tf } = this;
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(scale, tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON))), centred), bias);
  }

  private dense(x: TfTensor, [kernel, bias]: [TfTensor, TfTensor], activation?: 'relu'): TfTensor {
    return this.tf.fused.matMul({ a: x, b: kernel, bias, ...(activation ? { activation } : {}) });
  }

  private layer(x: TfTensor, l: LayerWeights, n: number): TfTensor {
    const { tf } = this;
    const head = l.width / HEADS;
    const [q, k, v] = tf.split(this.dense(this.layerNorm(x, l.norm), l.qkv), 3, 1) as [TfTensor, TfTensor, TfTensor];
    const heads = (t: TfTensor) => tf.transpose(tf.reshape(t, [n, HEADS, head]), [1, 0, 2]);
    // One text, no padding: the graph's padding bias is all zeros here.
    const weights = tf.softmax(tf.matMul(tf.mul(heads(q), l.queryScale), heads(k), false, true));
    const attended = tf.reshape(tf.transpose(tf.matMul(weights, heads(v)), [1, 0, 2]), [n, l.width]);
    const y = tf.add(this.dense(attended, l.output), l.residual ? this.dense(x, l.residual) : x);
    const ffn = this.dense(this.dense(this.layerNorm(y, l.ffnNorm), l.ffn1, 'relu'), l.ffn2);
    return tf.add(ffn, y);
  }

  /** The normalised 512-d embedding of one text's token ids (clipped to the first 128 like the graph). */
  embed(ids: number[]): Float32Array {
    const tokens = ids.length > USE_LITE_MAX_TOKENS ? ids.slice(0, USE_LITE_MAX_TOKENS) : ids;
    const n = tokens.length;
    const { tf } = this;
    return tf.tidy(() => {
      let mean: TfTensor;
      if (n === 0) {
        // No tokens: the graph's masked mean divides a zero sum by max(0, 1).
        mean = tf.zeros([1, 512]);
      } else {
        const e = tf.gather(this.embeddings, tf.tensor1d(tokens, 'int32'));
        let x = tf.add(e, tf.add(e, this.timing(n)));
        for (const l of this.layers) x = this.layer(x, l, n);
        mean = tf.div(tf.sum(x, 0, true), n);
      }
      const t = tf.tanh(this.dense(mean, this.pooled));
      const normalised = tf.mul(t, tf.rsqrt(tf.maximum(tf.sum(tf.square(t), 1, true), 1e-12)));
      return Float32Array.from(normalised.dataSync());
    });
  }

  dispose(): void {
    for (const t of this.owned.splice(0)) t.dispose();
  }
}
