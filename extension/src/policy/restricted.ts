/** What "Open Policy" and "Export Policy" say in Restricted Mode, where the workspace policy exists but is not applied. */
import * as vscode from 'vscode';

/** Restricted Mode ignores the workspace policy (a repository's policy decides where API keys go): say so, with the way out. */
export async function explainRestricted(): Promise<void> {
  const pick = await vscode.window.showWarningMessage(
    "Restricted Mode: Tollgate ignores this folder's .tollgate/policy.yaml until you trust the folder (a repository's policy decides where your API keys are sent).",
    'Manage Workspace Trust',
  );
  if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
}
