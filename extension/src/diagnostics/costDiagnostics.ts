/**
 * Diagnostics from the analysis rules, refreshed on open and on edit (debounced per document),
 * plus the quick fixes the rules offer (CodeActionProvider).
 */
import * as vscode from 'vscode';
import type { DocumentAnalyses } from '../analysis/documentAnalyses';
import { sameRange, toRange, toSeverity } from '../analysis/convert';
import { ruleInfo } from '@proxy/analysis/rules';
import { readConfig } from '../config';

export class CostDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('tollgate');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly analyses: DocumentAnalyses,
    private readonly selector: vscode.DocumentSelector,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, readConfig().debounceMs)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.collection.delete(d.uri);
        this.cancel(d.uri);
      }),
      analyses.onDidChange((uri) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc) this.schedule(doc, 0);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!vscode.languages.match(this.selector, doc)) return;
    this.cancel(doc.uri);
    const key = doc.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.update(doc);
      }, delayMs),
    );
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    if (!readConfig().diagnosticsEnabled) {
      this.collection.delete(doc.uri);
      return;
    }
    const version = doc.version;
    const analysis = await this.analyses.analyze(doc);
    if (doc.isClosed || doc.version !== version) return; // a newer edit is scheduled
    const diagnostics = (analysis?.diagnostics ?? []).map((f) => {
      const d = new vscode.Diagnostic(toRange(f.range), f.message, toSeverity(f.severity));
      d.source = 'Tollgate';
      d.code = f.ruleId;
      return d;
    });
    this.collection.set(doc.uri, diagnostics);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

export class CostQuickFixes implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly analyses: DocumentAnalyses) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'Tollgate');
    if (ours.length === 0) return [];
    const analysis = await this.analyses.analyze(doc);
    if (!analysis) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of ours) {
      const finding = analysis.diagnostics.find((f) => f.ruleId === d.code && sameRange(d.range, f.range));
      if (!finding) continue;
      finding.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = i === 0;
        const edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
        action.edit = edit;
        actions.push(action);
      });
      const info = ruleInfo(finding.ruleId);
      const off = new vscode.CodeAction(`Turn off Tollgate rule "${info?.title ?? finding.ruleId}"`, vscode.CodeActionKind.QuickFix);
      off.diagnostics = [d];
      off.command = { title: off.title, command: 'tollgate.disableRule', arguments: [finding.ruleId] };
      actions.push(off);
    }
    return actions;
  }
}

export function registerDisableRule(): vscode.Disposable {
  return vscode.commands.registerCommand('tollgate.disableRule', async (ruleId: string) => {
    const cfg = vscode.workspace.getConfiguration('tollgate');
    const current = cfg.get<Record<string, string>>('rules.severity', {});
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await cfg.update('rules.severity', { ...current, [ruleId]: 'off' }, target);
  });
}
