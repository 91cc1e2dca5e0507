/**
 * What an export would change on disk, for the CLI (`--check`, writing) and the VS Code command
 * (diff view, ask before overwriting). Reads the policy and the existing files; writes nothing.
 *
 * A cloned repository decides what its paths are: the policy or an existing export can be a
 * symbolic link to a private key, a device or nothing. So the policy is read as the proxy reads it
 * (policy/store.ts readPolicyText: a regular .yaml file of sane size, a dangling link named as one),
 * and every output path is checked before it is read, whoever reads it: it must stay in the
 * workspace (or in the output folder the user chose outside it), through every link on the way, and
 * be a regular file of at most MAX_EXPORT_FILE_BYTES. An existing export is shown in a diff and then
 * overwritten through its links, so one that leads elsewhere is refused, never read.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { brokenLinkOnPath, entryExists, POLICY_NAMES } from '../policy/files';
import { parsePolicy, type PolicyProblem } from '../policy/load';
import { readPolicyText } from '../policy/store';
import type { ExportTarget, ExportWarning } from './types';
import { exportPolicy } from './exportPolicy';

export interface PlannedFile {
  target: ExportTarget;
  /** Absolute (or cwd-relative, as given) path where the file goes. */
  path: string;
  content: string;
  /** Current content on disk, when the file exists. */
  existing?: string;
  /** True when the file is missing or its content differs. */
  changed: boolean;
}

export interface PlanOptions {
  /** Policy file to read. */
  policyFile: string;
  targets: readonly ExportTarget[];
  /** Output root; each target goes to `<outDir>/<target>/`. Default `.tollgate/exports`. */
  outDir?: string;
  /** Directory paths in headers are relative to (default: cwd), so output is machine-independent; also the workspace outputs must stay in. */
  root?: string;
  /**
   * Read a file or return undefined; defaults to the real filesystem (the policy as the proxy reads
   * it, outputs with readIfExists). May throw ExportReadError. Output paths are checked first either way.
   */
  read?: (path: string) => string | undefined;
}

export type ExportPlan =
  | { ok: true; files: PlannedFile[]; warnings: Array<ExportWarning & { target: ExportTarget }> }
  | { ok: false; problems: PolicyProblem[] };

export const DEFAULT_POLICY_FILE = POLICY_NAMES[0];
export const DEFAULT_EXPORT_DIR = '.tollgate/exports';

/** Far above any generated file (those are kilobytes); an existing output bigger than this is not an export. */
export const MAX_EXPORT_FILE_BYTES = 4 * 1024 * 1024;

/** A file planExport will not read; the message names the path and never quotes the file. */
export class ExportReadError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExportReadError';
  }
}

/**
 * A file's text, or undefined when there is none: how planExport reads existing outputs unless given
 * `read`. Only a regular file of at most MAX_EXPORT_FILE_BYTES is read; anything else (a folder, a
 * device, a FIFO that would block) throws ExportReadError.
 */
export function readIfExists(path: string): string | undefined {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ExportReadError(path, 'not a regular file, as an export is; move it away and export again');
    size = st.size;
  } catch (err) {
    if (err instanceof ExportReadError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    // Nothing there (a dangling link too: unsafeOutput names those before anything is read).
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ExportReadError(path, `cannot read it (${code ?? 'error'})`);
  }
  if (size > MAX_EXPORT_FILE_BYTES) throw new ExportReadError(path, `the file is ${size} bytes; the limit is ${MAX_EXPORT_FILE_BYTES}, far above any export. Move it away and export again`);
  return readFileSync(path, 'utf8');
}

/**
 * Why an output path must not be read or written, or undefined. `within` is the folder it has to
 * stay in: every existing entry on the way to it must resolve inside that folder, so neither the
 * file nor a parent folder can be a link out of it; a link that leads nowhere is named as one.
 */
