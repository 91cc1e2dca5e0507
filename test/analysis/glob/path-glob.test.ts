/**
 * Path globs (`tollgate.promptGlobs`, .gitignore lines, glob arguments of `tollgate lint`) are
 * matched by an automaton, not a backtracking regular expression: the same answers as the
 * regular expressions they replace, and bounded work on globs crafted to make those take seconds.
 */
import { describe, expect, it } from 'vitest';
import { compilePathGlob, type PathGlobMatchOptions } from '../../../proxy/src/analysis/text/path-glob';

// ---- The regular-expression translation the matcher replaced (proxy/src/analysis/text/path-glob.ts before), as a reference.
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
function referenceSource(glob: string, options: { braces?: boolean } = {}): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const close = options.braces && c === '{' ? closingBrace(glob, i) : -1;
    if (close > i) {
      re += `(?:${alternatives(glob.slice(i + 1, close))
        .map((alt) => referenceSource(alt, options))
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
/** How the callers built their regular expressions: whole path (.gitignore, lint arguments) or from any segment (prompt globs). */
function referenceRegExp(glob: string, options: PathGlobMatchOptions): RegExp {
  const source = referenceSource(glob, options);
  return new RegExp(options.anySegment ? `(?:^|/)${source}$` : `^${source}$`, options.ignoreCase ? 'i' : '');
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible glob and path. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

// Pieces a glob is built from: the syntax (including unbalanced and escaped forms) and letters whose case folding differs
// (ß, the long s ſ, dotted İ, the Kelvin sign K, Greek sigmas).
const GLOB_PIECES = ['a', 'b', 'A', 'B', '.', '/', '*', '**', '**/', '/**', '?', '[ab]', '[!a]', '[^b]', '[a-c]', '[A-Z]', '[]', '[!]', '[/]', '[\\]', '[', ']', '{a,b}', '{,a/}', '{a,{b,*}}', '{**/,x}', '{', '}', ',', '\\', '\\*', '\\{', '\\?', 's', 'S', 'ſ', 'ß', 'İ', 'i', 'K', 'k', 'σ', 'ς', 'Σ', '!', '^', '-', '$', '(', '|', '{[a,', 'b]}', '{a,[', ']b}', '[{]', '{,}'];
const PATH_CHARS = ['a', 'b', 'A', 'B', '/', '/', '.', 's', 'S', 'ſ', 'ß', 'i', 'İ', 'k', 'K', 'K', 'σ', 'ς', 'Σ', '{', '}', ',', '*', '?', '[', ']', '\\', '!', '^', '-', '$', 'x', '😀'];

const MODES: PathGlobMatchOptions[] = [
  {}, // .gitignore on Linux
  { ignoreCase: true }, // .gitignore on Windows and macOS
  { braces: true }, // a lint glob argument on Linux
  { braces: true, ignoreCase: true }, // on Windows and macOS
  { braces: true, ignoreCase: true, anySegment: true }, // tollgate.promptGlobs
];

describe('compilePathGlob answers as the regular expressions it replaces', () => {
  it('on generated globs × paths in every calling mode', () => {
    const next = random(20261201);
    let compared = 0;
    let matched = 0;
    for (let g = 0; g < 1500; g++) {
      const glob = Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(next, GLOB_PIECES)).join('');
      // Paths from the glob's own pieces with some characters changed, so a fair share matches, and free ones.
      const paths = Array.from({ length: 12 }, (_, k) => {
        if (k < 3) return glob.replace(/./gu, (ch) => (next() < 0.1 ? pick(next, PATH_CHARS) : ch));
        if (k < 6) {
          return glob
            .replace(/[*?[\]{},\\]/g, () => (next() < 0.5 ? pick(next, PATH_CHARS) : ''))
            .split('')
            .map((ch) => (next() < 0.15 ? pick(next, PATH_CHARS) : ch))
            .join('');
        }
        return Array.from({ length: Math.floor(next() * 9) }, () => pick(next, PATH_CHARS)).join('');
      });
      for (const mode of MODES) {
        let reference: RegExp;
        try {
          reference = referenceRegExp(glob, mode);
        } catch {
          continue; // a class out of order: compared below
        }
        const matcher = compilePathGlob(glob, mode);
        for (const path of paths) {
          const expected = reference.test(path);
          if (matcher.test(path) !== expected) expect({ glob, path, mode, matched: !expected }).toEqual({ glob, path, mode, matched: expected });
          compared++;
          if (expected) matched++;
        }
      }
    }
    expect(compared).toBeGreaterThan(50_000);
    // The comparison means something only if both answers are common.
    expect(matched / compared).toBeGreaterThan(0.05);
    expect(matched / compared).toBeLessThan(0.9);
  });

  it('on globs as users write them', () => {
    const cases: Array<[string, string[]]> = [
      ['**/prompts/**/*.md', ['prompts/a.md', 'src/prompts/x/y/a.md', 'src/prompts.md', 'a/prompts/b.mdx', 'PROMPTS/A.MD']],
      ['*.prompt.{md,txt}', ['a.prompt.md', 'x/a.prompt.txt', 'a.prompt.j2', '.prompt.md']],
      ['templates/**', ['templates/', 'templates/a/b', 'x/templates/a', 'templates']],
      ['a**b', ['ab', 'a/x/b', 'axb', 'a/b/c']],
      ['**', ['', 'a', 'a/b/']],
      ['[!.]*', ['.env', 'env', 'a/.env']],
      ['{src,lib}/**/{*.j2,*.jinja{,2}}', ['src/a.j2', 'lib/x/y.jinja2', 'lib/y.jinja', 'doc/a.j2']],
      // Syntax at its edges: a class or escape cut by a group's comma, unclosed groups and classes, `**` off a `/`.
      ['{[a,b]}', ['[a', 'b]', 'a', 'b', ',']],
      ['{a\\,b}', ['a,b', 'a', 'b', '{a,b}']],
      ['{a,b\\}c}', ['a', 'b}c', 'bc']],
      ['{a,b\\', ['{a,b', '{a,b\\', 'a']],
      ['{a{b,c}', ['{ab', '{ac', 'ab']],
      ['x{a,**}/y', ['xa/y', 'x/y', 'xq/r/y', 'x/q/y']],
      ['x{a,**/}y', ['xay', 'xy', 'xq/y', 'xq/r/y']],
      ['a***b', ['ab', 'a/b', 'a/x/yb', 'axxb']],
      ['***/b', ['b', '/b', 'x/b', 'x/y/b']],
      ['**.md', ['a.md', 'x/y.md', '.md']],
      ['[!]', ['/', 'a', '']],
      ['[]]', [']', '[]]', '']],
      ['[\\]a', ['\\a', ']a', 'a']],
      ['\\', ['\\', '']],
      ['a/**/', ['a/', 'a//', 'a/b/', 'a/b']],
    ];
    for (const [glob, paths] of cases) {
      for (const mode of MODES) {
        const matcher = compilePathGlob(glob, mode);
        for (const path of paths) expect([glob, path, mode, matcher.test(path)]).toEqual([glob, path, mode, referenceRegExp(glob, mode).test(path)]);
      }
    }
  });
});

describe('compilePathGlob where the regular expressions were wrong', () => {
  it('lets `**` cross a line break in a name, as git does (`.` stopped there, `*` did not)', () => {
    expect(compilePathGlob('**/secret').test('we\nird/secret')).toBe(true);
    expect(compilePathGlob('a**b').test('a\r\nb')).toBe(true);
    expect(compilePathGlob('a*b').test('a\nb')).toBe(true);
  });

  it('reads a class the regular expression rejected (`[z-a]`) as matching nothing', () => {
    expect(compilePathGlob('[z-a]*').test('b')).toBe(false);
    expect(compilePathGlob('{[z-a],b}', { braces: true }).test('b')).toBe(true);
  });
});

describe('compilePathGlob on hostile globs', () => {
  /** The work the matcher may do: a visit per state, twice, per position; a glob has at most one state per character, and a final one. */
  const bound = (glob: string, path: string) => 2 * (glob.length + 1) * (path.length + 1);

  // `**/a*` six times took ~8 s per path with the regular expression (`(?:.*/)?a[^/]*` nested six deep).
  const nested = '**/a*'.repeat(6);
  // `*a*a*a*a*a*a*c` against a long name of `a`s took ~2 s at 60 characters, growing as the sixth power.
  const spread = '*a*a*a*a*a*a*c';
  const prompt: PathGlobMatchOptions = { braces: true, ignoreCase: true, anySegment: true };
  const cases: Array<[string, string, PathGlobMatchOptions, boolean]> = [
    [nested, `${'a/'.repeat(30)}b.md`, prompt, false],
    [nested, `${'a/'.repeat(2000)}b.md`, {}, false],
    [nested, `${'a'.repeat(4000)}/b`, { ignoreCase: true }, false],
    [nested, `${'a/'.repeat(2000)}${'a'.repeat(6)}`, {}, true],
    [nested, `x/${'A/'.repeat(2000)}aaa/a/a/a`, prompt, true],
    [spread, 'a'.repeat(255), {}, false],
    [spread, 'a'.repeat(4000), prompt, false],
    [spread, `${'a'.repeat(4000)}c`, {}, true],
    [`{${'*a'.repeat(8)},${'**/a'.repeat(8)}}*c`, `${'a/'.repeat(500)}${'a'.repeat(500)}`, { braces: true }, false],
    [`{${'*a'.repeat(8)},${'**/a'.repeat(8)}}*c`, `${'a/'.repeat(500)}${'a'.repeat(500)}c`, { braces: true }, true],
  ];
  for (const [glob, path, mode, expected] of cases) {
    it(`${expected ? 'matches' : 'rejects'} a ${path.length}-character path with ${glob.slice(0, 40)} in bounded work (${JSON.stringify(mode)})`, () => {
      const matcher = compilePathGlob(glob, mode);
      expect(matcher.test(path)).toBe(expected);
      expect(matcher.work(path)).toBeLessThanOrEqual(bound(glob, path));
    });
  }

  it('reads braces nested past any real glob as literal text instead of overflowing the stack', () => {
    // 5,000 levels threw "Maximum call stack size exceeded" from the settings reader and the editor's selector.
    const depth = 5000;
    const deep = compilePathGlob(`${'{'.repeat(depth)}a,b${'}'.repeat(depth)}.md`, { braces: true });
    expect(deep.test('a.md')).toBe(false);
    // The 64 outer levels are groups of one alternative; what they hold is the deeper levels' literal text.
    const literalInside = `${'{'.repeat(depth - 64)}a,b${'}'.repeat(depth - 64)}`;
    expect(deep.test(`${literalInside}.md`)).toBe(true);
    // Nesting a real glob uses is unchanged.
    const real = compilePathGlob('{{src,lib},{docs,{x,y}}}/*.md', { braces: true });
    expect(['src/a.md', 'y/a.md', 'z/a.md'].map((p) => real.test(p))).toEqual([true, true, false]);
  });
});
