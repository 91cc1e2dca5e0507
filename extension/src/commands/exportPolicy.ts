/**
 * "Tollgate: Export Policy to Another Gateway…": choose targets (LiteLLM, Portkey, Bifrost) and an
 * output folder; new files are written, changed files are shown in a diff and overwritten only
 * when the user says so. The export itself is `planExport` (proxy/src/export), loaded on use.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import * as vscode from 'vscode';
import type { ExportTarget, PlannedFile } from '@proxy/export/index';
import { fileErrorWords } from '@contract/fileErrors';
import { loadDeferred } from '../deferred/load';
import { explainRestricted } from '../policy/restricted';
import type { ProxyController } from '../proxy/proxyController';
import { iconText } from '../util/iconText';
import { notificationText } from '../util/notificationText';

const SCHEME = 'tollgate-export';

/** Read-only documents holding the proposed content, for the right side of the diff. */
class ProposedContent implements vscode.TextDocumentContentProvider {
  readonly files = new Map<string, string>();
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.files.get(uri.path) ?? '';
  }
}

export function registerExportPolicy(proxy: ProxyController): vscode.Disposable {
  const proposed = new ProposedContent();
  const disposables = [
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, proposed),
    vscode.commands.registerCommand('tollgate.exportPolicy', () => exportPolicyCommand(proxy, proposed)),
  ];
  return vscode.Disposable.from(...disposables);
}

/**
 * The policy to export: the proxy's, or in a multi-root workspace with several, the one the user
 * picks (each folder's policy is its own project's; exporting only the first would write the wrong
 * gateway config for the others). Undefined: none, or the pick was dismissed.
 */
async function choosePolicy(proxy: ProxyController): Promise<string | undefined> {
  const applied = proxy.policyFile();
  if (!applied) return undefined;
  const files = [applied, ...proxy.workspacePolicyFiles().filter((f) => f !== applied)];
  if (files.length === 1) return applied;
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: iconText(vscode.workspace.asRelativePath(f)), description: f === applied ? 'the policy the proxy runs' : 'not applied by the proxy', file: f })),
    { title: 'Export which policy?' },
  );
  return pick?.file;
}

async function exportPolicyCommand(proxy: ProxyController, proposed: ProposedContent): Promise<void> {
  if (proxy.policyFile()) {
    const chosen = await choosePolicy(proxy);
    if (chosen) await exportFile(proxy, proposed, chosen);
    return;
  }
  if (proxy.workspacePolicyFile()) {
    await explainRestricted();
    return;
  }
  const pick = await vscode.window.showWarningMessage('There is no .tollgate/policy.yaml in this workspace to export.', 'Create Starter Policy');
  if (pick) await vscode.commands.executeCommand('tollgate.createPolicy');
}

