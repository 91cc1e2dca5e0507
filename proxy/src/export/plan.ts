/**
 * What an export would change on disk, for the CLI (`--check`, writing) and the VS Code command
 * (diff view, ask before overwriting). Reads the policy and the existing files; writes nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { POLICY_NAMES } from '../policy/files';
import { parsePolicy, type PolicyProblem } from '../policy/load';
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
  /** Directory paths in headers are relative to (default: cwd), so output is machine-independent. */
  root?: string;
  /** Read a file or return undefined; defaults to the real filesystem. */
  read?: (path: string) => string | undefined;
}

export type ExportPlan =
  | { ok: true; files: PlannedFile[]; warnings: Array<ExportWarning & { target: ExportTarget }> }
  | { ok: false; problems: PolicyProblem[] };

export const DEFAULT_POLICY_FILE = POLICY_NAMES[0];
export const DEFAULT_EXPORT_DIR = '.tollgate/exports';

/** A file's text, or undefined when there is none: how planExport reads unless given `read`. */
export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

export function planExport(options: PlanOptions): ExportPlan {
  const read = options.read ?? readIfExists;
  const text = read(options.policyFile);
  if (text === undefined)
    return { ok: false, problems: [{ file: options.policyFile, line: 1, column: 1, path: '', message: 'policy file not found' }] };
  const label = relative(options.root ?? process.cwd(), options.policyFile).split('\\').join('/') || options.policyFile;
  const parsed = parsePolicy(text, label);
  if (!parsed.ok) return parsed;
  const outDir = options.outDir ?? DEFAULT_EXPORT_DIR;
  const files: PlannedFile[] = [];
  const warnings: Array<ExportWarning & { target: ExportTarget }> = [];
  for (const target of options.targets) {
    const result = exportPolicy(parsed.policy, target, { file: label, text });
    for (const f of result.files) {
      const path = join(outDir, target, f.path);
      const existing = read(path);
      const planned: PlannedFile = { target, path, content: f.content, changed: existing !== f.content };
      if (existing !== undefined) planned.existing = existing;
      files.push(planned);
    }
    for (const w of result.warnings) warnings.push({ target, ...w });
  }
  return { ok: true, files, warnings };
}
