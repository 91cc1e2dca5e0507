/**
 * The full dashboard panel: headline totals, charts, budgets and the live call table with its
 * detail pane; or the getting-started state while the proxy has recorded nothing.
 */
import { BatchSection } from '../batch/batchSection';
import { BarList, topBuckets } from '../charts/barList';
import { seriesColors } from '../charts/seriesColors';
import { BudgetGauges } from '../charts/budgetGauges';
import { bucketFor, chartSeries, seriesQuery } from '../charts/seriesData';
import { TimeChart, type TimeSeriesSpec } from '../charts/timeChart';
import { renderDetail } from '../detail/detailView';
import { SemanticQualityView } from '../quality/qualityView';
import { h, replace } from '../dom';
import { emptyState } from '../empty/emptyState';
import { budgetAlertText } from '@contract/format';
import { countOf, formatTime, formatUsd } from '../format';
import type { HostClient } from '../ipc/client';
import type { BudgetAlert, CallFilter, CallRecord, ConnectionState } from '../protocol';
import { CallStore, DEFAULT_SORT, MAX_LOADED, type SortSpec } from '../state/callStore';
import { UNTAGGED } from '@contract/api';
import { isFilterEmpty, normaliseFilter, sameFilter } from '../state/filter';
import { callColumns } from '../table/columns';
import { VirtualTable } from '../table/virtualTable';
import { ConnectionPill } from './connectionPill';
import { Kpis } from './kpis';
import { rangeById, timeRanges } from './ranges';
import { watchTheme } from './themeWatcher';

export interface PanelState {
  range: string;
  /** Which dimension the spend-over-time chart splits by. */
  spendBy?: 'model' | 'feature';
  filter: CallFilter;
  sort: SortSpec;
}

const PAGE_SIZE = 500;
/**
 * The first page of a (re)load: enough rows for the tallest pane, a fifth of a full page, so the
 * table shows without waiting for 500 rows to be read, sent through the webview bridge and parsed;
 * the rest of a full page is asked for at once, so as many rows are loaded (and sorted) as before.
 */
const FIRST_PAGE_SIZE = 100;
const SUMMARY_DEBOUNCE_MS = 1000;
const SUMMARY_REFRESH_MS = 30_000;
/** Lines in the spend-over-time chart (top keys by cost; colours match the bar lists). */
const SPEND_SERIES = 4;
const TOTAL_SPEND: TimeSeriesSpec = { label: 'Total', color: 'muted', kind: 'bars', scale: 'usd', format: formatUsd };
const percent = (v: number) => `${v.toFixed(0)}%`;

type ValueElement = HTMLElement & { value: string };
/** A @vscode-elements text field: `label` is the accessible name of its inner input. */
type LabelledElement = ValueElement & { label: string };

export class PanelApp {
  private readonly store = new CallStore();
  private readonly state: PanelState;
  private proxyUrl = '';
  private mode: 'loading' | 'empty' | 'dashboard' = 'loading';
  private generation = 0;
  private loadingGeneration = -1;
  private summaryTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending summary refresh fires (epoch ms). */
  private summaryDue = 0;
  private summarySeq = 0;
  /** The stream was down since the last full load: reload when it is connected again. */
  private missedLive = false;
  private connection: ConnectionState | undefined;
  /**
   * A reload (Refresh, the proxy back) of the filter shown: the rows stay until the proxy answers
   * with the first page, so a proxy that went offline does not empty the table.
   */
  private pendingReload: CallFilter | undefined;
  /**
   * Live calls that arrived while that reload was on the way: its page may have been read before
   * they were recorded, so they are put back after the page replaces the rows.
   */
  private liveDuringReload: CallRecord[] = [];
  /** When the rows shown were last loaded from the proxy; set while a reload failed (they are not current). */
  private staleSince: number | undefined;
  private lastLoadAt = 0;
  /** A (re)load's count is still to be said: its first page is in, the rest of that page not yet. */
  private countUnsaid = false;
  /** The calls page on its way (settled when none is). */
  private callsLoad: Promise<void> = Promise.resolve();

