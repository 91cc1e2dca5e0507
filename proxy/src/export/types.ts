/**
 * Shapes shared by the policy exporters. Pure data: an export is a list of files plus the warnings
 * for every policy field the target cannot express (never dropped silently).
 */
import type { Policy } from '../policy/schema';

export const EXPORT_TARGETS = ['litellm', 'portkey', 'bifrost'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

/** The policy file an export was generated from; its text is hashed into every header. */
export interface ExportSource {
  /** Path as it should appear in headers (relative to the repo root keeps diffs machine-independent). */
  file: string;
  text: string;
  /** Tells this repository's keys from another's on one gateway; planExport keeps an earlier export's or makes a random one (default: the policy's hash). */
  repository?: string;
  /** The git origin the repository id was made in, kept beside it so a fork or copy can be told (planExport). */
  origin?: string;
}

export interface ExportFile {
  /** Path relative to the target's output directory, `/`-separated. */
  path: string;
  content: string;
}

export interface ExportWarning {
  /** Dotted policy path, e.g. `budgets[0].tokens` or `routing.rules[1].match.header`. */
  field: string;
  message: string;
}

export interface ExportResult {
  files: ExportFile[];
  warnings: ExportWarning[];
}

/** What every target module implements. */
export type Exporter = (policy: Policy, source: ExportSource) => ExportResult;

export function isExportTarget(value: string): value is ExportTarget {
  return (EXPORT_TARGETS as readonly string[]).includes(value);
}
