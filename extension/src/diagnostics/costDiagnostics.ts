/**
 * Diagnostics from the analysis rules, refreshed on open and on edit (debounced per document),
 * plus the quick fixes the rules offer (CodeActionProvider).
 */
import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { QuickFix } from '@proxy/analysis/types';
import type { DocumentAnalyses } from '../analysis/documentAnalyses';
import { Debouncer } from '../analysis/scheduling';
import { toRange, toSeverity } from '../analysis/convert';
import { ruleInfo } from '@proxy/analysis/rules';
import { canDisableInFile, disableNextLineFix } from '@proxy/analysis/suppression';
import { RULE_DOCS_URL } from '@contract/defaults';
import { readConfig } from '../config';
import { commentPath } from './commentPath';
import { iconText } from '../util/iconText';

export class CostDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tollgate');
  private readonly debouncer = new Debouncer();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly analyses: DocumentAnalyses,
    private selector: vscode.DocumentSelector,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      // Output channels change with every line they log: the selector is asked before any setting is read.
      vscode.workspace.onDidChangeTextDocument((e) => vscode.languages.match(this.selector, e.document) && this.schedule(e.document, readConfig(e.document.uri).debounceMs)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.debouncer.cancel(d.uri.toString());
      }),
      analyses.onDidChange((uri) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc) this.schedule(doc, 0);
      }),
      // Turned back on: every open document, also those no provider analysed while it was off.
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tollgate.diagnostics.enabled')) for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** New prompt globs: open documents they now cover are analysed, those they no longer cover cleared. */
  setSelector(selector: vscode.DocumentSelector): void {
    this.selector = selector;
    for (const d of vscode.workspace.textDocuments) {
      if (vscode.languages.match(selector, d)) this.schedule(d, 0);
      else {
        this.debouncer.cancel(d.uri.toString());
        this.collection.delete(d.uri);
      }
    }
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!vscode.languages.match(this.selector, doc)) return;
    // A burst of edits analyses once, after the last one.
    this.debouncer.schedule(doc.uri.toString(), delayMs, () => void this.update(doc));
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    if (!readConfig(doc.uri).diagnosticsEnabled) {
      this.collection.delete(doc.uri);
      return;
    }
    const version = doc.version;
    const analysis = await this.analyses.analyze(doc);
    if (doc.isClosed || doc.version !== version) return; // a newer edit is scheduled
    const diagnostics = (analysis?.diagnostics ?? []).map((f) => {
      const d = new vscode.Diagnostic(toRange(f.range), f.message, toSeverity(f.severity));
      d.source = 'Tollgate';
      // The rule id in Problems links to its documentation.
      d.code = { value: f.ruleId, target: vscode.Uri.parse(RULE_DOCS_URL) };
      return d;
    });
    this.collection.set(doc.uri, diagnostics);
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

export class CostQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analyses: DocumentAnalyses) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token?: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'Tollgate');
    if (ours.length === 0) return [];
    const analysis = await this.analyses.analyze(doc, token);
    if (!analysis) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const finding = analysis.diagnostics.find((f) => f.ruleId === ruleIdOf(d) && d.range.isEqual(toRange(f.range)));
      if (!finding) continue;
      const fixAction = (fix: QuickFix, isPreferred = false) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = isPreferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(doc.uri, toRange(e.range), e.newText);
        return action;
      };
      actions.push(...finding.fixes.map((fix, i) => fixAction(fix, i === 0)));
      // The same comment `tollgate lint` honours, so the editor and CI agree.
      // Not in a plain-text prompt: any comment there would be sent to the model (turn the rule off instead).
      const path = commentPath(doc.fileName, doc.languageId);
      if (canDisableInFile(path, doc.getText())) actions.push(fixAction(disableNextLineFix(path, doc.getText(), finding)));
      const info = ruleInfo(finding.ruleId);
      const off = new vscode.CodeAction(`Turn off Tollgate rule "${info?.title ?? finding.ruleId}"`, vscode.CodeActionKind.QuickFix);
      off.diagnostics = [d];
      off.command = { title: off.title, command: 'tollgate.disableRule', arguments: [finding.ruleId, doc.uri] };
      actions.push(off);
    }
    return actions;
  }
}

export function registerDisableRule(): vscode.Disposable {
  return vscode.commands.registerCommand('tollgate.disableRule', async (ruleId: string, resource?: vscode.Uri) => {
    // Never write .vscode/settings.json (a file the team may commit) without asking: the user picks
    // where the setting goes, and Escape changes nothing.
    const options: Array<vscode.QuickPickItem & { target: vscode.ConfigurationTarget }> = [
      { label: 'For me (User settings)', description: 'all workspaces', target: vscode.ConfigurationTarget.Global },
    ];
    // In a multi-root workspace "workspace" settings live in the .code-workspace file, which is not
    // part of any project's repository: the file's own folder (its .vscode/settings.json) is offered
    // first, and each choice says which file it writes.
    const workspaceFile = vscode.workspace.workspaceFile;
    const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
    if (workspaceFile && folder)
      // A folder's name is the repository's to choose: `$(…)` in it is text, not an icon in the pick.
      options.push({ label: `For folder ${iconText(folder.name)}`, description: `writes ${iconText(folder.name)}/.vscode/settings.json`, target: vscode.ConfigurationTarget.WorkspaceFolder });
    if (vscode.workspace.workspaceFolders?.length) {
      const where = !workspaceFile ? '.vscode/settings.json' : workspaceFile.scheme === 'file' ? posix.basename(workspaceFile.path) : 'the untitled workspace';
      options.push({ label: 'For this workspace', description: `writes ${iconText(where)}`, target: vscode.ConfigurationTarget.Workspace });
    }
    const pick = await vscode.window.showQuickPick(options, { title: `Turn off Tollgate rule ${ruleId}`, placeHolder: 'Where should the rule be turned off?' });
    if (!pick) return;
    const cfg = vscode.workspace.getConfiguration('tollgate', pick.target === vscode.ConfigurationTarget.WorkspaceFolder ? folder?.uri : undefined);
    const inspected = cfg.inspect<Record<string, string>>('rules.severity');
    const current =
      (pick.target === vscode.ConfigurationTarget.Global
        ? inspected?.globalValue
        : pick.target === vscode.ConfigurationTarget.WorkspaceFolder
          ? inspected?.workspaceFolderValue
          : inspected?.workspaceValue) ?? {};
    await cfg.update('rules.severity', { ...current, [ruleId]: 'off' }, pick.target);
  });
}

/** The rule id of one of our diagnostics (its `code` is `{ value, target }`). */
function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object') return String(c.value);
  return c === undefined ? undefined : String(c);
}
