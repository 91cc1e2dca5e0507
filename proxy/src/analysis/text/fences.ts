/** A fenced code block: from its opening fence line to the end of its closing one (or of the text). */
export interface FencedBlock {
  start: number;
  end: number;
  /** The info string, lower-cased (`json`, `python`, or ''). */
  info: string;
  bodyStart: number;
  bodyEnd: number;
}

/** Columns of leading whitespace (CommonMark §2.2: a tab advances to the next multiple of 4) and where the text starts. */
export function indentOf(line: string): { columns: number; at: number } {
  let columns = 0;
  let at = 0;
  for (; at < line.length; at++) {
    if (line[at] === ' ') columns++;
    else if (line[at] === '\t') columns += 4 - (columns % 4);
    else break;
  }
  return { columns, at };
}

/** A list marker (§5.2: `-`, `+`, `*`, or 1–9 digits and `.` / `)`) followed by a space, a tab or the line end. */
export const LIST_MARKER = /^([-+*]|\d{1,9}[.)])(?=[ \t]|$)/;

/** A list item's content column (§5.2): after the marker and 1–4 spaces; with none or 5+, one column after it. */
export function itemContentColumn(columns: number, rest: string, marker: string): number {
  const after = indentOf(rest.slice(marker.length)).columns;
  return columns + marker.length + (after >= 1 && after <= 4 && rest.trim() !== marker ? after : 1);
}

/**
 * Fenced code blocks (``` / ~~~) in a prompt or instruction file. Text inside them is code or data
 * shown to the model — "Please try again" in an HTML sample, `# List all rules` in a shell sample,
 * `{user_id}` in an f-string — not words addressed to the model, so content and formatting rules skip
 * it. Read as CommonMark §4.5 does: an opening run of 3+ backticks or tildes (a backtick fence's info
 * string has no backtick) up to the next bare run of the same character at least as long (a ````
 * block may show ``` samples); an opener with no closer runs to the end of the text — a sample left
 * open at the end of a prompt is still code, and collapsing its spaces would change it. One pass.
 * A run indented 4+ columns past the opener is the sample's text, not its closer (a Markdown sample
 * with an indented ``` block ended the outer one there, and its real closer opened a fence that hid
 * the rest of the file). In `markdown`, an opener indented 4+ columns past the list item holding it
 * (or the margin) is indented code or paragraph text, and an unclosed ``` shown that way hid the rest.
 */
export function fencedBlocks(text: string, markdown = false): FencedBlock[] {
  const out: FencedBlock[] = [];
  let open: { at: number; run: string; info: string; bodyStart: number; indent: number } | undefined;
  // Markdown: the list items that may hold the next line (each less indented than the last); the
  // innermost one whose text column the line reaches is the margin an opener is measured from.
  const items: Array<{ indent: number; content: number }> = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const { columns, at: textAt } = indentOf(line);
    const rest = line.slice(textAt);
    const m = /^(`{3,}|~{3,})(.*)$/.exec(rest);
    if (open) {
      if (m && m[1]![0] === open.run[0] && m[1]!.length >= open.run.length && m[2]!.trim() === '' && columns - open.indent < 4) {
        out.push({ start: open.at, end: at + line.length, info: open.info, bodyStart: open.bodyStart, bodyEnd: at });
        open = undefined;
      }
    } else if (rest !== '') {
      while ((items[items.length - 1]?.indent ?? -1) >= columns) items.pop();
      const margin = items.findLast((i) => i.content <= columns)?.content ?? 0;
      const marker = LIST_MARKER.exec(rest)?.[0];
      if (m && (m[1]![0] !== '`' || !m[2]!.includes('`')) && (!markdown || columns - margin < 4))
        open = { at, run: m[1]!, info: m[2]!.trim().toLowerCase(), bodyStart: Math.min(at + line.length + 1, text.length), indent: columns };
      else if (markdown && marker !== undefined) items.push({ indent: columns, content: itemContentColumn(columns, rest, marker) });
    }
    at += line.length + 1;
  }
  if (open) out.push({ start: open.at, end: text.length, info: open.info, bodyStart: open.bodyStart, bodyEnd: text.length });
  return out;
}

/** The spans of `fencedBlocks`, sorted and disjoint. */
export function fencedRanges(text: string, markdown = false): Array<[number, number]> {
  return fencedBlocks(text, markdown).map((b) => [b.start, b.end]);
}

/**
 * Whether `offset` lies in one of `spans`, which are sorted and disjoint (as `fencedRanges` and
 * `mergeSpans` return them). A binary search: the rules ask once per line and paragraph, and a
 * scan of every fence per line made a long file with many code samples quadratic.
 */
export function inFence(spans: ReadonlyArray<[number, number]>, offset: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![1] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && spans[lo]![0] <= offset;
}

/** Union of possibly nested spans (an "Examples" section holding "Example 1"), so nothing counts twice. */
export function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}
