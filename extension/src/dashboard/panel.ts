/**
 * "Tollgate: Cost Dashboard" editor panel (one instance; `show` reveals it if already open).
 * Owns its disposables, webview-sample style. The webview only talks to this host; the host talks
 * to the proxy through the DashboardDataSource it was given (which the extension owns).
 */
import * as vscode from 'vscode';
import type { DashboardDataSource } from './dataSource';
import { DashboardHost, type DashboardHostOptions } from './host';
import { dashboardHtml } from './html';
import { createNonce } from './nonce';
import { themeKind } from './theme';

export class DashboardPanel {
  static readonly viewType = 'tollgate.dashboard';
  private static current: DashboardPanel | undefined;

  private readonly disposables: vscode.Disposable[];

  /** Open the dashboard (or bring the open one to the front). */
  static show(context: vscode.ExtensionContext, client: DashboardDataSource): DashboardPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal(column);
      return DashboardPanel.current;
    }
    // The webview re-reads its state (filters, scroll) from vscode.getState when shown again.
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Tollgate: Cost Dashboard', column, { retainContextWhenHidden: false });
    DashboardPanel.current = new DashboardPanel(panel, context, client);
    return DashboardPanel.current;
  }

  /**
   * A panel VS Code restored after a window reload (WebviewPanelSerializer): give it back its
   * content and host. The webview's own state (filters, range) comes back from vscode.getState.
   */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, client: DashboardDataSource): DashboardPanel {
    DashboardPanel.current?.dispose();
    DashboardPanel.current = new DashboardPanel(panel, context, client);
    return DashboardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    client: DashboardDataSource,
  ) {
    const copy = async (text: string) => {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage('Tollgate: copied to clipboard', 2000);
    };
    this.disposables = [connectWebview(panel.webview, context.extensionUri, { source: client, view: 'panel', copy }), panel.onDidDispose(() => this.dispose())];
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Gives a webview (the panel's or the sidebar's) the dashboard: options, the HTML shell, and a
 * DashboardHost answering it; disposing releases the host and listeners, not the webview.
 */
export function connectWebview(webview: vscode.Webview, extensionUri: vscode.Uri, opts: Omit<DashboardHostOptions, 'post'>): vscode.Disposable {
  const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  // Scripts on; command links only to the commands a failed call's detail points at.
  webview.options = { enableScripts: true, enableCommandUris: ['tollgate.setProviderKey', 'tollgate.openPolicy'], localResourceRoots: [root] };
  const host = new DashboardHost({ ...opts, post: (m) => webview.postMessage(m) });
  webview.html = dashboardHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    view: opts.view,
  });
  const subscriptions = [
    webview.onDidReceiveMessage((m: unknown) => void host.handle(m)),
    vscode.window.onDidChangeActiveColorTheme((t) => void webview.postMessage({ kind: 'notification', type: 'theme', theme: themeKind(t.kind) })),
  ];
  return {
    dispose: () => {
      host.dispose();
      for (const d of subscriptions) d.dispose();
    },
  };
}
