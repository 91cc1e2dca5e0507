/**
 * The compact Tollgate sidebar view (today's spend, savings, hit rate, budgets, latest calls),
 * running the same webview bundle as the panel in its "sidebar" layout. Register it with
 * `vscode.window.registerWebviewViewProvider(DashboardSidebarProvider.viewType, provider)`;
 * the view id must be contributed under a Tollgate view container in package.json.
 */
import * as vscode from 'vscode';
import type { DashboardDataSource } from './dataSource';
import { DashboardHost } from './host';
import { renderHtml, WEBVIEW_OPTIONS, webviewRoot } from './panel';
import { themeKind } from './theme';

export class DashboardSidebarProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'tollgate.sidebar';
  private view: { host: DashboardHost; disposables: vscode.Disposable[] } | undefined;

  /** `openDashboard` runs when the user clicks "Open dashboard" (e.g. DashboardPanel.show). */
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: DashboardDataSource,
    private readonly openDashboard: () => void,
  ) {}

  resolveWebviewView(webviewView: vscode.WebviewView): void {
    this.release();
    const { webview } = webviewView;
    webview.options = { ...WEBVIEW_OPTIONS, localResourceRoots: [webviewRoot(this.context.extensionUri)] };
    const host = new DashboardHost({
      source: this.client,
      view: 'sidebar',
      post: (m) => webview.postMessage(m),
      copy: (text) => vscode.env.clipboard.writeText(text),
      openDashboard: this.openDashboard,
    });
    webview.html = renderHtml(webview, this.context.extensionUri, 'sidebar');
    const disposables = [
      webview.onDidReceiveMessage((m: unknown) => void host.handle(m)),
      vscode.window.onDidChangeActiveColorTheme((t) => void webview.postMessage({ kind: 'notification', type: 'theme', theme: themeKind(t.kind) })),
      webviewView.onDidDispose(() => this.release()),
    ];
    this.view = { host, disposables };
  }

  dispose(): void {
    this.release();
  }

  private release(): void {
    if (!this.view) return;
    this.view.host.dispose();
    for (const d of this.view.disposables.splice(0)) d.dispose();
    this.view = undefined;
  }
}
