/**
 * Token counts with js-tiktoken's pieces and ranks, without its quadratic merge. js-tiktoken merges
 * a piece by rescanning every adjacent pair after each merge (building a string key per pair): a
 * piece of 500 identical letters took 0.2 s, 16,000 took 80 s, and a pasted DNA sequence, a line of
 * `=` or a run of one letter in a long document never finished, holding up every count queued
 * behind it in the token worker. The same merges (lowest rank first, leftmost on ties) are done here
 * with a heap, so the count is the one js-tiktoken gives, in O(n log n) per piece.
 */
import type { Tiktoken } from 'js-tiktoken/lite';

/** The encoder's fields this reads: its split pattern and its ranks keyed by comma-joined bytes. */
interface EncoderInternals {
  patStr?: unknown;
  rankMap?: unknown;
}

/**
 * Pieces up to this many bytes are merged as js-tiktoken does (no heap to build). Kept short: the
 * quadratic merge of a 36-byte CJK run (12 characters between punctuation) or a German compound
 * made a Chinese or German document count 3–4 times slower than English text of the same length.
 */
const SHORT_PIECE = 16;

const longestTokens = new WeakMap<Map<string, number>, number>();

/** The byte length of the longest token: a longer span is never a token, so it is not looked up. */
function longestToken(ranks: Map<string, number>): number {
  let longest = longestTokens.get(ranks);
  if (longest === undefined) {
    longest = 1;
    for (const k of ranks.keys()) {
      let bytes = 1;
      for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) === 44 /* , */) bytes++;
      if (bytes > longest) longest = bytes;
    }
    longestTokens.set(ranks, longest);
  }
  return longest;
}

/** js-tiktoken's own merge, counting the parts: quadratic, used for short pieces only. */
function shortMergeCount(piece: Uint8Array, ranks: Map<string, number>): number {
  const starts: number[] = [];
  for (let i = 0; i <= piece.length; i++) starts.push(i);
  while (starts.length > 2) {
    let minRank = -1;
    let at = -1;
    for (let i = 0; i < starts.length - 2; i++) {
      const rank = ranks.get(piece.subarray(starts[i]!, starts[i + 2]!).join(','));
      if (rank !== undefined && (minRank < 0 || rank < minRank)) {
        minRank = rank;
        at = i;
      }
    }
    if (at < 0) break;
    starts.splice(at + 1, 1);
  }
  return starts.length - 1;
}

/** The same merges with a heap of candidate pairs keyed (rank, start): min rank, leftmost on ties. */
function heapMergeCount(piece: Uint8Array, ranks: Map<string, number>): number {
  const n = piece.length;
  const longest = longestToken(ranks);
  // Parts are identified by their first byte; `end` of a part, neighbours, and whether it still exists.
  const end = new Int32Array(n);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    end[i] = i + 1;
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  // A binary heap of pairs: key = rank * 2^32 + start (exact in a double), and the pair's end.
  const keys: number[] = [];
  const spans: number[] = [];
  const push = (key: number, span: number) => {
    let i = keys.length;
    keys.push(key);
    spans.push(span);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      spans[i] = spans[p]!;
      i = p;
    }
    keys[i] = key;
    spans[i] = span;
  };
  const pop = (): void => {
    const lastKey = keys.pop()!;
    const lastSpan = spans.pop()!;
    if (keys.length === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= keys.length) break;
      if (c + 1 < keys.length && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= lastKey) break;
      keys[i] = keys[c]!;
      spans[i] = spans[c]!;
      i = c;
    }
    keys[i] = lastKey;
    spans[i] = lastSpan;
  };
  const consider = (i: number) => {
    const j = next[i]!;
    if (j < 0 || end[j]! - i > longest) return;
    const rank = ranks.get(piece.subarray(i, end[j]!).join(','));
    if (rank !== undefined) push(rank * 4294967296 + i, end[j]!);
  };
  for (let i = 0; i < n - 1; i++) consider(i);
  let parts = n;
  while (keys.length > 0) {
    const i = keys[0]! % 4294967296;
    const span = spans[0]!;
    pop();
    const j = next[i]!;
    // Stale: a merge since this pair was queued changed one of its parts (ends only grow).
    if (!alive[i] || j < 0 || end[j] !== span) continue;
    end[i] = end[j]!;
    alive[j] = 0;
    next[i] = next[j]!;
    if (next[j]! >= 0) prev[next[j]!] = i;
    parts--;
    consider(i);
    if (prev[i]! >= 0) consider(prev[i]!);
  }
  return parts;
}

/** Tokens of one regex piece's bytes. */
function pieceTokens(piece: Uint8Array, ranks: Map<string, number>): number {
  if (piece.length <= 1 || ranks.has(piece.join(','))) return 1;
  return piece.length <= SHORT_PIECE ? shortMergeCount(piece, ranks) : heapMergeCount(piece, ranks);
}

const encoder = new TextEncoder();

/** `enc.encode(text, [], []).length`, in O(n log n) for any text. */
export function countTokens(enc: Tiktoken, text: string): number {
  if (text.length === 0) return 0;
  const { patStr, rankMap } = enc as unknown as EncoderInternals;
  // Another js-tiktoken whose internals moved: its own encode (correct, if slow on long runs).
  if (typeof patStr !== 'string' || !(rankMap instanceof Map)) return enc.encode(text, [], []).length;
  const ranks = rankMap as Map<string, number>;
  let n = 0;
  for (const m of text.matchAll(new RegExp(patStr, 'ug'))) n += pieceTokens(encoder.encode(m[0]), ranks);
  return n;
}
