/**
 * Tiny glob matcher for policy values (model names, feature tags, scopes): `*` matches any run of
 * characters, `?` one character; everything else is literal. Case-sensitive, like model ids.
 */
const compiled = new Map<string, RegExp>();

export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  let re = compiled.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re.test(value);
}
