/**
 * Fenced code blocks (``` / ~~~) in a prompt or instruction file. Text inside them is code or data
 * shown to the model — "Please try again" in an HTML sample, `# List all rules` in a shell sample,
 * `{user_id}` in an f-string — not words addressed to the model, so content rules skip it.
 */
export function fencedRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  // The open fence: where it starts, and its run of backticks or tildes. As in CommonMark, only a bare
  // run of the same character at least as long closes it (a ```` block may show ``` samples).
  let open: { at: number; run: string } | undefined;
  let at = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (m) {
      const run = m[1]!;
      if (!open) {
        if (run[0] !== '`' || !m[2]!.includes('`')) open = { at, run };
      } else if (run[0] === open.run[0] && run.length >= open.run.length && m[2]!.trim() === '') {
        out.push([open.at, at + line.length]);
        open = undefined;
      }
    }
    at += line.length + 1;
  }
  if (open) out.push([open.at, text.length]);
  return out;
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
