/**
 * The always-on instruction files of a workspace, read from disk, for the cross-file duplicate rule
 * (`analyzeFile(input, settings, { relatedFiles })`). The editor calls this with the workspace root.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeText } from '../text/decode';
import type { AnalysisInput } from '../types';

const FIXED = ['AGENTS.md', 'CLAUDE.md', join('.github', 'copilot-instructions.md')];
const INSTRUCTIONS_DIR = join('.github', 'instructions');

export function readInstructionFiles(root: string): AnalysisInput[] {
  const paths = FIXED.map((p) => join(root, p)).filter((p) => existsSync(p) && statSync(p).isFile());
  const dir = join(root, INSTRUCTIONS_DIR);
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.instructions.md')) paths.push(join(dir, name));
  }
  return paths.map((path) => ({ path, text: decodeText(readFileSync(path)) }));
}
