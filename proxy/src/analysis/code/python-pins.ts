/**
 * The highest version of a Python package a project allows, from its files: a lock file's resolved
 * version (uv.lock, poetry.lock, Pipfile.lock), else the declared constraint (pyproject.toml — PEP 621
 * or Poetry —, requirements*.txt, setup.cfg, setup.py, Pipfile). Looked up from the analysed file's
 * directory upwards; the first directory that names the package decides. Pure of vscode and the
 * network: it reads files only.
 *
 * Used where a framework's default changed between versions (DSPy's `dspy.LM` sent max_tokens 1,000
 * or 4,000 by default before 3.0.4): a project pinned to an old version is judged by that version.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readText } from './project-file';

/** A PEP 440 version reduced to what ordering needs: its release numbers and a pre-release tag. */
export interface Version {
  release: number[];
  /** a/b/rc and its number; undefined for a final release. */
  pre?: { kind: 0 | 1 | 2; n: number };
}

/** The most a constraint lets the project install: below `version` (exclusive) or up to it (inclusive). */
export interface Ceiling {
  version: Version;
  inclusive: boolean;
}

export function parseVersion(text: string): Version | undefined {
  const m = /^\s*v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?/i.exec(text);
  if (!m) return undefined;
  const release = m[1]!.split('.').map(Number);
  const tag = m[2]?.toLowerCase();
  if (!tag) return { release };
  const kind = tag.startsWith('a') ? 0 : tag.startsWith('b') ? 1 : 2;
  return { release, pre: { kind, n: Number(m[3] || 0) } };
}

/** <0, 0, >0 as `a` is before, equal to or after `b` (release numbers padded with zeros; a pre-release before its release). */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return d;
  }
  if (!a.pre || !b.pre) return (a.pre ? -1 : 0) - (b.pre ? -1 : 0);
  return a.pre.kind - b.pre.kind || a.pre.n - b.pre.n;
}

/** `2.6` → `3` (the release after the one the prefix names, by its last-but-one part): `~=` and wildcards. */
function bump(release: number[], at: number): Version {
  const out = release.slice(0, at + 1);
  out[at] = (out[at] ?? 0) + 1;
  return { release: out };
}

function lower(a: Ceiling | undefined, b: Ceiling | undefined): Ceiling | undefined {
  if (!a || !b) return a ?? b;
  const d = compareVersions(a.version, b.version);
  if (d !== 0) return d < 0 ? a : b;
  return a.inclusive ? b : a;
}

/**
 * The ceiling of a PEP 440 specifier set (`>=2.5,<3`, `==2.6.*`, `~=2.6.1`) or a Poetry / Pipfile
 * constraint (`^2.6`, `~2.6`, `2.6.10`, `*`); undefined when it sets none.
 */
export function ceilingOf(spec: string): Ceiling | undefined {
  let out: Ceiling | undefined;
  // `||` in Poetry means either of two ranges: not worth reading, say none.
  if (spec.includes('|')) return undefined;
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const m = /^(===|==|<=|<|~=|\^|~|>=|>|!=)?\s*v?([0-9][0-9A-Za-z.*+!_-]*)$/.exec(part);
    if (!m) continue;
    const op = m[1] ?? '==';
    const text = m[2]!;
    const wildcard = /\.\*$/.test(text);
    const v = parseVersion(text);
    if (!v) continue;
    let c: Ceiling | undefined;
    if ((op === '==' || op === '===') && wildcard) c = { version: bump(v.release, v.release.length - 1), inclusive: false };
    else if (op === '==' || op === '===') c = { version: v, inclusive: true };
    else if (op === '<') c = { version: v, inclusive: false };
    else if (op === '<=') c = { version: v, inclusive: true };
    else if (op === '~=') c = v.release.length >= 2 ? { version: bump(v.release, v.release.length - 2), inclusive: false } : undefined;
    // Poetry: ^2.6 → <3, ^0.4 → <0.5; ~2.6 → <2.7, ~2 → <3.
    else if (op === '^') {
      const first = v.release.findIndex((n) => n !== 0);
      c = { version: bump(v.release, first < 0 ? v.release.length - 1 : first), inclusive: false };
    } else if (op === '~') c = { version: bump(v.release, Math.min(1, v.release.length - 1)), inclusive: false };
    out = lower(out, c);
  }
  return out;
}

/** PEP 503: `DSPy_AI` and `dspy-ai` are one package. */
const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A name pattern matching every spelling PEP 503 treats as `name`. */
function namePattern(name: string): string {
  return normalise(name)
    .split('-')
    .map(reEscape)
    .join('[-_.]+');
}

