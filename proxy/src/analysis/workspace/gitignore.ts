/**
 * What git ignores, as `tollgate lint` walks a tree: each directory's .gitignore, plus — as `git
 * status` does — the .gitignore files of the directories above the path being linted (up to the
 * repository's root), the repository's `info/exclude` and the user's `core.excludesFile`.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { compilePathGlob, type PathGlob } from '../text/path-glob';
import { readRegularFile } from './read-file';

export interface IgnoreRule {
  re: PathGlob;
  /** Matched against the path relative to the .gitignore's directory (else against the name). */
  anchored: boolean;
  dirOnly: boolean;
  negate: boolean;
}

export interface IgnoreScope {
  /** Directory the patterns are relative to (a .gitignore's own directory; the work tree's root for info/exclude and core.excludesFile). */
  dir: string;
  rules: IgnoreRule[];
}

/**
 * The simple patterns of a .gitignore: globs, `/`-anchored paths, trailing `/` for directories, `!` negation.
 * `ignoreCase` matches as git does where `core.ignorecase` is on (its default on Windows and macOS).
 */
export function parseGitignore(text: string, ignoreCase = false): IgnoreRule[] {
  const out: IgnoreRule[] = [];
  // Git skips a UTF-8 byte-order mark (Notepad writes one); kept, it would spoil the first pattern.
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (!line) continue;
    try {
      out.push({ re: compilePathGlob(line, { ignoreCase }), anchored, dirOnly, negate });
    } catch {
      // a pattern we cannot read is left out
    }
  }
  return out;
}

/** Whether the last rule (of the last scope) matching `full` ignores it: deeper and later patterns win, as in git. */
export function ignored(scopes: IgnoreScope[], full: string, name: string, isDir: boolean): boolean {
  let result = false;
  for (const scope of scopes) {
    // relative(), not slicing off the directory's length: a drive root (`P:\` of a `subst` or mapped
    // drive) or a path given with a trailing separator already ends with one.
    const rel = relative(scope.dir, full).split(/[\\/]/).join('/');
    for (const r of scope.rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(r.anchored ? rel : name)) result = !r.negate;
    }
  }
  return result;
}

/** A small text file's contents; none when absent, unreadable, not a regular file (a FIFO would block a read) or implausibly large. */
function readOptional(path: string): string | undefined {
  const bytes = readRegularFile(path, 10_000_000);
  return typeof bytes === 'string' ? undefined : bytes.toString('utf8');
}

/** A scope from an ignore file, or none when the file is absent or unreadable. */
export function scopeFromFile(file: string, dir: string, ignoreCase: boolean): IgnoreScope | undefined {
  const text = readOptional(file);
  return text === undefined ? undefined : { dir, rules: parseGitignore(text, ignoreCase) };
}

interface Repository {
  /** The work tree's root (the directory holding `.git`). */
  root: string;
  /** Where `info/exclude` and `config` live: `.git`, or for a linked worktree the main repository's git directory. */
  commonDir: string;
}

/**
 * The repository `dir` is in: the nearest directory at or above it holding `.git` — a directory, or
 * the file a linked worktree or submodule has (`gitdir: …`), whose git directory may name its main
 * repository's in a `commondir` file.
 */
export function findRepository(dir: string): Repository | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const dotGit = join(d, '.git');
    let isDir: boolean | undefined;
    try {
      isDir = statSync(dotGit).isDirectory();
    } catch {
      isDir = undefined;
    }
    if (isDir === true) return { root: d, commonDir: dotGit };
    if (isDir === false) {
      const gitdir = /^gitdir:\s*(.+?)\s*$/m.exec(readOptional(dotGit) ?? '')?.[1];
      if (gitdir) {
        const gitDir = resolve(d, gitdir);
        const common = readOptional(join(gitDir, 'commondir'))?.trim();
        return { root: d, commonDir: common ? resolve(gitDir, common) : gitDir };
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The value of `core.excludesFile` in one git config file's text, if it sets it (the last setting wins, as in git). */
export function coreExcludesFile(config: string): string | undefined {
  let section = '';
  let value: string | undefined;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"[^"]*")?\s*\]/.exec(line);
    if (header) {
      section = header[1]!.toLowerCase();
      continue;
    }
    if (section !== 'core') continue;
    const m = /^excludesfile\s*=\s*(.*)$/i.exec(line);
    if (!m) continue;
    let v = m[1]!.replace(/\s+[#;].*$/, '').trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(["\\])/g, '$1');
    value = v;
  }
  return value;
}

/**
 * The user's global ignore file: `core.excludesFile` from the XDG git config, ~/.gitconfig or the
 * repository's config (later wins), else git's default `$XDG_CONFIG_HOME/git/ignore`
 * (`~/.config/git/ignore`). An empty setting turns it off.
 */
export function globalExcludesFile(env: NodeJS.ProcessEnv, repositoryConfig?: string): string | undefined {
  const home = env.HOME || env.USERPROFILE || homedir();
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  let file: string | undefined = join(xdg, 'git', 'ignore');
  for (const config of [join(xdg, 'git', 'config'), join(home, '.gitconfig'), ...(repositoryConfig ? [repositoryConfig] : [])]) {
    const setting = coreExcludesFile(readOptional(config) ?? '');
    if (setting === undefined) continue;
    file = setting === '' ? undefined : setting.replace(/^~(?=$|[\\/])/, home);
  }
  return file;
}

/**
 * The ignore scopes in force at `dir` before its own .gitignore is read, lowest precedence first:
 * `core.excludesFile`, `info/exclude`, then the .gitignore of each directory from the repository's
 * root down to `dir`'s parent. None outside a repository.
 */
export function repositoryScopes(dir: string, ignoreCase: boolean, env: NodeJS.ProcessEnv = process.env): IgnoreScope[] {
  const repo = findRepository(dir);
  if (!repo) return [];
  const scopes: IgnoreScope[] = [];
  const global = globalExcludesFile(env, join(repo.commonDir, 'config'));
  const add = (s: IgnoreScope | undefined) => s && s.rules.length > 0 && scopes.push(s);
  if (global) add(scopeFromFile(global, repo.root, ignoreCase));
  add(scopeFromFile(join(repo.commonDir, 'info', 'exclude'), repo.root, ignoreCase));
  // The directories from the root down to dir's parent (dir's own .gitignore is read by the walk).
  const ancestors: string[] = [];
  for (let d = resolve(dir); d !== repo.root && dirname(d) !== d; d = dirname(d)) ancestors.unshift(dirname(d));
  for (const a of ancestors) add(scopeFromFile(join(a, '.gitignore'), a, ignoreCase));
  return scopes;
}
