/** The analysis engine, from the deferred bundle (loaded when the first document is analysed). */
import * as vscode from 'vscode';
import { loadDeferred } from '../deferred/load';
import type { Analyzer } from './documentAnalyses';
import { isInstructionDocument, samePath } from './instructionPeers';

export async function loadAnalyzer(platform: NodeJS.Platform = process.platform): Promise<Analyzer> {
  const { analyzeFile, readInstructionFiles } = loadDeferred();
  return (input, settings, cancellation) => {
    // Always-on instruction files: all sent on every request, so duplicates across them are reported.
    const root = isInstructionDocument(input.path, input.languageId) ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(input.path))?.uri.fsPath : undefined;
    // The other instruction files as they are on disk; the open document's own text wins for itself.
    const relatedFiles = root ? readInstructionFiles(root).filter((f) => !samePath(f.path, input.path, platform)) : [];
    return analyzeFile(input, settings, { relatedFiles, ...(cancellation ? { cancellation } : {}) });
  };
}
