/**
 * The compact Tollgate sidebar view (today's spend, savings, hit rate, budgets, latest calls),
 * running the same webview bundle as the panel in its "sidebar" layout. Register it with
 * `vscode.window.registerWebviewViewProvider(DashboardSidebarProvider.viewType, provider)`;
 * the view id must be contributed under a Tollgate view container in package.json.
 */
import * as vscode from 'vscode';
import type { DashboardDataSource } from './dataSource';
import { connectWebview } from './panel';

export class DashboardSidebarProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'tollgate.sidebar';
  private view: vscode.Disposable[] | undefined;

  /** `openDashboard` runs when the user clicks "Open dashboard" (e.g. DashboardPanel.show). */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: DashboardDataSource,
    private readonly openDashboard: () => void,
  ) {}

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    this.release();
    const { extensionUri } = this.context;
    const copy = (text: string) => vscode.env.clipboard.writeText(text);
    this.view = [connectWebview(webviewView.webview, extensionUri, { source: this.client, view: 'sidebar', copy, openDashboard: this.openDashboard }), webviewView.onDidDispose(() => this.release())];
  }

  dispose(): void {
    this.release();
  }

  private release(): void {
    const view = this.view;
    this.view = undefined;
    for (const d of view ?? []) d.dispose();
  }
}
