/** `braces`: read `{a,b}` groups (VS Code globs); .gitignore patterns have none. */
export interface PathGlobOptions {
  braces?: boolean;
}

/** How a compiled glob matches: `ignoreCase` as the `i` flag would; `anySegment` from the start of any segment (else the whole path). */
export interface PathGlobMatchOptions extends PathGlobOptions {
  ignoreCase?: boolean;
  anySegment?: boolean;
}

/** A compiled path glob; `test` runs in O(glob length × path length) time whatever the glob. */
export interface PathGlob {
  test(path: string): boolean;
  /** The states `test(path)` visits: at most 2 × (glob length + 1) × (path length + 1). For tests. */
  work(path: string): number;
}

/**
 * One state of the glob's automaton. `char` (its `ch`), `one` (`?`) and `class` (its `re`) read a
 * character; `star` (`*`), `any` (`**`) and `dirs` (`**` before a `/`) loop on themselves; `split`
 * is a `{a,b}` group, one edge (`to`) per alternative, all continuing to the same state. Every
 * state has every field, so the matching loop reads objects of a single shape.
 */
interface GlobState {
  kind: 'char' | 'one' | 'star' | 'any' | 'dirs' | 'class' | 'split' | 'match';
  ch: string;
  re: RegExp | undefined;
  next: number;
  to: number[];
}

type GlobToken =
  | { kind: 'char'; ch: string }
  | { kind: 'one' | 'star' | 'any' | 'dirs' }
  | { kind: 'class'; re: RegExp | undefined }
  | { kind: 'group'; alts: Array<[number, number]> };

/**
 * The `i` flag's comparison without the `u` flag (ECMA-262 Canonicalize): the upper case of a code
 * unit, unless it is not one code unit or would turn a non-ASCII character into an ASCII one.
 */
function canonical(ch: string): string {
  const up = ch.toUpperCase();
  if (up.length !== 1 || (ch.charCodeAt(0) >= 128 && up.charCodeAt(0) < 128)) return ch;
  return up;
}

/** Brace groups nested deeper than this are literal text (no real glob nests more than a few). */
const MAX_BRACE_DEPTH = 64;

/**
 * Compiles a path glob, for prompt globs (`tollgate.promptGlobs`) and .gitignore patterns alike:
 * `**` (with its `/`) crosses directories, also line breaks in names, as git's does; `*` and `?`
 * stay within one segment; `[…]` is a character class (`[!…]` negated; one the platform's regular
 * expressions reject, `[z-a]`, matches nothing); `\x` is a literal x; everything else is literal.
 * With `braces` (VS Code globs, not .gitignore) `{a,b}` is either alternative, as the editor's
 * document selector reads the same setting. The glob matches the whole path, or from the start of
 * any segment with `anySegment`. Matched by keeping the set of states reachable after each
 * character — no backtracking (a regular expression took seconds per path for six `**\/a*`), so a
 * glob from a cloned repository's .gitignore or from settings cannot stall the caller.
 */
