/** `braces`: read `{a,b}` groups (VS Code globs); .gitignore patterns have none. */
export interface PathGlobOptions {
  braces?: boolean;
}

/** The index of the `}` closing the group opened at `open`, or -1; nested groups are skipped. */
function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The top-level comma-separated alternatives of a group's inside. */
function alternatives(inside: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < inside.length; i++) {
    const c = inside[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(inside.slice(from, i));
      from = i + 1;
    }
  }
  out.push(inside.slice(from));
  return out;
}

/**
 * Path globs as regular-expression source, for prompt globs (`tollgate.promptGlobs`) and
 * .gitignore patterns alike: `**` (with its `/`) crosses directories, `*` and `?` stay within one
 * segment, `[…]` is a character class (`[!…]` negated), `\x` is a literal x; everything else is
 * literal. With `braces` (VS Code globs, not .gitignore) `{a,b}` is either alternative, as the
 * editor's document selector reads the same setting. Callers anchor the source as their format needs.
 */
export function pathGlobSource(glob: string, options: PathGlobOptions = {}): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const close = options.braces && c === '{' ? closingBrace(glob, i) : -1;
    if (close > i) {
      re += `(?:${alternatives(glob.slice(i + 1, close))
        .map((alt) => pathGlobSource(alt, options))
        .join('|')})`;
      i = close;
    } else if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) re += glob[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}