  private readonly pill = new ConnectionPill();
  private readonly kpis = new Kpis();
  private readonly spendByButtons = {
    model: h('button', { class: 'seg-btn', attrs: { type: 'button' }, on: { click: () => this.setSpendBy('model') } }, 'by model'),
    feature: h('button', { class: 'seg-btn', attrs: { type: 'button' }, on: { click: () => this.setSpendBy('feature') } }, 'by feature'),
  };
  private readonly spendChart = new TimeChart({
    id: 'spend',
    title: 'Spend over time',
    controls: h('span', { class: 'seg', attrs: { role: 'group', 'aria-label': 'Split spend' } }, this.spendByButtons.model, this.spendByButtons.feature),
    series: [TOTAL_SPEND],
    axes: [{ scale: 'usd', format: formatUsd }],
  });
  private readonly cacheChart = new TimeChart({
    id: 'cache',
    title: 'Cache hit rate and $ saved',
    series: [
      { label: 'Hit rate', color: 2, kind: 'area', scale: 'pct', format: percent },
      { label: 'Saved (running total)', color: 3, kind: 'line', scale: 'usd', format: formatUsd },
    ],
    axes: [
      { scale: 'pct', format: percent, range: [0, 100] },
      { scale: 'usd', format: formatUsd },
    ],
  });
  private readonly byModel = new BarList('by-model', 'Spend by model', 'No spend in this range.');
  private readonly byFeature = new BarList('by-feature', 'Spend by feature', 'No spend in this range.');
  private readonly budgets = new BudgetGauges(false, () => this.scheduleSummary(0));
  private readonly batchSection: BatchSection;
  private readonly semanticQuality = new SemanticQualityView();
  private readonly table: VirtualTable;
  /**
   * Not a live region: it changes with every live batch (up to 20 times a second), which a screen
   * reader would read out without end. `announcer` says the count when the user asked for it.
   */
  private readonly countLabel = h('span', { class: 'count muted' });
  private readonly announcer = h('span', { class: 'sr-only', attrs: { role: 'status' } });
  private readonly detailPane = h('aside', { class: 'detail-pane', attrs: { hidden: true, 'aria-label': 'Call detail' } });
  private readonly alerts = h('div', { class: 'alerts' });
  private readonly errors = h('div', { class: 'errors', attrs: { role: 'alert' } });
  private readonly dashboard: HTMLElement;
  private readonly emptyHost = h('div', { class: 'empty-host' });
  private readonly loadingEl = h('p', { class: 'loading muted' }, 'Loading calls from the proxy…');
  private readonly topbar: HTMLElement;
  private readonly callsSection: HTMLElement;

