/**
 * The text a prompt constant ends up with after the wrappers projects put around multi-line
 * literals: `.strip()` / `.trim()`, `textwrap.dedent`, `inspect.cleandoc`, the `dedent` package.
 * Counting the literal as written would count indentation and blank lines that are never sent.
 */

/** `str.strip()` / `String.prototype.trim()` and their one-sided forms. */
export function stripText(text: string, side: 'both' | 'start' | 'end'): string {
  if (side === 'start') return text.replace(/^\s+/, '');
  if (side === 'end') return text.replace(/\s+$/, '');
  return text.trim();
}

/** Python's `textwrap.dedent`: removes the common leading whitespace; whitespace-only lines become empty. */
export function pythonDedent(text: string): string {
  const lines = text.split('\n').map((l) => (/^[ \t]*$/.test(l) ? '' : l));
  let margin: string | undefined;
  for (const l of lines) {
    if (l === '') continue;
    const indent = /^[ \t]*/.exec(l)![0];
    if (margin === undefined) margin = indent;
    else {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
  }
  const m = margin?.length ?? 0;
  return m ? lines.map((l) => l.slice(m)).join('\n') : lines.join('\n');
}

/** Python's `inspect.cleandoc`: dedents all lines but the first, strips the first, drops blank lines at both ends. */
export function pythonCleandoc(text: string): string {
  const lines = text.replaceAll('\t', '        ').split('\n');
  let margin = Number.POSITIVE_INFINITY;
  for (const l of lines.slice(1)) {
    const content = l.replace(/^\s+/, '');
    if (content) margin = Math.min(margin, l.length - content.length);
  }
  lines[0] = lines[0]!.replace(/^\s+/, '');
  if (Number.isFinite(margin)) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(margin);
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  while (lines.length && !lines[0]) lines.shift();
  return lines.join('\n');
}

/**
 * The `dedent` npm package (also `outdent`, common-tags' `stripIndent`): removes the smallest
 * indentation of the indented lines, then leading and trailing whitespace.
 */
export function jsDedent(text: string): string {
  const lines = text.split('\n');
  let margin: number | undefined;
  for (const l of lines) {
    const m = /^([ \t]+)\S/.exec(l);
    if (m) margin = margin === undefined ? m[1]!.length : Math.min(margin, m[1]!.length);
  }
  const out = margin === undefined ? text : lines.map((l) => (l[0] === ' ' || l[0] === '\t' ? l.slice(margin) : l)).join('\n');
  return out.trim();
}

const PY_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0', '\n': '' };

/** The character a Python escape sequence (`\n`, `\x41`, `\u00e9`) stands for; unknown escapes stay as written. */
export function pythonEscape(seq: string): string {
  const body = seq.slice(1);
  if (body in PY_ESCAPES) return PY_ESCAPES[body]!;
  if (/^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.test(body)) return String.fromCodePoint(Number.parseInt(body.slice(1), 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCodePoint(Number.parseInt(body, 8));
  return seq;
}
