/**
 * The compact sidebar: today's totals, budget gauges, the latest calls (live) and a button to open
 * the full panel; the short getting-started state while the proxy has recorded nothing.
 */
import { BudgetGauges } from '../charts/budgetGauges';
import { h, replace } from '../dom';
import { emptyState } from '../empty/emptyState';
import { callOutcome, formatCallCost, formatModel, formatTime, formatUsd } from '../format';
import type { HostClient } from '../ipc/client';
import type { CallRecord } from '../protocol';
import { CallStore } from '../state/callStore';
import { ConnectionPill } from './connectionPill';
import { Kpis } from './kpis';
import { watchTheme } from './themeWatcher';

const RECENT = 10;

export class SidebarApp {
  private readonly pill = new ConnectionPill();
  private readonly kpis = new Kpis(true);
  private readonly budgets = new BudgetGauges(true, () => void this.refresh());
  private readonly recentList = h('ol', { class: 'recent' });
  private readonly body = h('div', { class: 'sidebar-body' });
  /** Says the figures below are not current when a re-read failed (the proxy went offline); they stay. */
  private readonly notice = h('p', { class: 'tone-bad sidebar-notice', attrs: { hidden: true } });
  /** When the figures shown were read from the proxy (0: nothing read yet). */
  private loadedAt = 0;
  /** The latest calls, newest first: each call once, by id, whether a page or the stream brought it. */
  private recent = new CallStore(RECENT);
  /**
   * Calls streamed in while each re-read was on the way: its page may have been read before they
   * were recorded, so they go back in after the page replaces the list (as in the panel).
   */
  private readonly streamedDuring = new Set<CallRecord[]>();
  private proxyUrl = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly client: HostClient<unknown>,
    root: HTMLElement,
  ) {
    replace(
      root,
      h('header', { class: 'topbar compact' }, h('strong', null, 'Today'), this.pill.element, h('span', { class: 'spacer' }),
        h('vscode-button', { attrs: { secondary: true }, on: { click: () => client.command({ type: 'open/dashboard' }) } }, 'Open dashboard')),
      this.notice,
      this.body,
    );
    client.on('init', (m) => {
      this.proxyUrl = m.proxyUrl;
      this.pill.set(m.connection);
      void this.refresh();
    });
    client.on('connection', (m) => {
      this.pill.set(m.connection);
      if (m.connection.state === 'connected' && this.proxyUrl) void this.refresh();
    });
    client.on('calls/appended', (m) => {
      this.recent.appendLive(m.calls);
      for (const during of this.streamedDuring) during.push(...m.calls);
      // Today's totals move with the list (and the status bar); the refresh below re-reads the ledger.
      this.kpis.addCalls(m.calls, new Date().setHours(0, 0, 0, 0));
      this.render();
      // At most one re-read a second: restarting the timer on every batch would starve it under a steady stream.
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.refresh();
      }, 1000);
    });
    client.on('budget/alert', () => void this.refresh());
    client.on('theme', () => this.budgets.retheme());
    watchTheme(() => this.budgets.retheme());
    // Every minute, and at local midnight: "Today" showed yesterday's figures up to a minute into the new day.
    const tick = (): unknown => setTimeout(() => { tick(); void this.refresh(); }, Math.min(60_000, new Date().setHours(24, 0, 0, 0) - Date.now()));
    tick();
  }

  private async refresh(): Promise<void> {
    const midnight = new Date().setHours(0, 0, 0, 0);
    const streamed: CallRecord[] = [];
    this.streamedDuring.add(streamed);
    try {
      const [page, summary, budgets] = await Promise.all([
        this.client.request('calls/page', { limit: RECENT }),
        this.client.request('summary', { from: midnight, to: Date.now() }),
        this.client.request('budgets', {}),
      ]);
      // A new list (the proxy may have restarted on another ledger), then the calls it may have missed.
      const recent = new CallStore(RECENT);
      recent.applyPage(page);
      recent.appendLive(streamed);
      this.recent = recent;
      this.loadedAt = Date.now();
      this.notice.hidden = true;
      this.kpis.set(summary);
      this.budgets.setBudgets(budgets);
      this.render();
    } catch (err) {
      const message = (err as Error).message;
      // What was read before stays (a proxy going offline must not blank today's figures), marked as not current.
      if (this.loadedAt) {
        replace(this.notice, `Tollgate proxy unavailable (${message}): figures as of ${formatTime(this.loadedAt)}, not current.`);
        this.notice.hidden = false;
      } else replace(this.body, h('p', { class: 'tone-bad' }, `Tollgate proxy unavailable: ${message}`));
    } finally {
      this.streamedDuring.delete(streamed);
    }
  }

  private render(empty = this.recent.length === 0): void {
    if (empty) {
      replace(this.body, emptyState(this.proxyUrl, (text) => this.client.command({ type: 'copy', text }), true));
      return;
    }
    replace(
      this.recentList,
      ...this.recentCalls().map((c) => {
        const outcome = callOutcome(c);
        return h('li', { dataset: { id: String(c.id) }, class: outcome.failed ? 'error' : '' },
          h('span', { class: 'muted' }, formatTime(c.ts)),
          h('span', { class: 'model' }, formatModel(c)),
          h('span', { class: outcome.failed ? 'tone-bad' : `tone-cache-${c.cache}` }, outcome.label),
          h('span', { class: 'num' }, outcome.failed ? 'failed' : c.savedUsd > 0 ? `saved ${formatUsd(c.savedUsd)}` : formatCallCost(c)));
      }),
    );
    replace(this.body, this.kpis.element, this.budgets.element, h('h3', null, 'Latest calls'), this.recentList);
  }

  private recentCalls(): CallRecord[] {
    const calls: CallRecord[] = [];
    for (let i = 0; i < this.recent.length && i < RECENT; i++) calls.push(this.recent.at(i)!);
    return calls;
  }
}
