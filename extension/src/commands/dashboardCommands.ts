/**
 * "Tollgate: Open Cost Dashboard" and the sidebar view: both are the dashboard's webview
 * (extension/src/dashboard/**), fed by one HTTP data source per proxy URL that this file owns; it
 * goes through the proxy controller's REST client and its one event stream (no second connection).
 * The dashboard modules (and the price data they pull in) come from the deferred bundle, loaded on
 * first use, keeping activation cheap.
 */
import * as vscode from 'vscode';
import type { DashboardDataSource, DisposableLike } from '../dashboard/dataSource';
import type { HttpDashboardDataSource } from '../dashboard/httpDataSource';
import { loadDeferred } from '../deferred/load';
import type { LiveEvents } from '../client/liveEvents';
import type { ProxyClient } from '../client/proxyClient';
import type { ProxyController } from '../proxy/proxyController';

const SIDEBAR_VIEW = 'tollgate.sidebar';

type Listeners<T> = Set<(value: T) => void>;

/**
 * Hands the dashboard a data source for the current proxy URL; replaced when the port changes.
 * Listeners are kept here and re-attached to each new inner source, so a panel opened before a
 * port change keeps receiving live calls after it.
 */
class DashboardSource implements DashboardDataSource, vscode.Disposable {
  private inner: HttpDashboardDataSource | undefined;
  private innerSubscriptions: DisposableLike[] = [];
  private readonly calls: Listeners<Parameters<Parameters<DashboardDataSource['onCall']>[0]>[0]> = new Set();
  private readonly alerts: Listeners<Parameters<Parameters<DashboardDataSource['onBudgetAlert']>[0]>[0]> = new Set();
  private readonly connections: Listeners<Parameters<Parameters<DashboardDataSource['onConnection']>[0]>[0]> = new Set();

  private events: LiveEvents | undefined;
  private client: ProxyClient | undefined;

  constructor(
    private readonly proxy: ProxyController,
    private readonly Impl: typeof HttpDashboardDataSource,
  ) {}

  private get current(): HttpDashboardDataSource {
    // The controller replaces its stream and client when the port or token changes; follow them.
    const { events, api: client } = this.proxy;
    if (!this.inner || this.events !== events || this.client !== client) {
      for (const d of this.innerSubscriptions) d.dispose();
      this.inner?.dispose();
      this.events = events;
      this.client = client;
      const inner = new this.Impl({ proxyUrl: events.proxyUrl, events, client });
      this.inner = inner;
      this.innerSubscriptions = [];
      if (this.calls.size) this.innerSubscriptions.push(inner.onCall((c) => this.calls.forEach((l) => l(c))));
      if (this.alerts.size) this.innerSubscriptions.push(inner.onBudgetAlert((a) => this.alerts.forEach((l) => l(a))));
      if (this.connections.size) this.innerSubscriptions.push(inner.onConnection((c) => this.connections.forEach((l) => l(c))));
    }
    return this.inner;
  }

  /** Adds a listener here and, for the first one of its kind, subscribes the current inner source. */
  private listen<T>(set: Listeners<T>, listener: (value: T) => void, subscribe: (inner: HttpDashboardDataSource, fan: (value: T) => void) => DisposableLike): DisposableLike {
    const inner = this.current; // before adding: a fresh inner source must not subscribe this set twice
    const first = set.size === 0;
    set.add(listener);
    if (first) this.innerSubscriptions.push(subscribe(inner, (v) => set.forEach((l) => l(v))));
    return { dispose: () => set.delete(listener) };
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
  routeFeedback: NonNullable<DashboardDataSource['routeFeedback']> = (id, v) => this.current.routeFeedback(id, v);
  batchOpportunities: NonNullable<DashboardDataSource['batchOpportunities']> = (from) => this.current.batchOpportunities(from);
  batches: NonNullable<DashboardDataSource['batches']> = () => this.current.batches();
  semanticQuality: NonNullable<DashboardDataSource['semanticQuality']> = (from) => this.current.semanticQuality(from);
  onCall: DashboardDataSource['onCall'] = (l) => this.listen(this.calls, l, (inner, fan) => inner.onCall(fan));
  onBudgetAlert: DashboardDataSource['onBudgetAlert'] = (l) => this.listen(this.alerts, l, (inner, fan) => inner.onBudgetAlert(fan));
  onConnection: DashboardDataSource['onConnection'] = (l) => this.listen(this.connections, l, (inner, fan) => inner.onConnection(fan));

  dispose(): void {
    for (const d of this.innerSubscriptions) d.dispose();
    this.innerSubscriptions = [];
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
      // Restores the panel after a window reload instead of leaving an empty tab.
      vscode.window.registerWebviewPanelSerializer('tollgate.dashboard', {
        deserializeWebviewPanel: async (panel) => {
          // The proxy is started by activation (tollgate.autoStart), as for any other window.
          loadDeferred().DashboardPanel.revive(panel, this.context, this.getSource());
        },
      }),
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
