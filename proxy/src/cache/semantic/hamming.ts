/**
 * Hamming distances from one bit vector to many, in a few hundred bytes of WebAssembly generated
 * here (no file, no dependency): per row, 64-bit XOR + `i64.popcnt` over the row's words, unrolled
 * for the vector width. JavaScript has no popcount, and sqlite-vec's bit KNN costs ~5–6 ms of CPU
 * per 100k rows of 512 bits on the reference host (bench/sections/semantic.bench.ts); this scan
 * costs a fraction of a millisecond. Pure: no I/O.
 *
 * The same pass counts the distances into a histogram (one u32 per possible distance), which is
 * what a top-k selection needs first: in WebAssembly that costs one load and store per row, in
 * JavaScript a second pass over the rows.
 *
 * Memory layout of one scanner (its own WebAssembly memory, grown on demand):
 *   [0, rowBytes)                  the query
 *   [rowsAt, rowsAt + cap·rowBytes) the rows, densely packed in row order
 *   [outAt, outAt + cap·4)          one u32 distance per row (scratch)
 *   [histAt, histAt + (bits+1)·4)   the histogram of distances (scratch)
 *   [pickAt, pickAt + cap·4)        row indices at or below a cut-off distance (scratch)
 */

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** `scan(query, rows, n, out, hist)`: out[r] = popcount(query XOR rows[r]) for r < n, and hist[out[r]]++ (byte addresses). */
function scannerModule(words: number): Uint8Array<ArrayBuffer> {
  const rowBytes = words * 8;
  const I32 = 0x7f;
  const I64 = 0x7e;
  // Params 0–4: query, rows, n, out, hist. Locals: 5 = end, 6… = the query's words, then d.
  const END = 5;
  const QUERY = 6;
  const D = QUERY + words;
  const body: number[] = [0x03, 0x01, I32, ...uleb(words), I64, 0x01, I32];
  // end = rows + n * rowBytes
  body.push(0x20, 1, 0x20, 2, 0x41, ...sleb(rowBytes), 0x6c, 0x6a, 0x21, END);
  // The query's words stay in locals for the whole scan.
  for (let w = 0; w < words; w++) body.push(0x20, 0, 0x29, 3, ...uleb(w * 8), 0x21, ...uleb(QUERY + w));
  body.push(0x02, 0x40, 0x03, 0x40);
  body.push(0x20, 1, 0x20, END, 0x4f, 0x0d, 1); // rows >= end → done
  body.push(0x20, 3); // store address
  for (let w = 0; w < words; w++) {
    body.push(0x20, 1, 0x29, 3, ...uleb(w * 8), 0x20, ...uleb(QUERY + w), 0x85, 0x7b);
    if (w > 0) body.push(0x7c);
  }
  body.push(0xa7, 0x22, ...uleb(D), 0x36, 2, 0); // i32.wrap_i64; local.tee d; i32.store
  // hist[d]++ (d becomes the counter's address)
  body.push(0x20, 4, 0x20, ...uleb(D), 0x41, 2, 0x74, 0x6a, 0x22, ...uleb(D));
  body.push(0x20, ...uleb(D), 0x28, 2, 0, 0x41, 1, 0x6a, 0x36, 2, 0);
  body.push(0x20, 1, 0x41, ...sleb(rowBytes), 0x6a, 0x21, 1);
  body.push(0x20, 3, 0x41, 4, 0x6a, 0x21, 3);
  body.push(0x0c, 0, 0x0b, 0x0b, 0x0b);
  const pick = pickFunction();
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 5, I32, I32, I32, I32, I32, 0, 0x60, 4, I32, I32, I32, I32, 1, I32]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0, 1]),
    ...section(7, [3, ...name('memory'), 2, 0, ...name('scan'), 0, 0, ...name('pick'), 0, 1]),
    ...section(10, [2, ...uleb(body.length), ...body, ...uleb(pick.length), ...pick]),
  ]);
}

/**
 * `pick(out, n, cutoff, dest) → count`: writes the index of every r < n with out[r] ≤ cutoff to
 * dest, in row order (the candidates of a top-k once the histogram gave the cut-off distance).
 */
