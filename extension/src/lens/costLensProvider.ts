/**
 * CodeLens above each prompt and LLM call: tokens and $ per call for the file's model. Clicking
 * opens a breakdown per message and for the comparison models.
 */
import * as vscode from 'vscode';
import type { CostLens } from '@proxy/analysis/types';
import type { DocumentAnalyses } from '../analysis/documentAnalyses';
import { toRange } from '../analysis/convert';
import { readConfig } from '../config';
import { formatUsd } from '@contract/format';
import { breakdownMarkdown, breakdownPicks, formatTokens, lensTitle } from './lensTitle';

export const SHOW_BREAKDOWN = 'tollgate.showCostBreakdown';

export class CostLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly analyses: DocumentAnalyses) {
    this.disposables.push(
      analyses.onDidChange(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tollgate.codeLens') && this.changed.fire()),
      vscode.commands.registerCommand(SHOW_BREAKDOWN, (uri: vscode.Uri, lens: CostLens) => showBreakdown(uri, lens)),
    );
  }

  async provideCodeLenses(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!readConfig(doc.uri).codeLensEnabled) return [];
    const analysis = await this.analyses.analyze(doc, token);
    if (!analysis) return [];
    return analysis.calls.map(
      (l) =>
        new vscode.CodeLens(toRange(l.range), {
          title: lensTitle(l),
          tooltip: 'Tollgate: click for the cost per message and on other models',
          command: SHOW_BREAKDOWN,
          arguments: [doc.uri, l],
        }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

type BreakdownItem = vscode.QuickPickItem & { range?: vscode.Range; markdown?: boolean };

async function showBreakdown(uri: vscode.Uri, lens: CostLens): Promise<void> {
  const items: BreakdownItem[] = breakdownPicks(lens).map(({ separator, message, markdown, ...item }) => {
    if (separator) return { label: item.label, kind: vscode.QuickPickItemKind.Separator };
    const m = message !== undefined ? lens.perMessage[message] : undefined;
    return { ...item, ...(m ? { range: toRange(m.range) } : {}), ...(markdown ? { markdown } : {}) };
  });
  const pick = await vscode.window.showQuickPick(items, {
    // The title is plain text (VS Code sets its textContent): no icon forms there, nor is a backslash hidden.
    title: `Cost per call: ${lens.exact ? '' : '≈'}${formatTokens(lens.inputTokens)} input tokens, ${lens.priced ? formatUsd(lens.inputUsd) : 'no known price'} on ${lens.model}`,
    matchOnDescription: true,
  });
  if (!pick) return;
  if (pick.range) {
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(pick.range.start, pick.range.start);
    editor.revealRange(pick.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  } else if (pick.markdown) {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: breakdownMarkdown(lens, vscode.workspace.asRelativePath(uri)) });
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
