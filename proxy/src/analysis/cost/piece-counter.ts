/**
 * Token counts for one analysis, with the byte-pair work done once per distinct piece.
 *
 * tiktoken first splits text into pieces with its encoding's pattern (words with their leading
 * space, number groups, punctuation runs, whitespace runs) and byte-pair-encodes each piece on its
 * own, so a text's token count is the sum of its pieces' counts. Prompts repeat the same words, and
 * the rules measure many overlapping texts (a section, then a paragraph of it, then a line with and
 * without a phrase): caching each piece's count makes every later count a pattern scan plus map
 * lookups. The counts are exactly those of `countTextTokens` (test/analysis/piece-counter.test.ts
 * compares them); the encoder itself is still the shared one from `proxy/src/tokens/`.
 */
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { countTokens } from '../../tokens/bpe';
import { encodingForModel, getEncoder, type EncodingName } from '../../tokens/encoding';

const PATTERNS: Record<EncodingName, string> = { o200k_base: o200kBase.pat_str, cl100k_base: cl100kBase.pat_str };

/** Texts at least this long are memoised whole (sections several rules count); shorter ones are cheap to rescan. */
const WHOLE_TEXT_MEMO_MIN = 256;

export class PieceCounter {
  private readonly pieces = new Map<string, number>();
  private readonly whole = new Map<string, number>();
  private readonly pattern: RegExp;
  private readonly encoding: EncodingName;

  constructor(model: string) {
    this.encoding = encodingForModel(model).encoding;
    this.pattern = new RegExp(PATTERNS[this.encoding], 'gu');
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    const long = text.length >= WHOLE_TEXT_MEMO_MIN;
    if (long) {
      const hit = this.whole.get(text);
      if (hit !== undefined) return hit;
    }
    const re = this.pattern;
    re.lastIndex = 0;
    let n = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const piece = m[0];
      let c = this.pieces.get(piece);
      if (c === undefined) {
        // The piece on its own splits into itself, so encoding it alone is its in-context count.
        // countTokens, not encode(): js-tiktoken's merge is quadratic in a piece's length (a pasted
        // DNA sequence or a line of `=` in a prompt file took minutes of the extension host).
        c = countTokens(getEncoder(this.encoding), piece);
        this.pieces.set(piece, c);
      }
      n += c;
      // An empty match cannot occur with tiktoken's patterns, but never loop on one.
      if (piece.length === 0) re.lastIndex++;
    }
    if (long) this.whole.set(text, n);
    return n;
  }
}