export function unsafeOutput(path: string, within: string): string | undefined {
  const broken = brokenLinkOnPath(path);
  if (broken)
    return broken.loop
      ? `${broken.link} is a symbolic link in a loop (${broken.target}); remove it and export again`
      : `${broken.link} is a symbolic link to ${broken.target}, which does not exist; remove the link and export again`;
  // The nearest entry that is there: the file, or the folder it will be created in.
  let at = resolve(path);
  while (!entryExists(at) && dirname(at) !== at) at = dirname(at);
  const base = resolve(within);
  // Above the output folder (not created yet): nothing of the workspace's is on the way.
  if (!isInside(at, base)) return undefined;
  let real: string;
  let realBase: string;
  try {
    real = realpathSync(at);
    realBase = realpathSync(base);
  } catch (err) {
    return `${at} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (!isInside(real, realBase)) return `${at} is a symbolic link (or inside one) to ${real}, outside the workspace ${base}; an export is read and written only inside it. Remove the link, or name the folder it leads to as the output folder (--out) to export there`;
  return undefined;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The policy as `tollgate start` and the proxy read it; undefined when there is no entry of that name. */
function readPolicy(file: string): string | undefined {
  if (!entryExists(file)) return undefined;
  const read = readPolicyText(file);
  if ('problem' in read) throw new ExportReadError(file, read.problem);
  return read.text;
}

/** The workspace's git `origin` as host/path, so SSH and HTTPS clones of one repository agree; undefined outside git. */
function gitOrigin(root: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?\/*$/i.exec(url);
    return m ? `${m[1]!.toLowerCase()}/${m[2]}` : url || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The repository id an earlier export wrote, so its keys stay this repository's after a policy edit (an unreadable
 * file is refused as an output); else a new random one, with the git origin it was made in: repositories that first
 * export the same policy text (`tollgate policy init`'s starter) must not share an id, or each one's apply.mjs names
 * the other's keys to delete. A fork or copy of the export folder brings the id along: it is kept (re-identifying
 * would disown this repository's keys whenever a remote URL changes), and `copied` names the origin it was made in and
 * this one. Git is spawned only where the origin is written or compared.
 */
function repositoryId(path: string, within: string, read: (path: string) => string | undefined, root: string): { repository: string; origin?: string; copied?: [string, string] } {
  try {
    const earlier = unsafeOutput(path, within) === undefined ? (JSON.parse(read(path) ?? '{}') as { repository?: unknown; origin?: unknown }) : {};
    const recorded = typeof earlier.origin === 'string' ? earlier.origin : undefined;
    const origin = recorded === undefined ? undefined : gitOrigin(root);
    if (typeof earlier.repository === 'string') return { repository: earlier.repository, origin: recorded, copied: recorded !== undefined && origin !== undefined && recorded !== origin ? [recorded, origin] : undefined };
  } catch {}
  return { repository: randomBytes(8).toString('hex'), origin: gitOrigin(root) };
}

export function planExport(options: PlanOptions): ExportPlan {
  const root = options.root ?? process.cwd();
  const label = relative(root, options.policyFile).split('\\').join('/') || options.policyFile;
  const shown = (path: string): string => (isInside(resolve(path), resolve(root)) ? relative(root, path).split('\\').join('/') || path : path);
  const refuse = (path: string, message: string): ExportPlan => ({ ok: false, problems: [{ file: shown(path), line: 1, column: 1, path: '', message }] });
  let text: string | undefined;
  try {
    text = options.read ? options.read(options.policyFile) : readPolicy(options.policyFile);
  } catch (err) {
    if (err instanceof ExportReadError) return refuse(err.path, err.message);
    throw err;
  }
  // As given: the message the CLI has always printed for a missing policy.
  if (text === undefined) return { ok: false, problems: [{ file: options.policyFile, line: 1, column: 1, path: '', message: 'policy file not found' }] };
  const parsed = parsePolicy(text, label);
  if (!parsed.ok) return parsed;
  const outDir = options.outDir ?? DEFAULT_EXPORT_DIR;
  // Outputs inside the workspace stay in it; a folder the user chose elsewhere bounds its own files.
  const within = isInside(resolve(outDir), resolve(root)) ? root : outDir;
  const read = options.read ?? readIfExists;
  const files: PlannedFile[] = [];
  const warnings: Array<ExportWarning & { target: ExportTarget }> = [];
  for (const target of options.targets) {
    // Only LiteLLM's management.json carries the id.
    const { copied, ...id } = target === 'litellm' ? repositoryId(join(outDir, target, 'management.json'), within, read, root) : {};
    const result = exportPolicy(parsed.policy, target, { file: label, text, ...id });
    if (copied)
      warnings.push({ target, field: 'repository', message: `management.json's repository id was made in ${copied[0]}, and this repository's git origin is ${copied[1]}: a fork or copy shares the id, so on a LiteLLM both apply to, each one's apply.mjs names the other's keys as its own to delete. If this is a fork or copy, remove "repository" and "origin" from management.json and export again to get its own id; if it is the same repository under another URL, set "origin" to "${copied[1]}"` });
    for (const f of result.files) {
      const path = join(outDir, target, f.path);
      const unsafe = unsafeOutput(path, within);
      if (unsafe !== undefined) return refuse(path, unsafe);
      let existing: string | undefined;
      try {
        existing = read(path);
      } catch (err) {
        if (err instanceof ExportReadError) return refuse(path, err.message);
        throw err;
      }
      const planned: PlannedFile = { target, path, content: f.content, changed: existing !== f.content };
      if (existing !== undefined) planned.existing = existing;
      files.push(planned);
    }
    for (const w of result.warnings) warnings.push({ target, ...w });
  }
  return { ok: true, files, warnings };
}
