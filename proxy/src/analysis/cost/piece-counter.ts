/**
 * Token counts for the analyses, with the byte-pair work done once per distinct piece.
 *
 * tiktoken first splits text into pieces with its encoding's pattern (words with their leading
 * space, number groups, punctuation runs, whitespace runs) and byte-pair-encodes each piece on its
 * own, so a text's token count is the sum of its pieces' counts. Prompts repeat the same words, and
 * the rules measure many overlapping texts (a section, then a paragraph of it, then a line with and
 * without a phrase): caching each piece's count makes every later count a pattern scan plus map
 * lookups. The counts are exactly those of `countTextTokens` (test/analysis/piece-counter.test.ts
 * compares them): each piece is counted by its rule (tokens/count.ts textCounter), Gemini's digits too.
 *
 * One counter per counting scheme serves every analysis (`pieceCounterFor`): an edit re-analyses the whole
 * file, and nearly all of its pieces were counted on the previous run. The memo is bounded: a map
 * that reaches its cap is cleared, which costs one re-encode of what is still in use.
 */
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { textCounter } from '../../tokens/count';
import { encodingForModel, type EncodingName } from '../../tokens/encoding';
import { countingScheme } from '../../tokens/models';

const PATTERNS: Record<EncodingName, string> = { o200k_base: o200kBase.pat_str, cl100k_base: cl100kBase.pat_str };

/** Texts at least this long are memoised whole (sections several rules count); shorter ones are cheap to rescan. */
const WHOLE_TEXT_MEMO_MIN = 256;

/**
 * Caps of the shared memo, by entries and by characters held (a pasted run of letters can be one long
 * piece): about 10–20 MB at most.
 */
export interface PieceCounterLimits {
  pieces: number;
  pieceChars: number;
  wholeChars: number;
}
const DEFAULT_LIMITS: PieceCounterLimits = { pieces: 100_000, pieceChars: 2_000_000, wholeChars: 4_000_000 };

export class PieceCounter {
  private readonly pieces = new Map<string, number>();
  private readonly whole = new Map<string, number>();
  private pieceChars = 0;
  private wholeChars = 0;
  private readonly pattern: RegExp;
  private countPiece: ((piece: string) => number) | undefined;

  constructor(
    private readonly model: string,
    private readonly limits: PieceCounterLimits = DEFAULT_LIMITS,
  ) {
    this.pattern = new RegExp(PATTERNS[encodingForModel(model).encoding], 'gu');
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
        c = this.encodePiece(piece);
        if (this.pieces.size >= this.limits.pieces || this.pieceChars + piece.length > this.limits.pieceChars) {
          this.pieces.clear();
          this.pieceChars = 0;
        }
        this.pieces.set(piece, c);
        this.pieceChars += piece.length;
      }
      n += c;
      // An empty match cannot occur with tiktoken's patterns, but never loop on one.
      if (piece.length === 0) re.lastIndex++;
    }
    if (long && text.length <= this.limits.wholeChars) {
      if (this.wholeChars + text.length > this.limits.wholeChars) {
        this.whole.clear();
        this.wholeChars = 0;
      }
      this.whole.set(text, n);
      this.wholeChars += text.length;
    }
    return n;
  }

  private encodePiece(piece: string): number {
    // The piece on its own splits into itself, so counting it alone is its in-context count (a run
    // of digits is split into pieces of up to three, as the digit rule counts it). textCounter counts
    // with countTokens, not encode(): js-tiktoken's merge is quadratic in a piece's length (a pasted
    // DNA sequence or a line of `=` in a prompt file took minutes of the extension host).
    this.countPiece ??= textCounter(this.model);
    return this.countPiece(piece);
  }
}

const shared = new Map<string, PieceCounter>();

/** The process-wide counter for a model's counting scheme (models that share one share its counts). */
export function pieceCounterFor(model: string): PieceCounter {
  const scheme = countingScheme(model);
  let c = shared.get(scheme);
  if (!c) {
    c = new PieceCounter(model);
    shared.set(scheme, c);
  }
  return c;
}
