/**
 * The status bar item: proxy state, today's spend and cache hit rate. Refreshes the summary on
 * every `call` event of the proxy's SSE stream (coalesced), and shows `budget` events as
 * notifications. Reconnects the stream when the proxy restarts. Turns to a warning, with the
 * action that fixes it as its click, when calls fail for a reason the user can fix (see alerts.ts).
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { SummaryBucket } from '@contract/api';
import type { PolicyProblem } from '@proxy/policy/load';
import type { BudgetAlert } from '@contract/events';
import type { ProxyClient } from '../client/proxyClient';
import type { ProxyController } from '../proxy/proxyController';
import { budgetAlertText } from '@contract/format';
import { fromEndedPeriod, isSpentOut, SET_KEY, StatusAlerts } from './alerts';
import { localMidnight, statusView } from './format';

/** Where the status bar learns about policy problems (policy/policyDiagnostics.ts). */
export interface PolicyProblemSource {
  readonly problems: readonly PolicyProblem[];
  readonly onDidChange: vscode.Event<readonly PolicyProblem[]>;
}

export class CostStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tollgate.status', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private today: SummaryBucket | undefined;
  private closeEvents: (() => void) | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Re-reads the summary when the local day turns, so "today" does not carry yesterday's spend until the next call. */
  private midnightTimer: NodeJS.Timeout | undefined;
  /** Re-renders when a budget alert's period resets, so "budget exhausted" does not outlive it. */
  private expiryTimer: NodeJS.Timeout | undefined;
  /** Budgets already announced at a level, so a burst of calls does not repeat the same warning. */
  private readonly announced = new Map<string, string>();
  private readonly alerts = new StatusAlerts();
  /** The last failed read of today logged: a stranger on the port fails it every minute, logged once per change. */
  private readFailure: string | undefined;
  /** The "no key" notice is shown once per window, not on every restart. */
  private noKeyAnnounced = false;

  constructor(
    private readonly proxy: ProxyController,
    policy?: PolicyProblemSource,
  ) {
    this.item.name = 'Tollgate';
    this.item.command = 'tollgate.statusMenu';
    this.disposables.push(proxy.onDidChangeState(() => this.onState()));
    if (policy) {
      this.disposables.push(policy.onDidChange((p) => this.onPolicy(p)));
      this.alerts.setPolicyProblems(policy.problems, this.policyLabel());
    }
    this.render();
    this.item.show();
  }

  private policyLabel(): string {
    const file = this.proxy.policyFile();
    return file ? `.tollgate/${basename(file)}` : 'The policy file';
  }

  private onPolicy(problems: readonly PolicyProblem[]): void {
    if (this.alerts.setPolicyProblems(problems, this.policyLabel())) this.render();
  }

  private onState(): void {
    this.disconnect();
    const client = this.proxy.client;
    if (client) {
      this.today = undefined;
      const noKey = this.proxy.hasProviderKey === false;
      this.alerts.setNoKey(noKey);
      if (noKey) void this.announceNoKey();
      this.connect(client);
      void this.refresh(client);
      void this.recentHistory(client);
    }
    this.render();
  }

  /** Say once, at start, that calls without their own key will fail. */
  private async announceNoKey(): Promise<void> {
    if (this.noKeyAnnounced) return;
    this.noKeyAnnounced = true;
    const pick = await vscode.window.showWarningMessage(
      'Tollgate: no provider API key is configured. Calls that do not send their own key will be refused by the provider.',
      SET_KEY.title,
    );
    if (pick) await vscode.commands.executeCommand(SET_KEY.command);
  }

  /** After a (re)start or a window reload: the latest calls and budgets say whether calls fail. */
  private async recentHistory(client: ProxyClient): Promise<void> {
    try {
      const [page, budgets] = await Promise.all([client.calls({ limit: 20 }), client.budgets()]);
      if (this.proxy.client !== client) return;
      let changed = false;
      for (const c of [...page.calls].reverse()) if (!fromEndedPeriod(c, budgets)) changed = this.alerts.onCall(c) || changed;
      for (const b of budgets) {
        if (isSpentOut(b)) {
          const limits = { ...(b.limitUsd !== undefined ? { limitUsd: b.limitUsd } : {}), ...(b.limitTokens !== undefined ? { limitTokens: b.limitTokens } : {}) };
          changed = this.alerts.onBudget({ budget: b.name, level: 'exceeded', spentUsd: b.spentUsd, spentTokens: b.spentTokens, ...limits, period: b.period, resetsAt: b.resetsAt }) || changed;
        }
      }
      if (changed) this.render();
    } catch (e) {
      this.proxy.output.warn(`status bar: could not read the latest calls: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private connect(client: ProxyClient): void {
    // The controller's stream: it reconnects by itself when the proxy restarts.
    const events = this.proxy.events;
    const subs = [
      events.onCall((c) => {
        if (this.alerts.onCall(c)) this.render();
        this.scheduleRefresh(client);
      }),
      events.onBudget((b) => {
        if (this.alerts.onBudget(b)) this.render();
        void this.announce(b);
      }),
    ];
    this.closeEvents = () => {
      for (const d of subs) d.dispose();
    };
  }

  private disconnect(): void {
    this.closeEvents?.();
    this.closeEvents = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.midnightTimer) clearTimeout(this.midnightTimer);
    this.refreshTimer = undefined;
    this.midnightTimer = undefined;
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
    // A second past the next local midnight (DST-safe: computed from the calendar, not +24 h); a
    // failed read again in a minute, or the midnight one would leave yesterday's spend until a call.
    let inMs = 60_000;
    try {
      const summary = await client.summary({ from: localMidnight() });
      if (this.proxy.client !== client) return;
      this.today = summary.totals;
      this.readFailure = undefined;
      this.render();
      inMs = new Date().setHours(24, 0, 0, 0) - Date.now() + 1_000;
    } catch (e) {
      const line = `status bar: could not read today's summary: ${e instanceof Error ? e.message : String(e)}`;
      if (line !== this.readFailure) this.proxy.output.warn(line);
      this.readFailure = line;
      if (this.proxy.client !== client) return;
    }
    if (this.midnightTimer) clearTimeout(this.midnightTimer);
    this.midnightTimer = setTimeout(() => {
      this.midnightTimer = undefined;
      void this.refresh(client);
    }, inMs);
  }

  private async announce(b: BudgetAlert): Promise<void> {
    // A period already over (an older proxy alerting on a call that settled after the reset).
    if (b.resetsAt <= Date.now()) return;
    // The limits are part of the key: a limit raised by a policy edit warns again when it is crossed.
    const key = `${b.budget}|${b.resetsAt}|${b.limitUsd ?? '-'}|${b.limitTokens ?? '-'}`;
    if (this.announced.get(key) === b.level) return;
    this.announced.set(key, b.level);
    const text = `Tollgate: ${budgetAlertText(b)} Resets ${new Date(b.resetsAt).toLocaleString()}.`;
    const show = b.level === 'exceeded' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const pick = await show(text, 'Open Dashboard');
    if (pick) void vscode.commands.executeCommand('tollgate.openDashboard');
  }

  private render(): void {
    this.alerts.expire();
    const view = statusView(this.proxy.state, this.today, this.alerts.all());
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.ariaLabel, role: 'button' };
    this.item.command = view.action
      ? { title: view.action.title, command: view.action.command, ...(view.action.args ? { arguments: view.action.args } : {}) }
      : 'tollgate.statusMenu';
    this.item.backgroundColor =
      view.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.scheduleExpiry();
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const until = this.alerts.expiresAt();
    if (until === undefined) return;
    // setTimeout takes at most 2^31-1 ms (~24.8 days; a month's reset can be further): a longer
    // delay fires at once, so wait at most that long and schedule again from the render.
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = undefined;
      this.render();
    }, Math.min(Math.max(0, until - Date.now()), 2_147_483_647));
  }

  dispose(): void {
    this.disconnect();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    for (const d of this.disposables) d.dispose();
  }
}
