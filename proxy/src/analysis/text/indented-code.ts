/**
 * Indented code blocks of a Markdown prompt, as CommonMark 0.31.2 reads them (§4.4): lines indented by
 * four or more columns (§2.2: a tab advances to the next multiple of 4) that do not continue a
 * paragraph — "an indented code block cannot interrupt a paragraph" — and are not the continuation
 * of a list item (§5.2: a line indented to the item's content column belongs to the item; "the list
 * item interpretation takes precedence"). In a prompt an indented line is most often such a
 * continuation, which is prose addressed to the model; only the rest is a code sample.
 */
import { fencedRanges, indentOf, inFence, itemContentColumn, LIST_MARKER, mergeSpans } from './fences';

/** Lines that end a paragraph instead of continuing it (§4.1 thematic break, §4.2 ATX heading, §5.1 block quote). */
const BLOCK_START = /^(?:#{1,6}(?:[ \t]|$)|(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$|>)/;

/** §5.2: a list interrupts a paragraph only with a non-empty item, and an ordered one only when it starts at 1. */
function interruptsParagraph(rest: string): boolean {
  const m = LIST_MARKER.exec(rest);
  return !!m && rest.trim() !== m[0] && (/^[-+*]$/.test(m[0]) || /^1[.)]$/.test(m[0]));
}

/** An XML-style tag: `<context>`, `<document index="1">`, `</context>` (a self-closing one opens nothing). */
const TAG = /<(\/?)([A-Za-z][\w.:-]*)(?:\s[^<>]*)?(\/?)>/g;

/**
 * Applies `line`'s tags to the open `<tag>`…`</tag>` sections (innermost last); whether it opened one.
 * Only a tag closed later in the text, outside a fenced sample, opens a section (a stray `<br>`, or
 * `<details>` named in prose and closed only in an HTML sample, does not swallow the rest of the
 * file): `lastClose` holds where each name's last closer is.
 */
function applyTags(line: string, start: number, open: string[], lastClose: ReadonlyMap<string, number>): boolean {
  let opened = false;
  for (const m of line.matchAll(TAG)) {
    const [, closing, name, selfClosing] = m;
    const i = closing ? open.lastIndexOf(name!) : -1;
    if (i >= 0) open.length = i;
    else if (!closing && !selfClosing && (lastClose.get(name!) ?? -1) > start + m.index) opened = open.push(name!) > 0;
  }
  return opened;
}

/** [start, end) spans of indented code blocks in `text`, outside its fenced ones (`fences`) and its `<tag>` sections. */
export function indentedCodeRanges(text: string, fences: ReadonlyArray<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  // Content columns of the open list items, innermost last.
  const items: number[] = [];
  let paragraph = false;
  let block: [number, number] | undefined;
  let at = 0;
  // The model reads the file as raw text, where tags delimit prose: CommonMark ends such an HTML block
  // at a blank line and reads an indented line after it as code, so a tagged section's instructions
  // went unlinted. Open sections, innermost last; a line inside one, or opening one, is never code.
  const sections: string[] = [];
  const lastClose = new Map<string, number>();
  for (const m of text.matchAll(TAG)) if (m[1] && !inFence(fences, m.index)) lastClose.set(m[2]!, m.index);
  for (const line of text.split('\n')) {
    const start = at;
    at += line.length + 1;
    const { columns, at: textAt } = indentOf(line);
    const rest = line.slice(textAt);
    if (rest === '') {
      // Blank lines end a paragraph; inside a code block they belong to it only if code follows.
      paragraph = false;
      continue;
    }
    if (inFence(fences, start)) {
      paragraph = false;
      if (block) out.push(block);
      block = undefined;
      continue;
    }
    const base = () => items[items.length - 1] ?? 0;
    // A tag on a line that is itself code (an indented HTML sample) opens nothing.
    const inside = sections.length > 0;
    const tagged = ((inside || columns - base() < 4) && applyTags(line, start, sections, lastClose)) || inside;
    // A paragraph continues through any line that does not start another block (a "lazy" line).
    if (paragraph && !(columns - base() < 4 && (BLOCK_START.test(rest) || interruptsParagraph(rest)))) continue;
    // A line less indented than an item's content ends that item (the paragraph case was handled above).
    while (items.length > 0 && columns < base()) items.pop();
    if (columns - base() >= 4 && !tagged) {
      if (block) block[1] = start + line.length;
      else block = [start, start + line.length];
      continue;
    }
    if (block) out.push(block);
    block = undefined;
    const marker = BLOCK_START.test(rest) ? null : LIST_MARKER.exec(rest);
    if (marker) {
      items.push(itemContentColumn(columns, rest, marker[0]));
      paragraph = rest.trim() !== marker[0];
      continue;
    }
    paragraph = !BLOCK_START.test(rest) || rest.startsWith('>');
  }
  if (block) out.push(block);
  return out;
}

/**
 * Code blocks a content rule skips: fenced ones in any prompt text, and in Markdown also indented
 * ones (a `.txt` template or MDX — which has no indented code — keeps its indentation as prose).
 */
export function codeRanges(text: string, markdown: boolean | undefined): Array<[number, number]> {
  const fences = fencedRanges(text, markdown);
  return markdown ? mergeSpans([...fences, ...indentedCodeRanges(text, fences)]) : fences;
}
