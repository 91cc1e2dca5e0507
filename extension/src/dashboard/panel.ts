/**
 * "Tollgate: Cost Dashboard" editor panel (one instance; `show` reveals it if already open).
 * Owns its disposables, webview-sample style. The webview only talks to this host; the host talks
 * to the proxy through the DashboardDataSource it was given (which the extension owns).
 */
import * as vscode from 'vscode';
import type { DashboardDataSource } from './dataSource';
import { DashboardHost } from './host';
import { dashboardHtml } from './html';
import { createNonce } from './nonce';
import { themeKind } from './theme';

export class DashboardPanel {
  static readonly viewType = 'tollgate.dashboard';
  private static current: DashboardPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readonly host: DashboardHost;

  /** Open the dashboard (or bring the open one to the front). */
  static show(context: vscode.ExtensionContext, client: DashboardDataSource): DashboardPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.One;
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal(column);
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Tollgate: Cost Dashboard', column, {
      ...WEBVIEW_OPTIONS,
      localResourceRoots: [webviewRoot(context.extensionUri)],
      // The webview re-reads its state (filters, scroll) from vscode.getState when shown again.
      retainContextWhenHidden: false,
    });
    DashboardPanel.current = new DashboardPanel(panel, context, client);
    return DashboardPanel.current;
  }

  /**
   * A panel VS Code restored after a window reload (WebviewPanelSerializer): give it back its
   * content and host. The webview's own state (filters, range) comes back from vscode.getState.
   */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, client: DashboardDataSource): DashboardPanel {
    DashboardPanel.current?.dispose();
    panel.webview.options = { ...WEBVIEW_OPTIONS, localResourceRoots: [webviewRoot(context.extensionUri)] };
    DashboardPanel.current = new DashboardPanel(panel, context, client);
    return DashboardPanel.current;
  }

  /** The open panel, if any (for commands and tests). */
  static get instance(): DashboardPanel | undefined {
    return DashboardPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    client: DashboardDataSource,
  ) {
    const { webview } = panel;
    this.host = new DashboardHost({
      source: client,
      view: 'panel',
      post: (m) => webview.postMessage(m),
      copy: async (text) => {
        await vscode.env.clipboard.writeText(text);
        void vscode.window.setStatusBarMessage('Tollgate: copied to clipboard', 2000);
      },
    });
    webview.html = renderHtml(webview, context.extensionUri, 'panel');
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => void this.host.handle(m)),
      vscode.window.onDidChangeActiveColorTheme((t) => void webview.postMessage({ kind: 'notification', type: 'theme', theme: themeKind(t.kind) })),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    this.host.dispose();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** Scripts on; command links only to the commands a failed call's detail points at. */
export const WEBVIEW_OPTIONS = { enableScripts: true, enableCommandUris: ['tollgate.setProviderKey', 'tollgate.openPolicy'] } as const;

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: 'panel' | 'sidebar'): string {
  const root = webviewRoot(extensionUri);
  return dashboardHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.css')).toString(),
    view,
  });
}
