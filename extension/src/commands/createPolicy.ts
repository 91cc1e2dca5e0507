/** Writes a starter `.tollgate/policy.yaml` (never over an existing one) and opens it. */
import * as vscode from 'vscode';
import { STARTER_POLICY } from '../policy/starterPolicy';
import type { ProxyController } from '../proxy/proxyController';

export function registerCreatePolicy(proxy: ProxyController): vscode.Disposable {
  return vscode.commands.registerCommand('tollgate.createPolicy', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create .tollgate/policy.yaml in…' }) : folders[0];
    if (!folder) {
      void vscode.window.showWarningMessage('Open a folder first: the policy lives in <folder>/.tollgate/policy.yaml.');
      return;
    }
    const file = vscode.Uri.joinPath(folder.uri, '.tollgate', 'policy.yaml');
    const exists = await vscode.workspace.fs.stat(file).then(() => true, () => false);
    if (!exists) await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(STARTER_POLICY));
    // Beside a walkthrough or other non-text tab (the Getting Started page stays open).
    const active = vscode.window.tabGroups?.activeTabGroup.activeTab;
    const besideNonText = active !== undefined && !(active.input instanceof vscode.TabInputText);
    await vscode.window.showTextDocument(file, { preview: false, ...(besideNonText ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
    if (exists) void vscode.window.showInformationMessage('.tollgate/policy.yaml already exists; opened it unchanged.');
    else if (proxy.state.kind === 'running' && !proxy.state.attached) await proxy.start(); // pick up --policy
  });
}
