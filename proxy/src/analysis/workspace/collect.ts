/**
 * Finds the files `tollgate lint` analyses under the given paths (directories walked; node_modules
 * and .git skipped) and analyses them, passing every instruction file found as related files so
 * paragraphs repeated across always-on instructions are reported.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../index';
import { codeLanguageOf, DEFAULT_PROMPT_GLOBS, isInstructionKind, promptKindOf } from '../prompt/detect';
import type { AnalysisInput, AnalysisSettings, FileAnalysis } from '../types';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);
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

export function collectFiles(paths: string[], settings: AnalysisSettings = {}): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && analysable(full, settings)) out.push(full);
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new MissingPathError(p);
    }
    if (st.isDirectory()) walk(p);
    else out.push(p); // a file named explicitly is analysed even if it is not a known kind (it reports 'unknown')
  }
  return [...new Set(out)];
}

export async function analyzePaths(paths: string[], settings: AnalysisSettings = {}): Promise<FileResult[]> {
  const inputs: AnalysisInput[] = [];
  for (const path of collectFiles(paths, settings)) {
    if (statSync(path).size > MAX_FILE_BYTES) continue;
    inputs.push({ path, text: readFileSync(path, 'utf8') });
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
