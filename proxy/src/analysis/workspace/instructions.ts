/**
 * The always-on instruction files of a workspace, read from disk, for the cross-file duplicate rule
 * (`analyzeFile(input, settings, { relatedFiles })`). The editor calls this with the workspace root.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../text/decode';
import type { AnalysisInput } from '../types';
import { MAX_ANALYSED_FILE_BYTES, readRegularFile } from './read-file';

const FIXED = ['AGENTS.md', 'CLAUDE.md', join('.github', 'copilot-instructions.md')];
const INSTRUCTIONS_DIR = join('.github', 'instructions');


/**
 * Runs on every analysis of an instruction file in the editor, so a path it cannot use — a
 * directory or named pipe called `x.instructions.md`, an unreadable or binary file — is left out
 * rather than blocking the extension host or failing the analysis of the open file.
 */
export function readInstructionFiles(root: string): AnalysisInput[] {
  const paths = FIXED.map((p) => join(root, p));
  const dir = join(root, INSTRUCTIONS_DIR);
  try {
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.instructions.md')) paths.push(join(dir, name));
  } catch {
    // no .github/instructions (or not a readable directory)
  }
  const out: AnalysisInput[] = [];
  for (const path of paths) {
    const bytes = readRegularFile(path, MAX_ANALYSED_FILE_BYTES);
    if (typeof bytes !== 'string') out.push({ path, text: decodeText(bytes) });
  }
  return out;
}
