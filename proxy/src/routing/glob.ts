/**
 * Tiny glob matcher for policy values (model names, feature tags, scopes): `*` matches any run of
 * characters, `?` one character (a code point); everything else is literal. Case-sensitive, like model ids.
 *
 * No regular expressions: a glob like `*-*-latest` compiled to `^.*-.*-latest$` backtracks
 * polynomially, and a request's model name is attacker-sized. Instead the pattern is split at `*`
 * into literal segments (where `?` matches any one character); the first must be a prefix, the last
 * a suffix, and the middle ones are found left to right, each at its earliest position — greedy
 * leftmost placement is always safe for `*`-only gaps. Cost: O(value × pattern) with no
 * backtracking, i.e. linear in the value for a given policy.
 */

/** A string's UTF-16 units, or its code points once `?` must take a pair of units whole. */
type Text = string | readonly number[];
const unit = (t: Text, i: number): number => (Array.isArray(t) ? t[i]! : (t as string).charCodeAt(i));

/** Does `seg` (with `?` wildcards) match `value` at `at`? */
function segmentAt(seg: Text, value: Text, at: number): boolean {
  if (at + seg.length > value.length) return false;
  for (let i = 0; i < seg.length; i++) {
    const c = unit(seg, i);
    if (c !== 63 /* ? */ && c !== unit(value, at + i)) return false;
  }
  return true;
}

/** Earliest index ≥ from where `seg` matches inside value[from, end), or -1. */
function findSegment(seg: Text, value: Text, from: number, end: number): number {
  if (typeof seg === 'string' && !seg.includes('?')) {
    const i = (value as string).indexOf(seg, from);
    return i !== -1 && i + seg.length <= end ? i : -1;
  }
  for (let i = from; i + seg.length <= end; i++) if (segmentAt(seg, value, i)) return i;
  return -1;
}

const codePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

export function globMatch(pattern: string, value: string): boolean {
  // `?` is one character, as SQLite's GLOB (the ledger's) reads it: an emoji or a CJK Extension B ideograph is two UTF-16 units.
  let pairs = false;
  if (pattern.includes('?')) for (let i = 0; !pairs && i < value.length; i++) pairs = (unit(value, i) & 0xfc00) === 0xd800;
  const segs: Text[] = pairs ? pattern.split('*').map(codePoints) : pattern.split('*');
  const v: Text = pairs ? codePoints(value) : value;
  const first = segs[0]!;
  if (segs.length === 1) return first.length === v.length && segmentAt(first, v, 0);
  const last = segs[segs.length - 1]!;
  if (first.length + last.length > v.length) return false;
  if (!segmentAt(first, v, 0)) return false;
  const end = v.length - last.length;
  if (!segmentAt(last, v, end)) return false;
  let pos = first.length;
  for (let i = 1; i < segs.length - 1; i++) {
    const seg = segs[i]!;
    if (seg.length === 0) continue;
    const at = findSegment(seg, v, pos, end);
    if (at === -1) return false;
    pos = at + seg.length;
  }
  return true;
}
