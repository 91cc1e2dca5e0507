/**
 * A long text cut into parts whose token counts add up to the whole text's count, so a count can
 * be done a part at a time (the token worker answers other calls in between). tiktoken's patterns
 * (cl100k and o200k alike) never put a space inside a piece except as its first character or in a
 * run of whitespace, and have no look-behind: before a space that follows a non-space and precedes
 * a non-space, one piece always ends and the next begins, whatever comes before.
 */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0x85 || c === 0x1680 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0xfeff;

/**
 * Text without spaces (Chinese, Japanese) is cut before a CJK punctuation mark (、。，：；！？ and the
 * other fullwidth forms) that follows a letter: a piece that holds a letter holds only letters and marks
 * (and a contraction's apostrophe), so one ends there. Cut at spaces alone, a 200k-character Chinese
 * prompt was one part, and every count queued behind it waited the seconds it took.
 */
const CJK_PUNCTUATION = /[\u3001-\u3003\u3008-\u3011\uff01-\uff0f\uff1a-\uff20]/;
const LETTER = /\p{L}/u;

/** Parts of about `size` characters or more (a part ends only at a piece boundary: a run without one stays whole). */
export function countingChunks(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const parts: string[] = [];
  let start = 0;
  let i = start + size;
  while (i < text.length - 1) {
    const space = text.charCodeAt(i) === 32;
    if (space ? !isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i + 1)) : CJK_PUNCTUATION.test(text[i]!) && LETTER.test(text[i - 1]!)) {
      parts.push(text.slice(start, i));
      start = i;
      i = start + size;
    } else i++;
  }
  parts.push(text.slice(start));
  return parts;
}
