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
 * Pieces up to this many bytes are merged by rescanning their pairs (no heap to build). Kept short:
 * the quadratic merge of a 36-byte CJK run (12 characters between punctuation) or a German compound
 * made a Chinese or German document count 3–4 times slower than English text of the same length.
 */
const SHORT_PIECE = 16;

/**
 * Pair ranks are cached by the ranks of the two parts: every part is a token (a single byte, or an
 * earlier merge), and its bytes decide the merged bytes. Building a comma-joined key for every
 * candidate pair was most of the cost of a CJK or emoji document, whose pieces run to dozens of
 * bytes (3–4 per character) that all merge pairwise. The cache is direct-mapped (a colliding pair
 * replaces the one before), so its memory is fixed however much text is counted.
 */
const CACHE_BITS = 18;
const NO_TOKEN = -1;

interface PairRanks {
  /** Rank of each single byte. */
  byte: Int32Array;
  /** Per slot: the pair's left and right part ranks (left −1: empty) and the rank of both, or NO_TOKEN. */
  left: Int32Array;
  right: Int32Array;
  rank: Int32Array;
}

const pairRanksOf = new WeakMap<Map<string, number>, PairRanks | null>();

/** The cache for `ranks`, or null when some byte is not a token (then parts cannot be keyed by rank). */
function pairRanksFor(ranks: Map<string, number>): PairRanks | null {
  let cached = pairRanksOf.get(ranks);
  if (cached === undefined) {
    const byte = Int32Array.from({ length: 256 }, (_, b) => ranks.get(String(b)) ?? NO_TOKEN);
    const slots = 1 << CACHE_BITS;
    cached = byte.includes(NO_TOKEN) ? null : { byte, left: new Int32Array(slots).fill(-1), right: new Int32Array(slots), rank: new Int32Array(slots) };
    pairRanksOf.set(ranks, cached);
  }
  return cached;
}

/** Rank of the part `piece[start, end)` made of the parts ranked `left` and `right`, or NO_TOKEN. */
function pairRank(cache: PairRanks, left: number, right: number, piece: Uint8Array, start: number, end: number, ranks: Map<string, number>): number {
  const slot = Math.imul(left ^ Math.imul(right, 0x85ebca6b), 0x9e3779b1) >>> (32 - CACHE_BITS);
  if (cache.left[slot] === left && cache.right[slot] === right) return cache.rank[slot]!;
  const rank = ranks.get(piece.subarray(start, end).join(',')) ?? NO_TOKEN;
  cache.left[slot] = left;
  cache.right[slot] = right;
  cache.rank[slot] = rank;
  return rank;
}

/** The merge js-tiktoken does, counting the parts: quadratic, used for short pieces only. */
function shortMergeCount(piece: Uint8Array, ranks: Map<string, number>, cache: PairRanks): number {
  // Part k starts at starts[k] and ends where part k + 1 starts.
  const starts = Array.from({ length: piece.length + 1 }, (_, i) => i);
  const parts = Array.from(piece, (b) => cache.byte[b]!);
  while (parts.length > 1) {
    let minRank = NO_TOKEN;
    let at = -1;
    for (let i = 0; i < parts.length - 1; i++) {
      const rank = pairRank(cache, parts[i]!, parts[i + 1]!, piece, starts[i]!, starts[i + 2]!, ranks);
      if (rank !== NO_TOKEN && (minRank === NO_TOKEN || rank < minRank)) {
        minRank = rank;
        at = i;
      }
    }
    if (at < 0) break;
    parts.splice(at, 2, minRank);
    starts.splice(at + 1, 1);
  }
  return parts.length;
}

/**
 * The heap merge's per-part arrays, kept from one piece to the next: allocating five typed arrays per
 * piece was a quarter of a CJK document's count (every 10–30-character run is a piece of its own).
 * Pieces longer than this get arrays of their own, so a pasted blob's are not held for good.
 */
const REUSED_PART_ARRAYS = 4_096;
const partArrays = (n: number) => ({ end: new Int32Array(n), rankOf: new Int32Array(n), next: new Int32Array(n), prev: new Int32Array(n), alive: new Uint8Array(n) });
const reused = partArrays(REUSED_PART_ARRAYS);

/** The same merges with a heap of candidate pairs keyed (rank, start): min rank, leftmost on ties. */
function heapMergeCount(piece: Uint8Array, ranks: Map<string, number>, cache: PairRanks): number {
  const n = piece.length;
  // Parts are identified by their first byte; `end` of a part, its rank, neighbours, and whether it still exists.
  const { end, rankOf, next, prev, alive } = n <= REUSED_PART_ARRAYS ? reused : partArrays(n);
  alive.fill(1, 0, n);
  for (let i = 0; i < n; i++) {
    end[i] = i + 1;
    rankOf[i] = cache.byte[piece[i]!]!;
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
    if (j < 0) return;
    const rank = pairRank(cache, rankOf[i]!, rankOf[j]!, piece, i, end[j]!, ranks);
    if (rank !== NO_TOKEN) push(rank * 4294967296 + i, end[j]!);
  };
  for (let i = 0; i < n - 1; i++) consider(i);
  let parts = n;
  while (keys.length > 0) {
    const i = keys[0]! % 4294967296;
    const rank = Math.floor(keys[0]! / 4294967296);
    const span = spans[0]!;
    pop();
    const j = next[i]!;
    // Stale: a merge since this pair was queued changed one of its parts (ends only grow).
    if (!alive[i] || j < 0 || end[j] !== span) continue;
    end[i] = end[j]!;
    rankOf[i] = rank;
    alive[j] = 0;
    next[i] = next[j]!;
    if (next[j]! >= 0) prev[next[j]!] = i;
    parts--;
    consider(i);
    if (prev[i]! >= 0) consider(prev[i]!);
  }
  return parts;
}

/**
 * Tokens of one regex piece's bytes. A short piece that is a token whole (most words) is one lookup;
 * a longer one is merged without keying it whole (a CJK run is rarely a token, and its key was an
 * eighth of its count): merging a token's bytes gives that token back, for every token of both
 * encodings (test/tokens/non-latin-scripts.test.ts), so the count is the same.
 */
function pieceTokens(piece: Uint8Array, ranks: Map<string, number>, cache: PairRanks): number {
  if (piece.length <= SHORT_PIECE) return piece.length <= 1 || ranks.has(piece.join(',')) ? 1 : shortMergeCount(piece, ranks, cache);
  return heapMergeCount(piece, ranks, cache);
}

const encoder = new TextEncoder();

/** `enc.encode(text, [], []).length`, in O(n log n) for any text. */
export function countTokens(enc: Tiktoken, text: string): number {
  if (text.length === 0) return 0;
  const { patStr, rankMap } = enc as unknown as EncoderInternals;
  const cache = rankMap instanceof Map ? pairRanksFor(rankMap as Map<string, number>) : null;
  // Another js-tiktoken whose internals moved: its own encode (correct, if slow on long runs).
  if (typeof patStr !== 'string' || cache === null) return enc.encode(text, [], []).length;
  const ranks = rankMap as Map<string, number>;
  let n = 0;
  for (const m of text.matchAll(new RegExp(patStr, 'ug'))) n += pieceTokens(encoder.encode(m[0]), ranks, cache);
  return n;
}
