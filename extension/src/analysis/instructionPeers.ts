/**
 * Which document is an always-on instruction file, and which files on disk are that same document,
 * for the cross-file duplicate rule. Pure (no `vscode`).
 */
import { isInstructionKind, promptKindOf } from '../../../proxy/src/analysis/prompt/detect';

/**
 * The files readInstructionFiles (proxy/src/analysis/workspace/instructions.ts) reads as an
 * instruction file's peers, for a watcher: when one changes on disk, the open instruction files of
 * its folder are analysed again.
 */
export const INSTRUCTION_PEERS_GLOB = '**/{AGENTS.md,CLAUDE.md,.github/copilot-instructions.md,.github/instructions/*.instructions.md}';

/** The same test `tollgate lint` applies (so `agents.md` counts in the editor as it does there). */
export function isInstructionDocument(path: string, languageId?: string): boolean {
  return isInstructionKind(promptKindOf(path, languageId, []) ?? '');
}

/**
 * Whether two paths name one file. On Windows and macOS file names ignore case (and macOS their
 * Unicode normal form; Windows takes either slash), so `Repo/AGENTS.md` read from the workspace
 * folder is the document opened as `repo/AGENTS.md` — not a second file that repeats every paragraph.
 */
export function samePath(a: string, b: string, platform: NodeJS.Platform): boolean {
  if (platform !== 'win32' && platform !== 'darwin') return a === b;
  const key = (p: string) => (platform === 'win32' ? p.replace(/\//g, '\\') : p).normalize('NFC').toLowerCase();
  return key(a) === key(b);
}
