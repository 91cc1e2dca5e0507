/**
 * Finds the files `tollgate lint` analyses under the given paths (directories walked; dependency,
 * virtualenv, cache and build-output directories skipped, and what git ignores — see gitignore.ts)
 * and analyses them, passing every instruction file found as related files so paragraphs
 * repeated across always-on instructions are reported. What cannot be read (an unreadable directory,
 * a FIFO, a huge or binary file) is skipped and told to `onSkip`, never a hang or an abort.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { isNotebookPath } from '../code/notebook';
import { analyzeFile } from '../index';
import { codeLanguageOf, DEFAULT_PROMPT_GLOBS, isInstructionKind, promptKindOf } from '../prompt/detect';
import { decodeText } from '../text/decode';
import { compilePathGlob } from '../text/path-glob';
import type { AnalysisInput, AnalysisSettings, FileAnalysis } from '../types';
import { ignored, parseGitignore, repositoryScopes, type IgnoreScope } from './gitignore';
import { failureReason, MAX_ANALYSED_FILE_BYTES, readRegularFile } from './read-file';
import { extension, UNREAD_LANGUAGES, unreadReason } from './unread-languages';

export { parseGitignore } from './gitignore';

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
  return promptKindOf(path, undefined, settings.promptGlobs ?? DEFAULT_PROMPT_GLOBS) !== undefined || codeLanguageOf(path) !== undefined || isNotebookPath(path);
}

/** Whether file names on this platform's usual file system ignore case (NTFS, APFS), as git assumes there. */
function caseInsensitiveFs(platform: NodeJS.Platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/** A path lint did not analyse, and why: reported so that a clean run is not mistaken for a complete one. */
export interface SkippedPath {
  path: string;
  reason: string;
  /** How many files the note stands for, when more than one (an unread language's files in a walk). */
  files?: number;
}

export interface CollectOptions {
  /** Told of each directory or file that could not be read (and, from analyzePaths, each file too large or not a regular file). */
  onSkip?: (skip: SkippedPath) => void;
  /** Where HOME / XDG_CONFIG_HOME are read from, for git's global ignore file. */
  env?: NodeJS.ProcessEnv;
}

export function collectFiles(paths: string[], settings: AnalysisSettings = {}, platform: NodeJS.Platform = process.platform, options: CollectOptions = {}): string[] {
  const out: string[] = [];
  const ignoreCase = caseInsensitiveFs(platform);
  const skip = (path: string, reason: string, files = 1) => options.onSkip?.({ path, reason, ...(files > 1 && { files }) });
  // Per language, the first unread file of a walk and how many there were.
  const unread = new Map<string, { first: string; count: number }>();
  const countUnread = (path: string, language: string) => unread.set(language, { first: unread.get(language)?.first ?? path, count: (unread.get(language)?.count ?? 0) + 1 });
  const walk = (dir: string, parentScopes: IgnoreScope[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      // One unreadable directory (another user's, a mount point) must not end the whole run.
      skip(dir, `cannot list directory: ${failureReason(err)}`);
      return;
    }
    let scopes = parentScopes;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        scopes = [...parentScopes, { dir, rules: parseGitignore(readFileSync(join(dir, '.gitignore'), 'utf8'), ignoreCase) }];
      } catch (err) {
        skip(join(dir, '.gitignore'), `cannot read: ${failureReason(err)}; its patterns were not applied`);
      }
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDir(entry.name, full) && !ignored(scopes, full, entry.name, true)) walk(full, scopes);
      } else if (entry.isFile()) {
        // '': a file lint reads; a name: an unread language's; undefined: neither (and no ignore rules to match).
        const language = analysable(full, settings) ? '' : UNREAD_LANGUAGES[extension(full)];
        if (language === undefined || ignored(scopes, full, entry.name, false)) continue;
        if (language) countUnread(full, language);
        else out.push(full);
      }
    }
  };
  const visit = (p: string) => {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      // A glob match that cannot be followed (a dangling or looping symbolic link).
      skip(p, failureReason(err));
      return;
    }
    // A directory starts with what git would already ignore there: info/exclude, the global
    // excludes file, and the .gitignore files of the directories above it in its repository.
    const language = isDir || analysable(p, settings) ? undefined : UNREAD_LANGUAGES[extension(p)];
    if (isDir) walk(p, repositoryScopes(p, ignoreCase, options.env));
    else if (language) countUnread(p, language);
    else out.push(p); // a file named explicitly is analysed even if it is not a known kind (it reports 'unknown')
    for (const [lang, { first, count }] of unread) skip(first, unreadReason(first, lang, count - 1), count);
    unread.clear();
  };
  for (const p of paths) {
    try {
      statSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        // It exists but cannot be reached (a parent without search permission, a link loop).
        skip(p, failureReason(err));
        continue;
      }
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

/**
 * A notebook saved with its outputs (plots, tables as base64) is often many megabytes around a few
 * kilobytes of code; only its cells' sources are analysed, so it may be larger.
 */
const MAX_NOTEBOOK_BYTES = 50_000_000;

export async function analyzePaths(paths: string[], settings: AnalysisSettings = {}, options: CollectOptions = {}): Promise<FileResult[]> {
  const inputs: AnalysisInput[] = [];
  for (const path of collectFiles(paths, settings, process.platform, options)) {
    const bytes = readRegularFile(path, isNotebookPath(path) ? MAX_NOTEBOOK_BYTES : MAX_ANALYSED_FILE_BYTES);
    if (typeof bytes === 'string') {
      options.onSkip?.({ path, reason: bytes });
      continue;
    }
    // As an editor presents it: encoding from the byte-order mark, lone CRs as line breaks (text/decode.ts).
    inputs.push({ path, text: decodeText(bytes) });
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
