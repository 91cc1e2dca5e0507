/**
 * Whether two model globs (routing/glob semantics: `*` any run, `?` one character, everything else
 * literal) both match some model name, and one such name. Two providers whose globs overlap send
 * that name wherever the first in the proxy's order is; a gateway that orders its patterns otherwise
 * (LiteLLM: longest first) sends it elsewhere. Pure: no I/O.
 */

/** Patterns longer than this (product of lengths) are not compared: no model glob is near it. */
const MAX_WORK = 250_000;

/** A name both globs match, or undefined when none exists (or the globs are too long to compare). */
export function globsOverlap(a: string, b: string): string | undefined {
  if ((a.length + 1) * (b.length + 1) > MAX_WORK) return undefined;
  const n = a.length;
  const m = b.length;
  // best[i][j]: a witness for a[i..] and b[j..] both matching it, null when none, undefined when not yet known.
  // Filled backwards, so no recursion: (i, j) needs only (i+1, j), (i, j+1) and (i+1, j+1).
  const best: Array<Array<string | null>> = Array.from({ length: n + 2 }, () => new Array<string | null>(m + 2).fill(null));
  const at = (i: number, j: number): string | null => (i <= n && j <= m ? (best[i]![j] as string | null) : null);
  const concrete = (c: string): string => (c === '?' ? 'x' : c);
  for (let i = n; i >= 0; i--)
    for (let j = m; j >= 0; j--) {
      let w: string | null = null;
      if (i === n && j === m) w = '';
      const pa = a[i];
      const pb = b[j];
      if (w === null && pa === '*') {
        // The star matches nothing, or takes b's next character (a star in b: either one moves on).
        w = at(i + 1, j);
        if (w === null && pb !== undefined) {
          const rest = at(i, j + 1);
          if (rest !== null) w = pb === '*' ? rest : concrete(pb) + rest;
        }
      }
      if (w === null && pb === '*') {
        w = at(i, j + 1);
        if (w === null && pa !== undefined && pa !== '*') {
          const rest = at(i + 1, j);
          if (rest !== null) w = concrete(pa) + rest;
        }
      }
      if (w === null && pa !== undefined && pb !== undefined && pa !== '*' && pb !== '*' && (pa === pb || pa === '?' || pb === '?')) {
        const rest = at(i + 1, j + 1);
        if (rest !== null) w = (pa !== '?' ? pa : concrete(pb)) + rest;
      }
      best[i]![j] = w;
    }
  return best[0]![0] ?? undefined;
}

/**
 * Whether every name `inner` matches, `outer` matches too (`llama*` covers `llama-3*`). Sound, not
 * complete: a wildcard of `inner` is covered only by a wildcard of `outer` that takes at least as
 * much (`*` takes anything, `?` takes `?`), so a false answer may still be a cover in odd cases
 * (`a*` by the pair `a` and `a?*`), never the other way round.
 */
export function globCovers(outer: string, inner: string): boolean {
  if ((outer.length + 1) * (inner.length + 1) > MAX_WORK) return false;
  // ok[j]: outer[i..] covers inner[j..], filled from the end of outer backwards, one row at a time.
  let next: boolean[] = Array.from({ length: inner.length + 1 }, (_, j) => j === inner.length);
  for (let i = outer.length - 1; i >= 0; i--) {
    const row = new Array<boolean>(inner.length + 1).fill(false);
    for (let j = inner.length; j >= 0; j--) {
      const o = outer[i];
      const c = inner[j];
      if (o === '*') row[j] = next[j]! || (c !== undefined && row[j + 1]!);
      else if (c !== undefined && c !== '*' && (o === c || o === '?')) row[j] = next[j + 1]!;
    }
    next = row;
  }
  return next[0]!;
}

/**
 * The globs matching exactly the names `rest` for which `literal + rest` matches `glob`: the proxy
 * matches a fallback's `from` against `provider/model` too (governance/fallback.ts), so a star, a
 * slash and `gpt-4o` take a plain `gpt-4o` request on any provider, where a gateway sees only
 * `gpt-4o`. The glob is walked as a little automaton over `literal`; a tail right after a surviving
 * star is left out (the star's own tail covers it). Empty when no name gives a match.
 */
export function globAfterPrefix(glob: string, literal: string): string[] {
  const close = (states: Set<number>): Set<number> => {
    // A star may match nothing: its state also stands at whatever follows it.
    for (const i of [...states]) for (let j = i; glob[j] === '*'; j++) states.add(j + 1);
    return states;
  };
  let states = close(new Set([0]));
  for (const c of literal) {
    const next = new Set<number>();
    for (const i of states) {
      if (glob[i] === '*') next.add(i);
      else if (i < glob.length && (glob[i] === c || glob[i] === '?')) next.add(i + 1);
    }
    states = close(next);
    if (states.size === 0) return [];
  }
  return [...states].filter((i) => !(i > 0 && glob[i - 1] === '*' && states.has(i - 1))).map((i) => glob.slice(i));
}

/**
 * The globs a bare model must match for the proxy's fallback `from` to take it on `provider` (as the
 * model or as `provider/model`), leaving out any another one covers: a star, a slash and `*-mini`
 * add nothing to `*-mini`.
 */
export function fromGlobsOn(from: string, provider: string): string[] {
  const all = [...new Set([from, ...globAfterPrefix(from, `${provider}/`)])];
  return all.filter((g, k) => !all.some((h, l) => l !== k && globCovers(h, g) && (l < k || !globCovers(g, h))));
}
