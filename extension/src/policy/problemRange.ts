/**
 * Where to put the squiggle for a policy problem: the proxy reports 1-based line and column; the
 * editor wants a 0-based range. The range covers the token at that column (to the end of the
 * line's value when the column points at a key), so the mark is visible but not a whole block. Pure.
 */
export interface ProblemRange {
  line: number;
  start: number;
  end: number;
}

export function problemRange(p: { line: number; column: number }, lines: readonly string[]): ProblemRange {
  const line = Math.max(0, Math.min(p.line - 1, Math.max(0, lines.length - 1)));
  const text = lines[line] ?? '';
  let start = Math.max(0, Math.min(p.column - 1, text.length));
  // Column 1 of an indented line: start at its first non-blank character.
  if (start === 0) start = text.length - text.trimStart().length;
  const rest = text.slice(start).replace(/\s+#.*$/, '').trimEnd();
  const end = rest.length > 0 ? start + rest.length : Math.min(text.length, start + 1);
  return { line, start, end: Math.max(end, start + 1) };
}
