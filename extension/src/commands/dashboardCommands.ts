/**
 * "Tollgate: Open Cost Dashboard" and the sidebar view: both are the dashboard's webview
 * (extension/src/dashboard/**), fed by one HTTP data source per proxy URL that this file owns.
 * The dashboard modules (and the price data they pull in) come from the deferred bundle, loaded on
 * first use, keeping activation cheap.
 */
import * as vscode from 'vscode';
import type { DashboardDataSource } from '../dashboard/dataSource';
import type { HttpDashboardDataSource } from '../dashboard/httpDataSource';
import { loadDeferred } from '../deferred/load';
import { baseUrls } from '../proxy/state';
import type { ProxyController } from '../proxy/proxyController';

const SIDEBAR_VIEW = 'tollgate.sidebar';

/** Hands the dashboard a data source for the current proxy URL; replaced when the port changes. */
class DashboardSource implements DashboardDataSource, vscode.Disposable {
  private inner: HttpDashboardDataSource | undefined;

  constructor(
    private readonly proxy: ProxyController,
    private readonly Impl: typeof HttpDashboardDataSource,
  ) {}

  private get current(): HttpDashboardDataSource {
    const url = baseUrls(this.proxy.port).root;
    if (!this.inner || this.inner.proxyUrl !== url) {
      this.inner?.dispose();
      this.inner = new this.Impl({ proxyUrl: url, ...this.proxy.adminTokenFor() });
    }
    return this.inner;
  }

  get proxyUrl() {
    return this.current.proxyUrl;
  }
  get connection() {
    return this.current.connection;
  }
  listCalls: DashboardDataSource['listCalls'] = (q) => this.current.listCalls(q);
  getCall: DashboardDataSource['getCall'] = (id) => this.current.getCall(id);
  summary: DashboardDataSource['summary'] = (q) => this.current.summary(q);
  budgets: DashboardDataSource['budgets'] = () => this.current.budgets();
  evictEntry: DashboardDataSource['evictEntry'] = (id) => this.current.evictEntry(id);
  onCall: DashboardDataSource['onCall'] = (l) => this.current.onCall(l);
  onBudgetAlert: DashboardDataSource['onBudgetAlert'] = (l) => this.current.onBudgetAlert(l);
  onConnection: DashboardDataSource['onConnection'] = (l) => this.current.onConnection(l);

  dispose(): void {
    this.inner?.dispose();
    this.inner = undefined;
  }
}

export class DashboardLink implements vscode.Disposable, vscode.WebviewViewProvider {
  private source: DashboardSource | undefined;
  private sidebar: (vscode.WebviewViewProvider & vscode.Disposable) | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly proxy: ProxyController,
  ) {
    this.disposables = [
      vscode.commands.registerCommand('tollgate.openDashboard', () => this.open()),
      vscode.window.registerWebviewViewProvider(SIDEBAR_VIEW, this),
    ];
  }

  private getSource(): DashboardSource {
    this.source ??= new DashboardSource(this.proxy, loadDeferred().HttpDashboardDataSource);
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
