/** Paragraphs and sentences of prompt text, with offsets into that text. */
export interface Segment {
  start: number;
  end: number;
  text: string;
}

/**
 * Paragraphs are separated by blank lines; each segment excludes the surrounding whitespace.
 * A line break is LF, CRLF or a lone CR (as VS Code counts them): an instruction file saved with
 * Windows line endings is compared with its LF siblings paragraph by paragraph, not as one block.
 */
export function paragraphs(text: string): Segment[] {
  const out: Segment[] = [];
  const sep = /(?:\r\n?|\n)[ \t]*(?:\r\n?|\n)(?:[ \t]*(?:\r\n?|\n))*/g;
  let at = 0;
  const push = (a: number, b: number) => {
    const raw = text.slice(a, b);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed) out.push({ start: a + lead, end: a + lead + trimmed.length, text: trimmed });
  };
  for (const m of text.matchAll(sep)) {
    push(at, m.index);
    at = m.index + m[0].length;
  }
  push(at, text.length);
  return out;
}

/**
 * Sentences end with . ! ? (or Arabic ؟, Devanagari ।) followed by space or end, with a full-width
 * 。！？ (Chinese and Japanese put no space after one), or at a line break.
 */
export function sentences(p: Segment): Segment[] {
  const out: Segment[] = [];
  for (const m of p.text.matchAll(/[^.!?؟।。！？\n]+(?:[.!?؟।]+(?=\s|$)|[。！？]+|(?=\n)|$)/g)) {
    const raw = m[0];
    const lead = raw.length - raw.trimStart().length;
    const t = raw.trim();
    if (t) out.push({ start: p.start + m.index + lead, end: p.start + m.index + lead + t.length, text: t });
  }
  return out;
}

/**
 * Invisible characters that carry no meaning (zero-width space, word joiner, a stray byte-order mark,
 * soft hyphen): pasted from web pages and chat apps, they made a copy of a line compare unequal.
 * (Zero-width joiners are kept: emoji sequences and Indic and Persian spelling use them.)
 */
const INVISIBLE = /[\u200b\u2060\ufeff\u00ad]/g;

/**
 * The key two copies of a text share. NFC first: a line typed on one machine (é as one character)
 * and pasted from another (e + a combining accent, as macOS file names and some PDFs give it) is
 * the same text and reads the same to the model.
 */
export function normalise(s: string): string {
  return s.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Han and kana are written without spaces: about two characters make a word. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/**
 * Thai, Lao, Khmer and Myanmar put no spaces between words either, and their words are longer than
 * two characters: a dictionary segmenter counts them ("ตอบสั้นๆและสุภาพไม่เกินสามประโยค", "answer
 * briefly and politely in at most three sentences", is 8 words, not 1).
 */
const SOUTHEAST_ASIAN = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
let wordSegmenter: Intl.Segmenter | null | undefined;

/** Word-like segments of one space-free run, or undefined where the runtime has no segmenter. */
function segmentedWords(w: string): number | undefined {
  if (wordSegmenter === undefined) wordSegmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
  if (!wordSegmenter) return undefined;
  let n = 0;
  for (const seg of wordSegmenter.segment(w)) if (seg.isWordLike) n++;
  return n;
}

/** Words in any script (not only ASCII ones: an Arabic or Chinese instruction is as long as an English one). */
export function wordCount(s: string): number {
  let n = 0;
  for (const w of s.split(/\s+/)) {
    const unspaced = w.match(UNSPACED)?.length ?? 0;
    const segmented = SOUTHEAST_ASIAN.test(w) ? segmentedWords(w) : undefined;
    if (segmented !== undefined) n += segmented;
    else if (unspaced > 0) n += Math.ceil(unspaced / 2) + (/[\p{L}\p{N}]/u.test(w.replace(UNSPACED, '')) ? 1 : 0);
    else if (/[\p{L}\p{N}_]/u.test(w)) n++;
  }
  return n;
}
