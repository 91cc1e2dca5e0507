/**
 * A file in a language the analysis does not read (C#, Ruby, …) gets no CodeLens and no findings,
 * which reads as "all good". Said once per language per workspace, as `tollgate lint` names such
 * files as skipped: the same list and words, from a module small enough to ask at activation for
 * every open file (the analysis engine stays unloaded, the file unread).
 */
import * as vscode from 'vscode';
import { extension, UNREAD_LANGUAGES, unreadReason } from '@proxy/analysis/workspace/unread-languages';

const NOTED = 'tollgate.unreadLanguagesNoted';

export function noteUnreadLanguages(state: vscode.Memento): vscode.Disposable {
  const check = (doc: vscode.TextDocument) => {
    const language = doc.uri.scheme === 'file' ? UNREAD_LANGUAGES[extension(doc.uri.fsPath)] : undefined;
    const reason = language && unreadReason(doc.uri.fsPath, language);
    const noted = state.get<string[]>(NOTED, []);
    if (!reason || noted.includes(reason)) return;
    void state.update(NOTED, [...noted, reason]);
    void vscode.window.showInformationMessage(`Tollgate: ${reason}. These files get no cost CodeLens or findings; the proxy still records and prices their calls.`);
  };
  // After activation, which stays a matter of creating objects.
  const timer = setTimeout(() => vscode.workspace.textDocuments.forEach(check), 0);
  return vscode.Disposable.from(vscode.workspace.onDidOpenTextDocument(check), { dispose: () => clearTimeout(timer) });
}
