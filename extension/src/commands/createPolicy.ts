/** Writes a starter `.tollgate/policy.yaml` (never over an existing policy) and opens it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { entryExists, POLICY_NAMES } from '@proxy/policy/files';
import { STARTER_POLICY } from '../policy/starterPolicy';
import type { ProxyController } from '../proxy/proxyController';
import { notificationText } from '../util/notificationText';
import { writeProblem } from './exportPolicy';

export function registerCreatePolicy(proxy: ProxyController): vscode.Disposable {
  return vscode.commands.registerCommand('tollgate.createPolicy', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Create .tollgate/policy.yaml in…' }) : folders[0];
    if (!folder) {
      // Escape in a multi-root workspace's folder pick is not "no folder open".
      if (!folders.length) void vscode.window.showWarningMessage('Open a folder first: the policy lives in <folder>/.tollgate/policy.yaml.');
      return;
    }
    // A policy.yml counts: a policy.yaml beside it would replace it (the proxy reads .yaml first).
    const existing = POLICY_NAMES.find((n) => entryExists(join(folder.uri.fsPath, n)));
    const file = vscode.Uri.joinPath(folder.uri, ...(existing ?? POLICY_NAMES[0]).split('/'));
    try {
      if (!existing) {
        mkdirSync(dirname(file.fsPath), { recursive: true });
        writeFileSync(file.fsPath, STARTER_POLICY, { flag: 'wx' });
      }
    } catch (err) {
      // A read-only folder, a full disk, a file named .tollgate: said as Export Policy says it, not as VS Code's "command failed".
      void vscode.window.showErrorMessage(notificationText(`Tollgate cannot create ${vscode.workspace.asRelativePath(file)}: ${writeProblem(err)}.`));
      return;
    }
    // Beside a walkthrough or other non-text tab (the Getting Started page stays open).
    const active = vscode.window.tabGroups?.activeTabGroup.activeTab;
    const besideNonText = active !== undefined && !(active.input instanceof vscode.TabInputText);
    await vscode.window.showTextDocument(file, { preview: false, ...(besideNonText ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
    if (existing) void vscode.window.showInformationMessage(`${existing} already exists; opened it unchanged.`);
    else if (proxy.state.kind === 'running' && !proxy.state.attached) await proxy.start(); // pick up --policy
  });
}