  constructor(
    private readonly client: HostClient<PanelState>,
    private readonly root: HTMLElement,
  ) {
    const saved = client.state;
    this.state = { range: saved?.range ?? '24h', spendBy: saved?.spendBy ?? 'model', filter: saved?.filter ?? {}, sort: saved?.sort ?? DEFAULT_SORT };
    this.markSpendBy();
    this.batchSection = new BatchSection(client as HostClient<unknown>);
    this.store.setSort(this.state.sort);
    this.table = new VirtualTable({
      columns: callColumns,
      rowCount: () => this.store.length,
      totalRows: () => this.store.total,
      row: (i) => this.store.at(i),
      indexOf: (id) => this.store.indexOf(id),
      sort: () => this.store.sort,
      onSort: (col) => this.sortBy(col.sortKey),
      onSelect: (call) => void this.openDetail(call),
      onNearEnd: () => void this.loadMore(),
    });

    this.callsSection = h(
      'section',
      { class: 'calls', attrs: { 'aria-label': 'Calls' } },
      h('div', { class: 'calls-head' }, h('h2', null, 'Calls'), this.countLabel, this.announcer),
      this.filterBar(),
      h('div', { class: 'calls-body' }, this.table.element, this.detailPane),
    );
    this.topbar = h(
      'header',
      { class: 'topbar' },
      h('h1', null, 'Tollgate'),
      this.pill.element,
      h('span', { class: 'spacer' }),
      this.rangeSelect(),
      h('vscode-button', { attrs: { secondary: true, title: 'Reload from the proxy' }, on: { click: () => this.reloadAll() } }, 'Refresh'),
    );
    this.dashboard = h(
      'div',
      { class: 'dashboard' },
      this.kpis.element,
      h('section', { class: 'charts', attrs: { 'aria-label': 'Charts' } }, this.spendChart.element, this.cacheChart.element, this.byModel.element, this.byFeature.element, this.budgets.element),
      this.semanticQuality.element,
      this.callsSection,
      this.batchSection.element,
    );
    replace(this.root, this.topbar, this.errors, this.alerts, this.loadingEl, this.emptyHost, this.dashboard);
    this.kpis.set(undefined);
    this.setMode('loading');

    client.on('init', (m) => this.start(m.proxyUrl, m.connection));
    client.on('calls/appended', (m) => this.onLiveCalls(m.calls));
    client.on('connection', (m) => {
      this.proxyUrl = m.connection.proxyUrl;
      this.connection = m.connection;
      this.pill.set(m.connection);
      // Offline, or a new stream (the proxy came back on another port): live calls may have been missed.
      if (m.connection.state !== 'connected') this.missedLive = true;
      // The proxy came back (restarted, started after VS Code, or on another port): reload what failed.
      else if (this.missedLive) {
        this.missedLive = false;
        this.reloadAll();
      }
    });
    client.on('budget/alert', (m) => this.showAlert(m.alert));
    client.on('theme', (m) => {
      document.body.dataset.tollgateTheme = m.theme;
      this.retheme();
    });
    watchTheme(() => this.retheme());
    setInterval(() => this.mode === 'dashboard' && this.scheduleSummary(0), SUMMARY_REFRESH_MS);
    // Escape closes the call detail from the table or from inside the detail, like a VS Code peek.
    this.dashboard.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || this.detailPane.hidden) return;
      const target = ev.target as Node;
      if (!this.detailPane.contains(target) && !this.table.element.contains(target)) return;
      ev.preventDefault();
      this.closeDetail();
    });
  }

  private start(proxyUrl: string, connection: ConnectionState): void {
    this.proxyUrl = proxyUrl;
    this.connection = connection;
    this.missedLive = connection.state === 'offline';
    this.pill.set(connection);
    this.reloadAll();
  }

  private reloadAll(): void {
    this.reloadCalls(true);
    this.scheduleSummary(0);
  }

  private setMode(mode: 'loading' | 'empty' | 'dashboard'): void {
    this.mode = mode;
    this.root.dataset.mode = mode;
    this.loadingEl.hidden = mode !== 'loading';
    this.dashboard.hidden = mode !== 'dashboard';
    this.emptyHost.hidden = mode !== 'empty';
    if (mode === 'empty') replace(this.emptyHost, emptyState(this.proxyUrl, (text) => this.copy(text)));
    if (mode === 'dashboard') {
      this.table.refresh();
      // Charts measured while hidden have no width; rebuild them now that they are visible.
      requestAnimationFrame(() => this.retheme());
    }
  }

  private copy(text: string): void {
    this.client.command({ type: 'copy', text });
  }

  private saveState(): void {
    this.client.saveState(this.state);
  }

  // --- calls ------------------------------------------------------------------------------

  /** `keepShown`: a refresh of the same filter, whose rows stay on screen until the proxy answers. */
  private reloadCalls(keepShown = false): void {
    this.generation++;
    const filter = normaliseFilter(this.state.filter);
    if (keepShown && this.store.loaded && sameFilter(filter, this.store.filter)) {
      this.pendingReload = filter;
      this.callsLoad = this.loadMore();
      return;
    }
    this.pendingReload = undefined;
    this.liveDuringReload = [];
    this.setStale(undefined);
    this.store.reset(filter);
    this.table.scrollToTop();
    this.table.refresh();
    this.updateCount();
    this.callsLoad = this.loadMore();
  }

  /** `size`: rows to ask for when this is not the first page of a (re)load. */
  private async loadMore(size = PAGE_SIZE): Promise<void> {
    const gen = this.generation;
    if (this.loadingGeneration === gen) return;
    const reload = this.pendingReload;
    if (!reload && this.store.loaded && !this.store.hasMore) return;
    this.loadingGeneration = gen;
    let fillUp = false;
    try {
      const before = reload ? undefined : this.store.nextBefore;
      const limit = reload || !this.store.loaded ? FIRST_PAGE_SIZE : size;
      const page = await this.client.request('calls/page', { ...(reload ?? this.store.filter), limit, ...(before !== undefined ? { before } : {}) });
      if (gen !== this.generation) return;
      if (reload) {
        // The proxy answered: now the rows shown make way for its current ones.
        this.pendingReload = undefined;
        this.store.reset(reload);
        this.table.scrollToTop();
      }
      const streamed = reload ? this.liveDuringReload.splice(0) : [];
      this.lastLoadAt = Date.now();
      this.setStale(undefined);
      const first = !this.store.loaded;
      this.store.applyPage(page);
      fillUp = limit === FIRST_PAGE_SIZE && this.store.hasMore;
      // After the page: those it already has are skipped, the others go in at their place by id.
      this.store.appendLive(streamed);
      this.clearError('calls');
      if (this.mode !== 'dashboard') this.setMode(this.store.total === 0 && isFilterEmpty(this.store.filter) ? 'empty' : 'dashboard');
      this.table.refresh();
      this.updateCount();
      // The answer to a (re)load the user asked for (filter, refresh): said once, not per page, and
      // with the count the rest of its first page makes.
      if (first) this.countUnsaid = true;
      if (this.countUnsaid && !fillUp) {
        this.countUnsaid = false;
        this.announce();
      }
    } catch (err) {
      if (gen === this.generation) {
        // The error line (an alert) is what is said now, not a count at some later page.
        this.countUnsaid = false;
        const message = (err as Error).message;
        if (this.store.loaded) {
          // Nothing shown is dropped: the last rows stay, marked as not current, until the proxy answers.
          this.setStale(this.lastLoadAt);
          const since = `showing the calls as loaded at ${formatTime(this.lastLoadAt)}, not current`;
          this.showError('calls', this.offline() ? `The proxy is offline (${message}): ${since}. They reload when it is back.` : `Could not load calls (${message}): ${since}.`);
        } else this.showError('calls', `Could not load calls: ${message}`);
        // Plain text (no markdown here): the command in VS Code first, the CLI for a proxy run by hand.
        if (this.mode === 'loading') replace(this.loadingEl, `The Tollgate proxy is not reachable at ${this.proxyUrl}. Start it with the "Tollgate: Start Proxy" command (or run "tollgate start" in a terminal); the dashboard reloads when it is reachable.`);
      }
    } finally {
      if (this.loadingGeneration === gen) this.loadingGeneration = -1;
    }
    if (fillUp && gen === this.generation) void this.loadMore(PAGE_SIZE - FIRST_PAGE_SIZE);
  }

  private onLiveCalls(calls: CallRecord[]): void {
    const fresh = this.store.appendLive(calls);
    if (this.pendingReload) {
      this.liveDuringReload.push(...fresh);
      // A reload that keeps failing under a busy stream: no more than the table could hold.
      if (this.liveDuringReload.length > MAX_LOADED) this.liveDuringReload.splice(0, this.liveDuringReload.length - MAX_LOADED);
    }
    // The headline is not filtered: every live call in the range counts, now, not at the next summary.
    this.kpis.addCalls(calls, Date.now() - rangeById(this.state.range).ms);
    if (this.mode === 'empty' && calls.length) this.setMode('dashboard');
    // A fresh proxy can take seconds to answer the first page: calls the stream brings show now,
    // and the page merges in under them when it comes (CallStore keeps each call once, by id).
    if (this.mode === 'loading' && fresh.length) this.setMode('dashboard');
    if (fresh.length) {
      this.table.refresh();
      this.updateCount();
    }
    if (calls.length) this.scheduleSummary(SUMMARY_DEBOUNCE_MS);
  }

  private updateCount(): void {
    const s = this.store;
    if (!s.loaded) {
      replace(this.countLabel, 'loading…');
      return;
    }
    const sorted = s.sort.key !== DEFAULT_SORT.key || s.sort.dir !== DEFAULT_SORT.dir;
    const loaded = s.length < s.total ? `${s.length.toLocaleString('en-US')} of ${s.total.toLocaleString('en-US')} loaded (scroll for more)` : countOf(s.total, 'call');
    let text = sorted ? `${loaded} · sorted among loaded calls` : loaded;
    if (s.total === 0) text = isFilterEmpty(s.filter) ? 'no calls yet' : 'no calls match these filters';
    if (this.staleSince !== undefined) text += ` · not current: ${this.offline() ? 'the proxy is offline' : 'the last reload failed'} (as of ${formatTime(this.staleSince)})`;
    replace(this.countLabel, text);
  }

  private offline(): boolean {
    return this.connection?.state === 'offline';
  }

  /** Marks the rows shown as not current (a failed reload), or current again. */
  private setStale(since: number | undefined): void {
    this.staleSince = since;
    if (since === undefined) delete this.callsSection.dataset.stale;
    else this.callsSection.dataset.stale = 'true';
    this.updateCount();
  }

  private sortBy(key: SortSpec['key'] | undefined): void {
    if (!key) return;
    const cur = this.store.sort;
    const next: SortSpec = cur.key === key ? { key, dir: cur.dir === 'desc' ? 'asc' : 'desc' } : { key, dir: key === 'model' || key === 'cache' ? 'asc' : 'desc' };
    this.store.setSort(next);
    this.state.sort = next;
    this.saveState();
    this.table.scrollToTop();
    this.table.refresh();
    this.updateCount();
    this.announce();
  }

  private announce(): void {
    replace(this.announcer, this.countLabel.textContent ?? '');
  }

  private filterBar(): HTMLElement {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const apply = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.state.filter = normaliseFilter(Object.fromEntries(fields.map((f) => [f.dataset.filter!, f.value])) as CallFilter);
        this.saveState();
        this.reloadCalls();
      }, 300);
    };
    const text = (key: keyof CallFilter, label: string) => {
      // `input` only: `change` on leaving the field reloaded the same filter, emptying the table under the user.
      const field = h('vscode-textfield', { attrs: { placeholder: label, 'aria-label': `Filter by ${label}`, value: this.state.filter[key] ?? '' }, dataset: { filter: key }, on: { input: apply } }) as LabelledElement;
      // The inner <input> takes its accessible name from `label` (a property, not an attribute); aria-label on the host never reaches it.
      field.label = `Filter by ${label}`;
      return field;
    };
    const select = (key: keyof CallFilter, label: string, options: Array<[string, string]>) => {
      const current = this.state.filter[key] ?? '';
      return h(
        'vscode-single-select',
        // `label` names the inner combobox; without it a screen reader hears an unnamed "combobox, any cache".
        { attrs: { label: `Filter by ${label}`, 'aria-label': `Filter by ${label}` }, dataset: { filter: key }, on: { change: apply } },
        ...options.map(([value, text]) => h('vscode-option', { attrs: { value, selected: value === current } }, text)),
      ) as ValueElement;
    };
    const fields: ValueElement[] = [
      text('feature', 'feature'),
      text('team', 'team'),
      text('user', 'user'),
      text('model', 'model'),
      select('cache', 'cache', [['', 'any cache'], ['miss', 'miss'], ['exact', 'exact'], ['semantic', 'semantic'], ['bypass', 'bypass']]),
      select('status', 'status', [['', 'any status'], ['ok', 'ok'], ['error', 'error']]),
    ];
    const clearBtn = h('vscode-button', {
      attrs: { secondary: true },
      on: {
        click: () => {
          for (const f of fields) f.value = '';
          apply();
        },
      },
    }, 'Clear');
    return h('div', { class: 'filters', attrs: { role: 'search' } }, ...fields, clearBtn);
  }

  // --- detail -----------------------------------------------------------------------------

  private async openDetail(call: CallRecord): Promise<void> {
    this.detailPane.hidden = false;
    this.detailPane.dataset.callId = String(call.id);
    replace(this.detailPane, h('p', { class: 'muted' }, 'Loading call…'));
    try {
      const view = await this.client.request('call/detail', { callId: call.id });
      if (this.detailPane.dataset.callId !== String(call.id)) return;
      replace(
        this.detailPane,
        renderDetail(view, {
          evict: async (entryId) => {
            await this.client.request('cache/evict', { entryId });
            this.scheduleSummary(0);
          },
          routeFeedback: (callId, verdict) => this.client.request('router/feedback', { callId, verdict }),
          copy: (t) => this.copy(t),
          close: () => this.closeDetail(),
        }),
      );
      this.revealDetail();
    } catch (err) {
      replace(this.detailPane, h('p', { class: 'tone-bad' }, `Could not load call ${call.id}: ${(err as Error).message}`));
    }
  }

  /**
   * In a narrow pane the detail sits below the table, possibly out of view: bring it in, clear of
   * the sticky top bar (which would cover its heading and Close button). Focus stays on the table.
   */
  private revealDetail(): void {
    // Beside the table (a wide pane) it is where the user clicked: the page stays put.
    if (this.detailPane.offsetTop <= this.table.element.offsetTop) return;
    this.detailPane.style.scrollMarginTop = `${this.topbar.offsetHeight + 8}px`;
    this.detailPane.scrollIntoView({ block: 'nearest' });
  }

  private closeDetail(): void {
    const hadFocus = this.detailPane.contains(document.activeElement);
    this.detailPane.hidden = true;
    delete this.detailPane.dataset.callId;
    this.table.setSelected(undefined);
    // Focus inside the pane would fall to <body> when it hides: back to the table it came from.
    if (hadFocus) this.table.focus();
  }

  // --- summary, charts, budgets --------------------------------------------------------------

  private rangeSelect(): HTMLElement {
    const el = h(
      'vscode-single-select',
      { class: 'range', attrs: { label: 'Time range', 'aria-label': 'Time range' }, on: { change: () => {
        this.state.range = el.value;
        this.saveState();
        this.scheduleSummary(0);
      } } },
      ...timeRanges.map((r) => h('vscode-option', { attrs: { value: r.id, selected: r.id === this.state.range } }, r.label)),
    ) as ValueElement;
    return el;
  }

  private setSpendBy(by: 'model' | 'feature'): void {
    this.state.spendBy = by;
    this.saveState();
    this.markSpendBy();
    this.scheduleSummary(0);
  }

  private markSpendBy(): void {
    for (const [k, b] of Object.entries(this.spendByButtons)) b.setAttribute('aria-pressed', String(k === (this.state.spendBy ?? 'model')));
  }

  /**
   * Refresh the summary in `delay` ms, unless one is already due sooner: a steady stream of live
   * calls (a batch every 50 ms) must not push the refresh back each time, or it would never run
   * and the charts, bars, budgets and ledger totals would stay as they were when the stream began.
   */
  private scheduleSummary(delay: number): void {
    const due = Date.now() + delay;
    if (this.summaryTimer !== undefined && this.summaryDue <= due) return;
    clearTimeout(this.summaryTimer);
    this.summaryDue = due;
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      void this.refreshSummary();
    }, delay);
  }

  private async refreshSummary(): Promise<void> {
    const seq = ++this.summarySeq;
    const range = rangeById(this.state.range);
    const to = Date.now();
    const from = to - range.ms;
    const bucketMs = bucketFor(range.ms);
    // Day (and hour) buckets start at the user's local midnight, not UTC's.
    const series = seriesQuery(from, to, bucketMs);
    const headline = Promise.all([
      this.client.request('summary', { ...series, by: 'model' }),
      this.client.request('summary', { from, to, by: 'feature' }),
      this.client.request('budgets', {}),
    ]);
    // The cards below the charts (own requests and error lines: the batch figures need the admin
    // token) are asked for once the calls page and the headline are in: the proxy works out batch
    // opportunities on its own thread, a scan of the range (~0.3 s over 10,000 calls) that every
    // answer asked for after it waits behind, the table's first rows among them.
    void Promise.allSettled([this.callsLoad, headline]).then(() => {
      void this.batchSection.refresh(from);
      void this.semanticQuality.load((since) => this.client.request('cache/quality', { from: since }), from);
    });
    try {
      const [byModel, byFeature, budgets] = await headline;
      // Spend over time per top model/feature: each series is one more summary the proxy filters and buckets.
      const dim = this.state.spendBy ?? 'model';
      // The folded "N others" row is the one past the top 4, not a key named "… others" (a valid tag).
      const keys = topBuckets((dim === 'model' ? byModel : byFeature).by.filter((b) => b.key !== UNTAGGED && b.calls > 0), SPEND_SERIES + 1)
        .slice(0, SPEND_SERIES)
        .map((b) => b.key);
      const perKey = await Promise.all(keys.map((key) => this.client.request('summary', { ...series, [dim]: key })));
      if (seq !== this.summarySeq) return;
      this.clearError('summary');
      this.kpis.set(byModel);
      const xRange: [number, number] = [from / 1000, to / 1000];
      const total = chartSeries(byModel, bucketMs);
      // Colour by key, not by rank: a model keeps its colour when another overtakes it (and no two lines share one).
      const colors = seriesColors.indices(keys);
      this.spendChart.setSeries([TOTAL_SPEND, ...keys.map((key, i) => ({ label: key, color: colors[i]!, kind: 'line' as const, scale: 'usd', format: formatUsd }))]);
      this.spendChart.setData(xRange, total.t, total.costUsd, ...perKey.map((s) => chartSeries(s, bucketMs).costUsd));
      this.cacheChart.setData(xRange, total.t, total.hitRatePct, total.savedCumUsd);
      this.byModel.setBuckets(byModel.by);
      this.byFeature.setBuckets(byFeature.by);
      this.budgets.setBudgets(budgets);
      this.root.dataset.summaryLoaded = 'true';
    } catch (err) {
      if (seq === this.summarySeq) this.showError('summary', `Could not load the summary: ${(err as Error).message}`);
    }
  }

  private retheme(): void {
    this.spendChart.retheme();
    this.cacheChart.retheme();
    this.byModel.retheme();
    this.byFeature.retheme();
    this.budgets.retheme();
  }

  // --- banners ----------------------------------------------------------------------------------

  private showAlert(a: BudgetAlert): void {
    const id = `${a.budget}:${a.level}`;
    this.alerts.querySelector(`[data-alert="${CSS.escape(id)}"]`)?.remove();
    const text = budgetAlertText(a);
    const banner = h('div', { class: `banner ${a.level}`, dataset: { alert: id }, attrs: { role: 'alert' } }, h('span', null, text),
      h('vscode-button', { attrs: { secondary: true }, on: { click: () => banner.remove() } }, 'Dismiss'));
    this.alerts.appendChild(banner);
    // The period's end takes it away, as the status bar's warning goes (it said "exceeded" of a fresh budget all night).
    const left = a.resetsAt - Date.now();
    if (left < 2_147_483_647) setTimeout(() => banner.remove(), left);
    this.scheduleSummary(0);
  }

  private showError(key: string, message: string): void {
    this.clearError(key);
    this.errors.appendChild(h('div', { class: 'banner exceeded', dataset: { error: key } }, message));
  }

  private clearError(key: string): void {
    this.errors.querySelector(`[data-error="${key}"]`)?.remove();
  }
}
