/** The analysis engine, from the deferred bundle (loaded when the first document is analysed). */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { loadDeferred } from '../deferred/load';
import type { Analyzer } from './documentAnalyses';

/** Always-on instruction files: all sent on every request, so duplicates across them are reported. */
function isInstructionFile(path: string): boolean {
  const name = basename(path);
  return name === 'AGENTS.md' || name === 'CLAUDE.md' || name === 'copilot-instructions.md' || name.endsWith('.instructions.md');
}

export async function loadAnalyzer(): Promise<Analyzer> {
  const { analyzeFile, readInstructionFiles } = loadDeferred();
  return (input, settings, cancellation) => {
    const root = isInstructionFile(input.path) ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(input.path))?.uri.fsPath : undefined;
    // The other instruction files as they are on disk; the open document's own text wins for itself.
    const relatedFiles = root ? readInstructionFiles(root).filter((f) => f.path !== input.path) : [];
    return analyzeFile(input, settings, { relatedFiles, ...(cancellation ? { cancellation } : {}) });
  };
}
