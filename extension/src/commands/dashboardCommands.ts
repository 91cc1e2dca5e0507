/**
 * "Tollgate: Open Cost Dashboard" and the sidebar view: both are the dashboard's webview
 * (extension/src/dashboard/**), fed by one data source over the proxy controller's REST client and
 * its one event stream (no second connection), following both across proxy restarts.
 * The dashboard modules (and the price data they pull in) come from the deferred bundle, loaded on
 * first use, keeping activation cheap.
 */
import * as vscode from 'vscode';
import { ProxyDashboardSource } from '../dashboard/proxySource';
import { loadDeferred } from '../deferred/load';
import type { ProxyController } from '../proxy/proxyController';

const SIDEBAR_VIEW = 'tollgate.sidebar';

export class DashboardLink implements vscode.Disposable, vscode.WebviewViewProvider {
  private source: ProxyDashboardSource | undefined;
  private sidebar: (vscode.WebviewViewProvider & vscode.Disposable) | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly proxy: ProxyController,
  ) {
    this.disposables = [
      vscode.commands.registerCommand('tollgate.openDashboard', () => this.open()),
      vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW, this),
      // Restores the panel after a window reload instead of leaving an empty tab.
      vscode.window.registerWebviewPanelSerializer('tollgate.dashboard', {
        deserializeWebviewPanel: async (panel) => {
          // The proxy is started by activation (tollgate.autoStart), as for any other window.
          loadDeferred().DashboardPanel.revive(panel, this.context, this.getSource());
        },
      }),
    ];
  }

  private getSource(): ProxyDashboardSource {
    this.source ??= new ProxyDashboardSource(this.proxy);
    return this.source;
  }

  async open(): Promise<void> {
    if (this.proxy.state.kind !== 'running' && this.proxy.state.kind !== 'starting') void this.proxy.start();
    loadDeferred().DashboardPanel.show(this.context, this.getSource());
  }

  async resolveWebviewView(view: vscode.WebviewView, ctx: vscode.WebviewViewResolveContext, token: vscode.CancellationToken): Promise<void> {
    if (!this.sidebar) {
      const { DashboardSidebarProvider } = loadDeferred();
      this.sidebar = new DashboardSidebarProvider(this.context, this.getSource(), () => void this.open());
    }
    await this.sidebar.resolveWebviewView(view, ctx, token);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.sidebar?.dispose();
    this.source?.dispose();
  }
}
