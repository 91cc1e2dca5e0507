/**
 * A file in a language the analysis does not read (C#, Ruby, …) gets no CodeLens and no findings,
 * which reads as "all good". Said once per language per workspace, as `tollgate lint` names such
 * files as skipped: the same list, asked of lint's own collector.
 */
import * as vscode from 'vscode';
import { loadDeferred } from '../deferred/load';

const NOTED = 'tollgate.unreadLanguagesNoted';

export function noteUnreadLanguages(state: vscode.Memento): vscode.Disposable {
  const check = (doc: vscode.TextDocument) => {
    if (doc.uri.scheme !== 'file') return;
    const skips: string[] = [];
    try {
      loadDeferred().collectFiles([doc.uri.fsPath], {}, process.platform, { onSkip: (s) => skips.push(s.reason) });
    } catch {
      return; // Gone from disk since it was opened (lint's "no such file"): nothing to say of it.
    }
    // Lint skips a file named to it for its language, or when it cannot stat it (said otherwise).
    const reason = skips.find((r) => r.includes(' is not analysed'));
    const noted = state.get<string[]>(NOTED, []);
    if (!reason || noted.includes(reason)) return;
    void state.update(NOTED, [...noted, reason]);
    void vscode.window.showInformationMessage(`Tollgate: ${reason}. These files get no cost CodeLens or findings; the proxy still records and prices their calls.`);
  };
  // After activation, which loads nothing heavy (the collector is in the deferred bundle).
  const timer = setTimeout(() => vscode.workspace.textDocuments.forEach(check), 0);
  return vscode.Disposable.from(vscode.workspace.onDidOpenTextDocument(check), { dispose: () => clearTimeout(timer) });
}
