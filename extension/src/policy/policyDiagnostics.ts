/**
 * The workspace policy file, checked the way the proxy checks it (the same `parsePolicy`, loaded
 * from the deferred bundle): problems become diagnostics at their line and column, live while
 * typing and on every change on disk. When the proxy refused to start because of the file, or runs
 * without it (the file appeared after the start), it is started again as soon as the saved file is
 * valid. "Tollgate: Open Policy" opens the file at the first problem.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { entryExists } from '@proxy/policy/files';
import type { PolicyProblem } from '../../../proxy/src/policy/load';
import { loadDeferred } from '../deferred/load';
import type { ProxyController } from '../proxy/proxyController';
import { problemRange } from './problemRange';
import { explainRestricted } from './restricted';
import { notificationText } from '../util/notificationText';

const POLICY_GLOB = '**/.tollgate/policy.{yaml,yml}';

export class PolicyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('tollgate-policy');
  private readonly emitter = new vscode.EventEmitter<readonly PolicyProblem[]>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.collection, this.emitter];
  /**
   * Problems per policy file: a multi-root workspace or a monorepo can hold several, and only the
   * proxy's (policyFile()) decides the status bar — another folder's file must not clear or raise it.
   */
  private readonly byFile = new Map<string, PolicyProblem[]>();
  private restarting = false;

  constructor(private readonly proxy: ProxyController) {
    const watcher = vscode.workspace.createFileSystemWatcher(POLICY_GLOB);
    // A deleted `.tollgate` folder (rm -rf, the Explorer, a checkout) may be one event for the folder alone (microsoft/vscode#109754).
    const folders = vscode.workspace.createFileSystemWatcher('**/.tollgate', true, true);
    const onDisk = (uri: vscode.Uri) => this.checkDisk(uri.fsPath, true);
    const onDelete = (uri: vscode.Uri) => {
      for (const file of [...this.byFile.keys()]) if (file === uri.fsPath || file.startsWith(`${uri.fsPath}${sep}`)) this.publish(file, []);
      // The proxy's file may now be another folder's, or none (Open Policy goes): check it, and restart onto it.
      this.checkCurrent();
      void this.proxy.followPolicy();
    };
    const onDocument = (saved: boolean) => (d: vscode.TextDocument) => {
      if (this.isPolicy(d)) this.checkText(d.uri.fsPath, d.getText(), saved);
    };
    this.disposables.push(
      watcher,
      folders,
      watcher.onDidChange(onDisk),
      watcher.onDidCreate(onDisk),
      watcher.onDidDelete(onDelete),
      folders.onDidDelete(onDelete),
      vscode.workspace.onDidChangeTextDocument((e) => onDocument(false)(e.document)),
      vscode.workspace.onDidOpenTextDocument(onDocument(false)),
      vscode.workspace.onDidSaveTextDocument(onDocument(true)),
      proxy.onDidChangeState((s) => {
        // A start refused for the policy: show where, even if the file is not open.
        if (s.kind === 'failed' && s.reason === 'bad-policy') this.checkCurrent();
      }),
      vscode.commands.registerCommand('tollgate.openPolicy', () => this.open()),
      // A folder added or removed can bring or take away the policy file (Open Policy, the status bar).
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.checkCurrent()),
    );
    void vscode.commands.executeCommand('setContext', 'tollgate.hasPolicy', proxy.policyFile() !== undefined);
    // Off the activation path: the checker lives in the deferred bundle.
    setTimeout(() => this.checkCurrent(), 0);
  }

  /** Problems of the policy file the proxy uses (empty when it is valid or absent). */
  get problems(): readonly PolicyProblem[] {
    const file = this.proxy.policyFile();
    return (file && this.byFile.get(file)) || [];
  }

  checkCurrent(): void {
    const file = this.proxy.policyFile();
    void vscode.commands.executeCommand('setContext', 'tollgate.hasPolicy', file !== undefined);
    if (!file) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (open) this.checkText(file, open.getText(), false);
    else this.checkDisk(file, false);
  }

  private isPolicy(d: vscode.TextDocument): boolean {
    return d.uri.scheme === 'file' && /[\\/]\.tollgate[\\/]policy\.ya?ml$/.test(d.uri.fsPath);
  }

  private checkDisk(file: string, saved: boolean): void {
    // A dangling symlink is there (entryExists): the reader below says it cannot be resolved.
    if (!entryExists(file)) {
      this.publish(file, []);
      return;
    }
    // The proxy's own reader: a policy it refuses to read (a directory, a link to a non-YAML file,
    // over 1 MiB) is a problem at the top of the file here too, not a silently empty Problems view.
    const read = loadDeferred().readPolicyText(file);
    if ('problem' in read) {
      this.publish(file, [{ file, line: 1, column: 1, path: '', message: read.problem }]);
      return;
    }
    const text = read.text;
    // An open editor with unsaved edits shows its own text; the disk copy matters for the restart.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    this.checkText(file, open?.isDirty ? open.getText() : text, saved);
  }

  private checkText(file: string, text: string, saved: boolean): void {
    const deferred = loadDeferred();
    const result = deferred.parsePolicy(text, file);
    const problems = result.ok ? [] : result.problems;
    // A valid policy can still hold a rule that never applies or a model the API does not know: the
    // proxy runs it as written, so these are warnings, and they do not stop a restart.
    this.publish(file, problems, text, result.ok ? deferred.locatedWarnings(result.policy, text, file) : []);
    void vscode.commands.executeCommand('setContext', 'tollgate.hasPolicy', this.proxy.policyFile() !== undefined);
    if (saved && result.ok) void this.restartIfNeeded(file);
  }

  private publish(file: string, problems: PolicyProblem[], text?: string, warnings: PolicyProblem[] = []): void {
    const lines = text?.split(/\r?\n/) ?? [];
    const uri = vscode.Uri.file(file);
    const diagnostic = (severity: vscode.DiagnosticSeverity) => (p: PolicyProblem) => {
      const r = problemRange(p, lines);
      const d = new vscode.Diagnostic(new vscode.Range(r.line, r.start, r.line, r.end), p.path ? `${p.path}: ${p.message}` : p.message, severity);
      d.source = 'tollgate policy';
      return d;
    };
    this.collection.set(uri, [...problems.map(diagnostic(vscode.DiagnosticSeverity.Error)), ...warnings.map(diagnostic(vscode.DiagnosticSeverity.Warning))]);
    const before = JSON.stringify(this.problems);
    this.byFile.set(file, problems);
    const after = this.problems;
    if (JSON.stringify(after) !== before) this.emitter.fire(after);
  }

  /**
   * Starts the proxy again (once) for the workspace's policy file, now valid on disk, when the proxy
   * refused it at start, or runs without it: the file was created after the start (by hand, by a
   * git checkout), and the proxy only watches the file it was started with.
   */
  private async restartIfNeeded(file: string): Promise<void> {
    const s = this.proxy.state;
    if (this.restarting || this.proxy.policyFile() !== file) return;
    const refused = s.kind === 'failed' && s.reason === 'bad-policy';
    const without = s.kind === 'running' && !s.attached && this.proxy.launchedPolicy !== file;
    if (!refused && !without) return;
    this.restarting = true;
    try {
      this.proxy.output.info(refused ? 'policy file is valid again; starting the proxy' : `restarting the proxy to apply ${file}`);
      await this.proxy.start();
    } finally {
      this.restarting = false;
    }
  }

  /** Opens the policy at its first problem (or at the top when it has none). */
  async open(): Promise<void> {
    const file = this.proxy.policyFile();
    if (!file) {
      const ignored = this.proxy.workspacePolicyFile();
      if (ignored) {
        if (await this.saidUnopenable(ignored)) return;
        // Restricted Mode: the file is there, only not applied. Reading it is harmless; say why it is ignored.
        await vscode.window.showTextDocument(vscode.Uri.file(ignored), { preview: false });
        await explainRestricted();
        return;
      }
      // With no folder open there is nowhere to create one: offering to would only fail next.
      if (!vscode.workspace.workspaceFolders?.length) {
        await vscode.window.showWarningMessage('Open a folder first: the Tollgate policy lives in the folder\'s .tollgate/policy.yaml.');
        return;
      }
      const pick = await vscode.window.showWarningMessage('This workspace has no .tollgate/policy.yaml.', 'Create Starter Policy');
      if (pick) await vscode.commands.executeCommand('tollgate.createPolicy');
      return;
    }
    this.checkCurrent();
    if (await this.saidUnopenable(file)) return;
    const first = this.problems[0];
    const pos = new vscode.Position(Math.max(0, (first?.line ?? 1) - 1), Math.max(0, (first?.column ?? 1) - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(pos, pos), preview: false });
  }

  /**
   * A policy name that is there but leads nowhere (a dangling symlink: `existsSync` follows it) has
   * nothing to show, and VS Code would only say "Unable to resolve nonexistent file": say which link
   * and where it points instead, in the words the proxy stopped with (its own reader's problem).
   */
  private async saidUnopenable(file: string): Promise<boolean> {
    if (existsSync(file)) return false;
    const read = loadDeferred().readPolicyText(file);
    const why = 'problem' in read ? read.problem : 'it cannot be resolved';
    // Quotes the link's target, which a cloned repository chose: no link may form from it.
    await vscode.window.showErrorMessage(notificationText(`Tollgate cannot open the workspace policy ${vscode.workspace.asRelativePath(file)}: ${why}.`));
    return true;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