export function compilePathGlob(glob: string, options: PathGlobMatchOptions = {}): PathGlob {
  const n = glob.length;
  // Brace groups and class ends found in one pass each (not a scan per `{` or `[`), so compiling is linear too.
  const closeOf = new Map<number, number>();
  const commasOf = new Map<number, number[]>();
  if (options.braces) {
    // A `{` nested deeper than MAX_BRACE_DEPTH is read as literal text, it and its `}` (marked -1 on the
    // stack): building the automaton recurses once per level, and 5,000 levels overflowed the stack.
    const open: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = glob[i];
      if (c === '\\') i++;
      else if (c === '{') open.push(open.length < MAX_BRACE_DEPTH ? i : -1);
      else if (c === '}' && open.length > 0) {
        const from = open.pop()!;
        if (from >= 0) closeOf.set(from, i);
      } else if (c === ',' && open.length > 0) {
        const top = open[open.length - 1]!;
        if (top < 0) continue;
        const commas = commasOf.get(top);
        if (commas) commas.push(i);
        else commasOf.set(top, [i]);
      }
    }
  }
  const nextBracket = new Int32Array(n + 1).fill(-1);
  for (let i = n - 1; i >= 0; i--) nextBracket[i] = glob[i] === ']' ? i : nextBracket[i + 1]!;

  const literal = (ch: string): GlobToken => ({ kind: 'char', ch: options.ignoreCase ? canonical(ch) : ch });
  /** The tokens of glob[from, to). */
  const tokens = (from: number, to: number): GlobToken[] => {
    const out: GlobToken[] = [];
    for (let i = from; i < to; i++) {
      const c = glob[i]!;
      const close = c === '{' ? (closeOf.get(i) ?? -1) : -1;
      if (close > i && close < to) {
        const cuts = [i, ...(commasOf.get(i) ?? []), close];
        out.push({ kind: 'group', alts: cuts.slice(1).map((cut, k): [number, number] => [cuts[k]! + 1, cut]) });
        i = close;
      } else if (c === '*' && i + 1 < to && glob[i + 1] === '*') {
        i++;
        if (i + 1 < to && glob[i + 1] === '/') {
          i++;
          out.push({ kind: 'dirs' });
        } else out.push({ kind: 'any' });
      } else if (c === '*') out.push({ kind: 'star' });
      else if (c === '?') out.push({ kind: 'one' });
      else if (c === '[') {
        const end = nextBracket[i + 1]!;
        if (end < 0 || end >= to) out.push(literal(c));
        else {
          const source = `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
          let re: RegExp | undefined;
          try {
            re = new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '');
          } catch {
            re = undefined;
          }
          out.push({ kind: 'class', re });
          i = end;
        }
      } else if (c === '\\' && i + 1 < to) out.push(literal(glob[++i]!));
      else out.push(literal(c));
    }
    return out;
  };

  const states: GlobState[] = [{ kind: 'match', ch: '', re: undefined, next: -1, to: [] }];
  /** Builds glob[from, to) back to front, each state continuing to `next`; returns its first state. */
  const build = (from: number, to: number, next: number, toks = tokens(from, to)): number => {
    for (let k = toks.length - 1; k >= 0; k--) {
      const t = toks[k]!;
      if (t.kind === 'group') states.push({ kind: 'split', ch: '', re: undefined, next: -1, to: t.alts.map(([a, b]) => build(a, b, next)) });
      else states.push({ kind: t.kind, ch: t.kind === 'char' ? t.ch : '', re: t.kind === 'class' ? t.re : undefined, next, to: [] });
      next = states.length - 1;
    }
    return next;
  };
  const top = tokens(0, n);
  const start = build(0, n, 0, top);
  // The literal characters the glob ends with, and (matched from the start only) begins with: most paths
  // a .gitignore line is tested against are turned down by comparing these, without the automaton.
  const literals = (from: number, to: number) =>
    top
      .slice(from, to)
      .map((t) => (t.kind === 'char' ? t.ch : ''))
      .join('');
  let head = top.length;
  while (head > 0 && top[head - 1]!.kind === 'char') head--;
  const suffix = literals(head, top.length);
  let lead = 0;
  while (!options.anySegment && lead < head && top[lead]!.kind === 'char') lead++;
  const prefix = literals(0, lead);
  /** Whether `path` has the (canonical) `text` at `at`. */
  const hasAt = (path: string, at: number, text: string) => {
    for (let k = 0; k < text.length; k++) {
      const c = path[at + k]!;
      if ((options.ignoreCase ? canonical(c) : c) !== text[k]) return false;
    }
    return true;
  };

  // Per state, the last position its closure was taken at and the last it was queued for. Positions
  // count on across calls (`epoch`) so the tables are allocated once, not per path.
  const closed = new Int32Array(states.length).fill(-1);
  const queued = new Int32Array(states.length).fill(-1);
  let epoch = 0;
  const pending: number[] = [];
  // The states reading the current character, and those queued for the next (each at most once).
  let current = new Int32Array(states.length);
  let following = new Int32Array(states.length);
  let currentCount = 0;
  let followingCount = 0;
  let work = 0;
  let matchedAt = -1;
  const queue = (s: number, at: number) => {
    if (queued[s] === at) return;
    queued[s] = at;
    following[followingCount++] = s;
  };
  /** Queues `s` and every state reachable from it without reading a character. */
  const enter = (s0: number, at: number) => {
    pending.push(s0);
    while (pending.length > 0) {
      const s = pending.pop()!;
      if (closed[s] === at) continue;
      closed[s] = at;
      work++;
      const st = states[s]!;
      if (st.kind === 'match') matchedAt = at;
      else if (st.kind === 'split') for (const t of st.to) pending.push(t);
      else {
        queue(s, at);
        // `*` and `**` may match nothing, and so may `**` before a `/` (the `?` of `(?:.*/)?`).
        if (st.kind === 'star' || st.kind === 'any' || st.kind === 'dirs') pending.push(st.next);
      }
    }
  };
  const run = (path: string): boolean => {
    if (epoch > 0x3fffffff - path.length) {
      closed.fill(-1);
      queued.fill(-1);
      epoch = 0;
    }
    const base = epoch;
    epoch += path.length + 1;
    work = 0;
    matchedAt = -1;
    if (path.length < prefix.length + suffix.length || !hasAt(path, 0, prefix) || !hasAt(path, path.length - suffix.length, suffix)) return false;
    followingCount = 0;
    enter(start, base);
    for (let j = 0; j < path.length; j++) {
      const read = following;
      following = current;
      current = read;
      currentCount = followingCount;
      followingCount = 0;
      const c = path[j]!;
      const key = options.ignoreCase ? canonical(c) : c;
      const at = base + j + 1;
      for (let k = 0; k < currentCount; k++) {
        const s = current[k]!;
        work++;
        const st = states[s]!;
        switch (st.kind) {
          case 'char':
            if (st.ch === key) enter(st.next, at);
            break;
          case 'one':
            if (c !== '/') enter(st.next, at);
            break;
          case 'class':
            if (st.re?.test(c)) enter(st.next, at);
            break;
          case 'star':
            if (c !== '/') enter(s, at);
            break;
          case 'any':
            enter(s, at);
            break;
          case 'dirs':
            // Inside `.*/`: any character keeps it going, a `/` may also end it; it cannot be skipped now.
            queue(s, at);
            if (c === '/') enter(st.next, at);
            break;
        }
      }
      if (options.anySegment && c === '/') enter(start, at);
      if (followingCount === 0 && !options.anySegment) break;
    }
    return matchedAt === base + path.length;
  };
  return {
    test: run,
    work: (path) => {
      run(path);
      return work;
    },
  };
}