/** A lock file's resolved version of the package (`[[package]] name = "x" version = "…"`, Pipfile.lock's `"x": {"version": "==…"}`). */
function lockedVersion(text: string, name: string): Version | undefined {
  const n = namePattern(name);
  const toml = new RegExp(`\\[\\[package\\]\\]\\s*\\r?\\nname\\s*=\\s*"(?:${n})"\\s*\\r?\\nversion\\s*=\\s*"([^"]+)"`, 'i').exec(text);
  if (toml) return parseVersion(toml[1]!);
  const json = new RegExp(`"(?:${n})"\\s*:\\s*\\{[^{}]*?"version"\\s*:\\s*"==([^"]+)"`, 'i').exec(text);
  return json ? parseVersion(json[1]!) : undefined;
}

/**
 * Declarations of the package in a requirements, pyproject, setup or Pipfile text: each one's
 * ceiling, or null when it sets none (`dspy`, `dspy>=2.5`, `dspy = "*"`); empty when not named.
 */
function declared(text: string, name: string): Array<Ceiling | null> {
  const n = namePattern(name);
  const out: Array<Ceiling | null> = [];
  // A PEP 508 requirement: at a line's start or in quotes; extras, then specifiers up to a marker,
  // quote or comment (not TOML's `dspy = "…"`, read below).
  const pep508 = new RegExp(`(?:^|["'])[ \\t]*(?:${n})[ \\t]*(?:\\[[^\\]]*\\])?[ \\t]*(\\(?[ \\t]*(?:===|==|!=|<=|>=|~=|<|>)[^;"'#\\r\\n]*)?(?=[ \\t]*(?:;|["']|#|\\r?\\n|$))`, 'gim');
  for (const m of text.matchAll(pep508)) out.push(m[1] ? (ceilingOf(m[1].replace(/[()]/g, '')) ?? null) : null);
  // Poetry / Pipfile: `dspy = "^2.6"`, `dspy = { version = "~2.6", extras = […] }`.
  const table = new RegExp(`^[ \\t]*["']?(?:${n})["']?[ \\t]*=[ \\t]*(?:"([^"]*)"|'([^']*)'|\\{[^}\\n]*?version[ \\t]*=[ \\t]*["']([^"']*)["'])`, 'gim');
  for (const m of text.matchAll(table)) out.push(ceilingOf(m[1] ?? m[2] ?? m[3] ?? '') ?? null);
  return out;
}

const LOCKS = ['uv.lock', 'poetry.lock', 'Pipfile.lock'];
const DECLARATIONS = ['pyproject.toml', 'setup.cfg', 'setup.py', 'Pipfile'];

function requirementFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^requirements[\w.-]*\.(txt|in)$/i.test(f))
      .sort();
  } catch {
    return [];
  }
}

/**
 * How far the project of the file at `filePath` lets `names` (one package's spellings, e.g. `dspy`
 * and its old name `dspy-ai`) go: a locked version is its own ceiling; declared constraints give the
 * highest any of them allows. undefined: not named, or a declaration without a ceiling.
 */
export function pinnedCeiling(filePath: string, names: readonly string[]): Ceiling | undefined {
  let dir = dirname(resolve(filePath));
  for (let depth = 0; depth < 40; depth++) {
    for (const lock of LOCKS) {
      const text = readText(join(dir, lock));
      for (const name of text ? names : []) {
        const v = lockedVersion(text!, name);
        if (v) return { version: v, inclusive: true };
      }
    }
    const found: Array<Ceiling | null> = [];
    for (const file of [...DECLARATIONS, ...requirementFiles(dir)]) {
      const text = readText(join(dir, file));
      if (text) for (const name of names) found.push(...declared(text, name));
    }
    if (found.length > 0) {
      // The project may install whatever the loosest declaration allows.
      if (found.some((c) => c === null)) return undefined;
      return (found as Ceiling[]).reduce((a, b) => (compareVersions(a.version, b.version) > 0 || (compareVersions(a.version, b.version) === 0 && a.inclusive) ? a : b));
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** Whether every version a ceiling allows is before `first` (a pre-release ceiling counts as written; `<X` excludes X's pre-releases, PEP 440). */
export function allBefore(ceiling: Ceiling, first: Version): boolean {
  const c = ceiling.version;
  if (ceiling.inclusive) return compareVersions(c, first) < 0;
  // `<3.0.4` allows no 3.0.4 pre-release: it is below `first` = 3.0.4b2 when 3.0.4 ≤ first's release.
  if (!c.pre) return compareVersions(c, { release: first.release }) <= 0;
  return compareVersions(c, first) <= 0;
}
