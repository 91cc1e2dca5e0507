/** A fenced code block: from its opening fence line to the end of its closing one (or of the text). */
export interface FencedBlock {
  start: number;
  end: number;
  /** The info string, lower-cased (`json`, `python`, or ''). */
  info: string;
  bodyStart: number;
  bodyEnd: number;
}

/**
 * Fenced code blocks (``` / ~~~) in a prompt or instruction file. Text inside them is code or data
 * shown to the model — "Please try again" in an HTML sample, `# List all rules` in a shell sample,
 * `{user_id}` in an f-string — not words addressed to the model, so content and formatting rules skip
 * it. Read as CommonMark §4.5 does: an opening run of 3+ backticks or tildes (a backtick fence's info
 * string has no backtick) up to the next bare run of the same character at least as long (a ````
 * block may show ``` samples); an opener with no closer runs to the end of the text — a sample left
 * open at the end of a prompt is still code, and collapsing its spaces would change it. One pass.
 */
export function fencedBlocks(text: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  let open: { at: number; run: string; info: string; bodyStart: number } | undefined;
  let at = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (m) {
      const run = m[1]!;
      if (!open) {
        if (run[0] !== '`' || !m[2]!.includes('`')) open = { at, run, info: m[2]!.trim().toLowerCase(), bodyStart: Math.min(at + line.length + 1, text.length) };
      } else if (run[0] === open.run[0] && run.length >= open.run.length && m[2]!.trim() === '') {
        out.push({ start: open.at, end: at + line.length, info: open.info, bodyStart: open.bodyStart, bodyEnd: at });
        open = undefined;
      }
    }
    at += line.length + 1;
  }
  if (open) out.push({ start: open.at, end: text.length, info: open.info, bodyStart: open.bodyStart, bodyEnd: text.length });
  return out;
}

/** The spans of `fencedBlocks`, sorted and disjoint. */
export function fencedRanges(text: string): Array<[number, number]> {
  return fencedBlocks(text).map((b) => [b.start, b.end]);
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
