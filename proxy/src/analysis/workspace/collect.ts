/**
 * Finds the files `tollgate lint` analyses under the given paths (directories walked; dependency,
 * virtualenv, cache and build-output directories skipped, and what each directory's .gitignore
 * ignores) and analyses them, passing every instruction file found as related files so paragraphs
 * repeated across always-on instructions are reported.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeFile } from '../index';
import { codeLanguageOf, DEFAULT_PROMPT_GLOBS, isInstructionKind, promptKindOf } from '../prompt/detect';
import { decodeText } from '../text/decode';
import { compilePathGlob, type PathGlob } from '../text/path-glob';
import type { AnalysisInput, AnalysisSettings, FileAnalysis } from '../types';

/** Installed packages, virtualenvs, caches and build output: copies of code, not the project's own. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '__pycache__',
  'site-packages',
  '.eggs',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.parcel-cache',
  '.vercel',
  '.serverless',
  '.aws-sam',
  '.yarn',
  '.pnpm-store',
  '.gradle',
  '.vscode-test',
]);

/** A directory to skip when walking: a known name, `*.egg-info`, or a virtualenv under any name (it holds pyvenv.cfg). */
function skippedDir(name: string, full: string): boolean {
  if (SKIPPED_DIRS.has(name) || name.endsWith('.egg-info')) return true;
  try {
    return statSync(join(full, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}

interface IgnoreRule {
  re: PathGlob;
  /** Matched against the path relative to the .gitignore's directory (else against the name). */
  anchored: boolean;
  dirOnly: boolean;
  negate: boolean;
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

interface IgnoreScope {
  /** Directory of the .gitignore, with a trailing separator-free path. */
  dir: string;
  rules: IgnoreRule[];
}

function ignored(scopes: IgnoreScope[], full: string, name: string, isDir: boolean): boolean {
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
/** Larger files are generated or data, not prompts or hand-written calls. */
const MAX_FILE_BYTES = 2_000_000;

export interface FileResult extends FileAnalysis {
  path: string;
  text: string;
}

export class MissingPathError extends Error {
  constructor(readonly path: string) {
    super(`no such file or directory: ${path}`);
  }
}

function analysable(path: string, settings: AnalysisSettings): boolean {
  return promptKindOf(path, undefined, settings.promptGlobs ?? DEFAULT_PROMPT_GLOBS) !== undefined || codeLanguageOf(path) !== undefined;
}

/** Whether file names on this platform's usual file system ignore case (NTFS, APFS), as git assumes there. */
function caseInsensitiveFs(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

export function collectFiles(paths: string[], settings: AnalysisSettings = {}, platform: NodeJS.Platform = process.platform): string[] {
  const out: string[] = [];
  const ignoreCase = caseInsensitiveFs(platform);
  const walk = (dir: string, parentScopes: IgnoreScope[]) => {
    const entries: Dirent[] = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    let scopes = parentScopes;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        scopes = [...parentScopes, { dir, rules: parseGitignore(readFileSync(join(dir, '.gitignore'), 'utf8'), ignoreCase) }];
      } catch {
        // unreadable: walk as if it were not there
      }
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDir(entry.name, full) && !ignored(scopes, full, entry.name, true)) walk(full, scopes);
      } else if (entry.isFile() && analysable(full, settings) && !ignored(scopes, full, entry.name, false)) out.push(full);
    }
  };
  const visit = (p: string) => {
    if (statSync(p).isDirectory()) walk(p, []);
    else out.push(p); // a file named explicitly is analysed even if it is not a known kind (it reports 'unknown')
  };
  for (const p of paths) {
    try {
      statSync(p);
    } catch {
      const matches = expandGlobArgument(p, platform);
      if (matches.length === 0) throw new MissingPathError(p);
      for (const m of matches) visit(m);
      continue;
    }
    visit(p);
  }
  return [...new Set(out)];
}

/**
 * The paths a glob argument names. cmd and PowerShell hand `prompts\*.prompt.md` to the program as
 * written (a POSIX shell would have expanded it), so it is expanded here, as such a shell would:
 * `*`, `?`, `[…]`, `**` and `{a,b}`, case-insensitively where the file system is. None: no matches.
 */
function expandGlobArgument(arg: string, platform: NodeJS.Platform): string[] {
  const parts = arg.split(platform === 'win32' ? /[\\/]/ : /\//);
  const first = parts.findIndex((s) => /[*?[{]/.test(s));
  if (first < 0) return [];
  // `C:` alone is the drive's current directory, not its root.
  const base = first === 0 ? '.' : `${parts.slice(0, first).join('/')}/`;
  const pattern = parts.slice(first).join('/');
  const re = compilePathGlob(pattern, { braces: true, ignoreCase: caseInsensitiveFs(platform) });
  const depth = pattern.includes('**') ? Number.POSITIVE_INFINITY : parts.length - first;
  const found: string[] = [];
  const scan = (dir: string, rel: string, level: number) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const full = join(dir, e.name);
      if (re.test(r)) found.push(full);
      else if (e.isDirectory() && level < depth && !skippedDir(e.name, full)) scan(full, r, level + 1);
    }
  };
  scan(base, '', 1);
  return found;
}

export async function analyzePaths(paths: string[], settings: AnalysisSettings = {}): Promise<FileResult[]> {
  const inputs: AnalysisInput[] = [];
  for (const path of collectFiles(paths, settings)) {
    if (statSync(path).size > MAX_FILE_BYTES) continue;
    // As an editor presents it: encoding from the byte-order mark, lone CRs as line breaks (text/decode.ts).
    inputs.push({ path, text: decodeText(readFileSync(path)) });
  }
  const globs = settings.promptGlobs ?? DEFAULT_PROMPT_GLOBS;
  const instructions = inputs.filter((i) => isInstructionKind(promptKindOf(i.path, undefined, globs) ?? ''));
  const results: FileResult[] = [];
  for (const input of inputs) {
    const r = await analyzeFile(input, settings, { relatedFiles: instructions });
    results.push({ ...r, path: input.path, text: input.text });
  }
  return results;
}
