/**
 * Path globs as regular-expression source, for prompt globs (`tollgate.promptGlobs`) and
 * .gitignore patterns alike: `**` (with its `/`) crosses directories, `*` and `?` stay within one
 * segment, `[…]` is a character class (`[!…]` negated), `\x` is a literal x; everything else is
 * literal. Callers anchor the source as their format needs.
 */
export function pathGlobSource(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
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
