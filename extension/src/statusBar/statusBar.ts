/**
 * The status bar item: proxy state, today's spend and cache hit rate. Refreshes the summary on
 * every `call` event of the proxy's SSE stream (coalesced), and shows `budget` events as
 * notifications. Reconnects the stream when the proxy restarts.
 */
import * as vscode from 'vscode';
import type { SummaryBucket } from '@proxy/ledger/types';
import type { BudgetEvent, ProxyClient } from '../client/proxyClient';
import type { ProxyController } from '../proxy/proxyController';
import { budgetAlertText } from '@contract/format';
import { localMidnight, statusView } from './format';

export class CostStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tollgate.status', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private today: SummaryBucket | undefined;
  private closeEvents: (() => void) | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Budgets already announced at a level, so a burst of calls does not repeat the same warning. */
  private readonly announced = new Map<string, string>();

  constructor(private readonly proxy: ProxyController) {
    this.item.name = 'Tollgate';
    this.item.command = 'tollgate.statusMenu';
    this.disposables.push(proxy.onDidChangeState(() => this.onState()));
    this.render();
    this.item.show();
  }

  private onState(): void {
    this.disconnect();
    const client = this.proxy.client;
    if (client) {
      this.today = undefined;
      this.connect(client);
      void this.refresh(client);
    }
    this.render();
  }

  private connect(client: ProxyClient): void {
    this.closeEvents = client.events({
      call: () => this.scheduleRefresh(client),
      budget: (b) => void this.announce(b),
      closed: () => {
        // The stream ends when the proxy restarts; reconnect while it is still the running one.
        this.reconnectTimer = setTimeout(() => {
          if (this.proxy.client === client) this.connect(client);
        }, 2_000);
      },
    });
  }

  private disconnect(): void {
    this.closeEvents?.();
    this.closeEvents = undefined;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
  }

  /** Many calls in a burst → one summary request. */
  private scheduleRefresh(client: ProxyClient): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh(client);
    }, 250);
  }

  async refresh(client = this.proxy.client): Promise<void> {
    if (!client) return;
    try {
      const summary = await client.summary({ from: localMidnight() });
      if (this.proxy.client !== client) return;
      this.today = summary.totals;
      this.render();
    } catch (e) {
      this.proxy.output.warn(`status bar: could not read today's summary: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async announce(b: BudgetEvent): Promise<void> {
    const key = `${b.budget}|${b.resetsAt}`;
    if (this.announced.get(key) === b.level) return;
    this.announced.set(key, b.level);
    const text = `Tollgate: ${budgetAlertText(b)} Resets ${new Date(b.resetsAt).toLocaleString()}.`;
    const show = b.level === 'exceeded' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const pick = await show(text, 'Open Dashboard');
    if (pick) void vscode.commands.executeCommand('tollgate.openDashboard');
  }

  private render(): void {
    const view = statusView(this.proxy.state, this.today);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  dispose(): void {
    this.disconnect();
    for (const d of this.disposables) d.dispose();
  }
}
