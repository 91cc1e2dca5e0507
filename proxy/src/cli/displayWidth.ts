/**
 * Terminal columns a text takes, so CLI tables line up whatever script their names are in: padding
 * by `.length` pushed every column after a CJK or emoji name out of line. Per grapheme cluster (one
 * cursor step): 2 for an emoji shown as one (UTS #51: default emoji presentation, VS16, a flag, a ZWJ
 * sequence) or a Wide/Fullwidth character (UAX #11 East Asian Width), 0 for marks alone, else 1.
 */
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// UAX #11's W and F ranges outside emoji (EastAsianWidth.txt): Hangul Jamo leads, CJK radicals
// through Yi, Hangul Jamo Extended-A and syllables, CJK compatibility ideographs, vertical and small
// forms, fullwidth forms, kana supplements, enclosed ideographs, the ideographic planes 2 and 3.
const WIDE = /^[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{1b000}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{3fffd}]/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Emoji}\ufe0f/u;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;

export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of GRAPHEMES.segment(text)) width += EMOJI.test(segment) || WIDE.test(segment) ? 2 : ZERO.test(segment) ? 0 : 1;
  return width;
}

/** `text` padded with spaces to `width` columns (String#padEnd counts UTF-16 units). */
export function padColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
