/**
 * Just enough of the ONNX protobuf format to write a model built at load time (use-lite-onnx.ts):
 * ModelProto with one graph of nodes, float/int64 initializers and tensor inputs/outputs with
 * symbolic dimensions. Hand-written so the runtime needs no protobuf library; field numbers are
 * those of onnx/onnx.proto (test/embedding checks the bytes decode with the `onnx-proto` package).
 */

/** ONNX TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export type OnnxAttribute = { name: string } & ({ int: number } | { float: number } | { ints: number[] });

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** A number is a fixed size, a string a symbolic (dynamic) dimension. */
  shape: Array<number | string>;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
}

/**
 * Protobuf wire encoding: a growing list of chunks, concatenated once at the end. Nested messages
 * hand their chunks up by reference, so the weights (~27 MB) are copied once, into the final bytes.
 */
class Writer {
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: bigint): void {
    // int64 fields take negative numbers as their 64-bit two's complement (10 bytes).
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: number): void {
    this.varint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number): this {
    this.tag(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    this.tag(field, 2);
    this.varint(BigInt(inner.length));
    for (const c of inner.chunks) this.push(c);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function valueInfo(w: Writer, v: OnnxValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, v.elemType).message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
      }),
    ),
  );
}

function attribute(w: Writer, a: OnnxAttribute): void {
  w.string(1, a.name);
  // AttributeProto.type: FLOAT 1, INT 2, INTS 7.
  if ('int' in a) w.int(3, a.int).int(20, 2);
  else if ('float' in a) w.float(2, a.float).int(20, 1);
  else {
    for (const i of a.ints) w.int(8, i);
    w.int(20, 7);
  }
}

/** The serialised ModelProto (IR version 8), ready for `InferenceSession.create(bytes)`. */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  return new Writer()
    .int(1, 8)
    .string(2, 'tollgate')
    .message(7, (g) => {
      for (const [i, n] of graph.nodes.entries()) {
        g.message(1, (node) => {
          for (const input of n.inputs) node.string(1, input);
          for (const output of n.outputs) node.string(2, output);
          node.string(3, `n${i}_${n.op}`).string(4, n.op);
          for (const a of n.attributes ?? []) node.message(5, (attr) => attribute(attr, a));
        });
      }
      g.string(2, graph.name);
      for (const t of graph.initializers) {
        g.message(5, (tensor) => {
          for (const d of t.dims) tensor.int(1, d);
          tensor.int(2, t.data instanceof Float32Array ? ONNX_FLOAT : ONNX_INT64);
          tensor.string(8, t.name);
          // raw_data is little-endian; so are the typed arrays on every platform Node ships for.
          tensor.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
        });
      }
      for (const v of graph.inputs) g.message(11, (info) => valueInfo(info, v));
      for (const v of graph.outputs) g.message(12, (info) => valueInfo(info, v));
    })
    .message(8, (opset) => opset.string(1, '').int(2, graph.opset))
    .finish();
}
