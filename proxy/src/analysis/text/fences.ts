/**
 * Fenced code blocks (``` / ~~~) in a prompt or instruction file. Text inside them is code or data
 * shown to the model — "Please try again" in an HTML sample, `# List all rules` in a shell sample,
 * `{user_id}` in an f-string — not words addressed to the model, so content rules skip it.
 */
export function fencedRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let open = -1;
  let at = 0;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      if (open < 0) open = at;
      else {
        out.push([open, at + line.length]);
        open = -1;
      }
    }
    at += line.length + 1;
  }
  if (open >= 0) out.push([open, text.length]);
  return out;
}

export function inFence(fences: ReadonlyArray<[number, number]>, offset: number): boolean {
  return fences.some(([a, b]) => offset >= a && offset < b);
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