async function exportFile(proxy: ProxyController, proposed: ProposedContent, policyFile: string): Promise<void> {
  const { planExport, EXPORT_TARGETS, DEFAULT_EXPORT_DIR } = loadDeferred();
  const targets = await vscode.window.showQuickPick(
    EXPORT_TARGETS.map((t) => ({ label: t, picked: true, target: t as ExportTarget })),
    { title: 'Export the Tollgate policy to…', canPickMany: true },
  );
  if (!targets?.length) return;
  const root = dirname(dirname(policyFile));
  const defaultOut = vscode.Uri.joinPath(vscode.Uri.file(root), ...DEFAULT_EXPORT_DIR.split('/'));
  const where = await vscode.window.showQuickPick(
    [
      { label: iconText(vscode.workspace.asRelativePath(defaultOut)), description: 'default', uri: defaultOut as vscode.Uri | undefined },
      { label: 'Choose a folder…', uri: undefined },
    ],
    { title: 'Output folder (each target goes to <folder>/<target>/)' },
  );
  if (!where) return;
  let outDir = where.uri;
  if (!outDir) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.file(root), openLabel: 'Export here' });
    outDir = picked?.[0];
    if (!outDir) return;
  }
  const plan = planExport({ policyFile, targets: targets.map((t) => t.target), outDir: outDir.fsPath, root });
  if (!plan.ok) {
    const first = plan.problems[0];
    // An output Tollgate refuses to read or write (a link out of the workspace, a folder, a huge
    // file) is no fault of the policy: name the file and the reason, without "Open Policy".
    const policyLabel = relative(root, policyFile).split('\\').join('/');
    if (first && first.file !== policyLabel && first.file !== policyFile) {
      void vscode.window.showErrorMessage(notificationText(`Tollgate cannot export to ${first.file}: ${first.message}.`));
      return;
    }
    // The problem quotes the file's own keys and values: no link may form from them.
    const pick = await vscode.window.showErrorMessage(
      notificationText(`The policy has ${plan.problems.length} problem(s)${first ? `: line ${first.line}: ${first.message}` : ''}. Fix it before exporting.`),
      'Open Policy',
    );
    // Opens the policy at its first problem (policy/policyDiagnostics.ts).
    if (pick) await vscode.commands.executeCommand('tollgate.openPolicy');
    return;
  }
  for (const w of plan.warnings) proxy.output.warn(`export ${w.target}: ${w.field}: ${w.message}`);

  let written = 0;
  let skipped = 0;
  let unchanged = 0;
  let overwriteAll = false;
  for (const f of plan.files) {
    if (!f.changed) {
      unchanged++;
      continue;
    }
    if (f.existing !== undefined && !overwriteAll) {
      const answer = await confirmOverwrite(f, proposed);
      if (answer === 'cancel') break;
      if (answer === 'skip') {
        skipped++;
        continue;
      }
      if (answer === 'all') overwriteAll = true;
    }
    try {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.content);
    } catch (err) {
      // A read-only file or folder, a full disk: say which file and why, and what was written before it,
      // instead of VS Code's "Command … resulted in an error" with the raw errno text.
      const before = written ? `${written} file(s) before it were written, the rest not` : 'Nothing was written';
      void vscode.window.showErrorMessage(notificationText(`Tollgate cannot export to ${vscode.workspace.asRelativePath(f.path)}: ${writeProblem(err)}. ${before}.`));
      return;
    }
    written++;
  }
  const notes = [`${written} written`, unchanged ? `${unchanged} unchanged` : '', skipped ? `${skipped} kept` : ''].filter(Boolean).join(', ');
  const warn = plan.warnings.length ? ` ${plan.warnings.length} difference(s) from Tollgate in production, each with what to set on the gateway (see the Tollgate output).` : '';
  const pick = await vscode.window.showInformationMessage(`Tollgate export: ${notes}.${warn}`, 'Reveal Folder', ...(plan.warnings.length ? ['Show Warnings'] : []));
  if (pick === 'Reveal Folder') await vscode.commands.executeCommand('revealInExplorer', outDir);
  if (pick === 'Show Warnings') proxy.output.show();
}

async function confirmOverwrite(f: PlannedFile, proposed: ProposedContent): Promise<'yes' | 'all' | 'skip' | 'cancel'> {
  const right = vscode.Uri.from({ scheme: SCHEME, path: f.path });
  proposed.files.set(right.path, f.content);
  const name = vscode.workspace.asRelativePath(f.path);
  await vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(f.path), right, `${name} (on disk ↔ export)`, { preview: true });
  const pick = await vscode.window.showWarningMessage(`${name} exists and differs from the export. Overwrite it?`, { modal: true }, 'Overwrite', 'Overwrite All', 'Keep Mine');
  if (pick === 'Overwrite') return 'yes';
  if (pick === 'Overwrite All') return 'all';
  if (pick === 'Keep Mine') return 'skip';
  return 'cancel';
}

/** Why a file could not be written, in words (the planner checked the paths; this is the disk saying no). */
export function writeProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return fileErrorWords(code) ?? code ?? (err instanceof Error ? err.message : String(err));
}