function pickFunction(): number[] {
  const [OUT, N, CUTOFF, DEST, P, END, COUNT] = [0, 1, 2, 3, 4, 5, 6];
  return [
    0x01, 0x03, 0x7f, // locals: p, end, count (i32)
    0x20, OUT, 0x21, P,
    0x20, OUT, 0x20, N, 0x41, 2, 0x74, 0x6a, 0x21, END, // end = out + n * 4
    0x02, 0x40, 0x03, 0x40,
    0x20, P, 0x20, END, 0x4f, 0x0d, 1, // p >= end → done
    0x20, P, 0x28, 2, 0, 0x20, CUTOFF, 0x4d, // i32.load(p) <= cutoff
    0x04, 0x40,
    0x20, DEST, 0x20, COUNT, 0x41, 2, 0x74, 0x6a, // dest + count * 4
    0x20, P, 0x20, OUT, 0x6b, 0x41, 2, 0x76, // (p - out) / 4
    0x36, 2, 0,
    0x20, COUNT, 0x41, 1, 0x6a, 0x21, COUNT,
    0x0b,
    0x20, P, 0x41, 4, 0x6a, 0x21, P,
    0x0c, 0, 0x0b, 0x0b,
    0x20, COUNT, 0x0b,
  ];
}

const modules = new Map<number, WebAssembly.Module>();

function moduleFor(words: number): WebAssembly.Module {
  let m = modules.get(words);
  if (!m) {
    m = new WebAssembly.Module(scannerModule(words));
    modules.set(words, m);
  }
  return m;
}

const PAGE = 65536;

/** A growable table of equal-width bit vectors with one-to-all Hamming distances. */
export class HammingRows {
  readonly rowBytes: number;
  private readonly memory: WebAssembly.Memory;
  private readonly scanFn: (query: number, rows: number, n: number, out: number, hist: number) => void;
  private readonly pickFn: (out: number, n: number, cutoff: number, dest: number) => number;
  /** Possible distances: 0 … the width in bits. */
  private readonly histLength: number;
  private readonly rowsAt: number;
  private capacity = 0;
  private count = 0;

  constructor(bytes: number) {
    if (!Number.isInteger(bytes) || bytes <= 0) throw new Error(`bad bit-vector width ${bytes} bytes`);
    const words = Math.ceil(bytes / 8);
    this.rowBytes = words * 8;
    const instance = new WebAssembly.Instance(moduleFor(words));
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.scanFn = instance.exports.scan as (query: number, rows: number, n: number, out: number, hist: number) => void;
    this.pickFn = instance.exports.pick as (out: number, n: number, cutoff: number, dest: number) => number;
    this.histLength = this.rowBytes * 8 + 1;
    this.rowsAt = Math.ceil(this.rowBytes / 64) * 64;
    this.reserve(16);
  }

  get size(): number {
    return this.count;
  }

  private get outAt(): number {
    return this.rowsAt + this.capacity * this.rowBytes;
  }

  private get histAt(): number {
    return this.outAt + this.capacity * 4;
  }

  private get pickAt(): number {
    return this.histAt + this.histLength * 4;
  }

  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2);
    const need = this.rowsAt + capacity * (this.rowBytes + 8) + this.histLength * 4;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    this.capacity = capacity;
  }

  /** Writes `bits` (shorter input is zero-padded to whole 64-bit words) into row `at`. */
  private write(at: number, bits: Uint8Array): void {
    const bytes = new Uint8Array(this.memory.buffer, at, this.rowBytes);
    bytes.fill(0);
    bytes.set(bits.subarray(0, this.rowBytes));
  }

  /** Appends a row; returns its index. */
  push(bits: Uint8Array): number {
    this.reserve(this.count + 1);
    this.write(this.rowsAt + this.count * this.rowBytes, bits);
    return this.count++;
  }

  /** Removes row `index` by moving the last row into it; returns the index that moved (or -1). */
  swapRemove(index: number): number {
    const last = this.count - 1;
    if (index < 0 || index > last) throw new RangeError(`row ${index} of ${this.count}`);
    if (index !== last) {
      const mem = new Uint8Array(this.memory.buffer);
      const from = this.rowsAt + last * this.rowBytes;
      mem.copyWithin(this.rowsAt + index * this.rowBytes, from, from + this.rowBytes);
    }
    this.count = last;
    return index !== last ? last : -1;
  }

  /**
   * Hamming distance from `query` to every row, in row order, and how many rows are at each
   * distance (views valid until the next call).
   */
  scan(query: Uint8Array): { distance: Uint32Array; histogram: Uint32Array } {
    this.write(0, query);
    const histogram = new Uint32Array(this.memory.buffer, this.histAt, this.histLength);
    histogram.fill(0);
    this.scanFn(0, this.rowsAt, this.count, this.outAt, this.histAt);
    return { distance: new Uint32Array(this.memory.buffer, this.outAt, this.count), histogram };
  }

  /** Indices of the rows the last `scan` put at distance ≤ `cutoff`, in row order (a view valid until the next call). */
  within(cutoff: number): Uint32Array {
    const count = this.pickFn(this.outAt, this.count, cutoff, this.pickAt);
    return new Uint32Array(this.memory.buffer, this.pickAt, count);
  }
}
