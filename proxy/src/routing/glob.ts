/**
 * Tiny glob matcher for policy values (model names, feature tags, scopes): `*` matches any run of
 * characters, `?` one character; everything else is literal. Case-sensitive, like model ids.
 *
 * No regular expressions: a glob like `*-*-latest` compiled to `^.*-.*-latest$` backtracks
 * polynomially, and a request's model name is attacker-sized. Instead the pattern is split at `*`
 * into literal segments (where `?` matches any one character); the first must be a prefix, the last
 * a suffix, and the middle ones are found left to right, each at its earliest position — greedy
 * leftmost placement is always safe for `*`-only gaps. Cost: O(value × pattern) with no
 * backtracking, i.e. linear in the value for a given policy.
 */

/** Does `seg` (with `?` wildcards) match `value` at `at`? */
function segmentAt(seg: string, value: string, at: number): boolean {
  if (at + seg.length > value.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c !== 63 /* ? */ && c !== value.charCodeAt(at + i)) return false;
  }
  return true;
}

/** Earliest index ≥ from where `seg` matches inside value[from, end), or -1. */
function findSegment(seg: string, value: string, from: number, end: number): number {
  if (!seg.includes('?')) {
    const i = value.indexOf(seg, from);
    return i !== -1 && i + seg.length <= end ? i : -1;
  }
  for (let i = from; i + seg.length <= end; i++) if (segmentAt(seg, value, i)) return i;
  return -1;
}

export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern.length === value.length && segmentAt(pattern, value, 0);
  const segs = pattern.split('*');
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  if (first.length + last.length > value.length) return false;
  if (!segmentAt(first, value, 0)) return false;
  const end = value.length - last.length;
  if (!segmentAt(last, value, end)) return false;
  let pos = first.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    if (seg === '') continue;
    const at = findSegment(seg, value, pos, end);
    if (at === -1) return false;
    pos = at + seg.length;
  }
  return true;
}
