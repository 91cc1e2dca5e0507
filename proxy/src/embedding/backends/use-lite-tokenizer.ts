/**
 * USE-lite's SentencePiece tokenizer, in linear time. The bundled library's `Tokenizer.encode`
 * copies the rest of the text at every position (`symbols.slice(i)`) before each vocabulary trie
 * walk, which is quadratic: 2,000 characters took ~30 ms and 32,000 characters ~16 s on the
 * embedding thread, blocking every other request's embedding meanwhile. This walks the same trie
 * from each position in place and keeps the library's exact decisions (same Viterbi scores, the
 * same tie-breaking, the same unknown-symbol handling), so the token ids are identical; the tests
 * compare both on varied texts.
 */

/** The library's trie node (fields as `@energetic-ai/embeddings` builds them). */
export interface TrieNodeLike {
  children: Record<string, TrieNodeLike | undefined>;
  end: boolean;
  /** [symbols, score, vocabulary index] */
  word: [string[], number, number];
}

export interface SentencePieceLike {
  trie: { root: TrieNodeLike };
  /** [piece, score] per id. */
  vocabulary: Array<[string, number]>;
}

const SEPARATOR = '\u2581';

/** The library's input normalisation: NFKC, a leading separator, spaces become separators. */
function processInput(text: string): string {
  const normalized = text.normalize('NFKC');
  return normalized.length > 0 ? SEPARATOR + normalized.replace(/ /g, SEPARATOR) : normalized;
}

const longestPiece = new WeakMap<SentencePieceLike, number>();

/**
 * Token ids of `text`, identical to the library's `tokenizer.encode(text)`. With `maxTokens`, only the first
 * `4 × maxTokens × longest piece` UTF-16 units are read (a piece spans ≤ that many symbols, a symbol ≤ 2 units,
 * NFKC joins ≤ 3 into 1 but for rare Greek), whose first `maxTokens` ids are the whole text's: a pasted 200k
 * characters costs what 8k do. Long runs of unknown symbols, one token each, are the exception the semantic
 * cache refuses anyway (inputLimit.ts).
 */
export function encodeLinear(tokenizer: SentencePieceLike, text: string, maxTokens = Number.POSITIVE_INFINITY): number[] {
  const longest = longestPiece.get(tokenizer) ?? Math.max(...tokenizer.vocabulary.map(([piece]) => piece.length));
  longestPiece.set(tokenizer, longest);
  const symbols = Array.from(processInput(text.slice(0, 4 * maxTokens * longest)));
  const n = symbols.length;
  const root = tokenizer.trie.root;
  // Pieces ending at each position, in ascending start order (the order the library's
  // `for…in` over integer keys visits them): start, score, id.
  const ending: number[][] = Array.from({ length: n + 1 }, () => []);
  for (let i = 0; i < n; i++) {
    let node = root.children[symbols[i]!];
    let found = false;
    for (let j = i; j < n && node; j++) {
      if (node.end) {
        ending[j + 1]!.push(i, node.word[1], node.word[2]);
        found = true;
      }
      node = j + 1 < n ? node.children[symbols[j + 1]!] : undefined;
    }
    // No piece starts here: the library's fallback is a one-symbol unknown piece (id 0, score 0).
    if (!found) ending[i + 1]!.push(i, 0, 0);
  }
  const best = new Float64Array(n + 1);
  const words = new Int32Array(n + 1);
  for (let end = 1; end <= n; end++) {
    const pieces = ending[end]!;
    for (let p = 0; p < pieces.length; p += 3) {
      const score = pieces[p + 1]! + best[pieces[p]!]!;
      // `best === 0` doubles as "unset" in the library; kept so ties and zeros resolve the same.
      if (best[end] === 0 || score >= best[end]!) {
        best[end] = score;
        words[end] = pieces[p + 2]!;
      }
    }
  }
  const reversed: number[] = [];
  // Steps back by the piece's length in UTF-16 units, as the library does (vocabulary pieces
  // have no surrogate pairs, so that equals their symbol count).
  for (let at = n; at > 0; at -= tokenizer.vocabulary[words[at]!]![0].length) reversed.push(words[at]!);
  const ids: number[] = [];
  let previousUnknown = false;
  for (const id of reversed) {
    if (!(previousUnknown && id === 0)) ids.push(id);
    previousUnknown = id === 0;
  }
  return ids.reverse();
}
