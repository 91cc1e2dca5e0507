/**
 * The dashboard's DashboardDataSource: each request maps onto the extension's one REST client
 * (client/proxyClient.ts), live events come from the window's one event stream
 * (client/liveEvents.ts). Both are read from `link` on every use (the proxy controller's getters),
 * so the source follows the controller when it replaces them (the proxy's port or admin token changed): listeners are kept
 * here and moved to each new stream, and a panel opened before a restart keeps receiving live
 * calls after it. The stream belongs to whoever made it; disposing this source only drops listeners.
 * No `vscode` import: the browser tests drive the same class.
 */
import type { BudgetAlert, CallRecord, ConnectionState } from '../../../webview/src/protocol';
import type { LiveEvents } from '../client/liveEvents';
import type { ProxyClient } from '../client/proxyClient';
import type { DashboardDataSource, DisposableLike } from './dataSource';
import { Emitter } from './emitter';

/** The REST client and event stream: the proxy controller (getters for its current URL and token), or fixed ones. */
export interface ProxyLink {
  readonly api: ProxyClient;
  readonly events: LiveEvents;
  /**
   * Told when `events` is a new stream (the proxy came back on another port or with another admin
   * token). Without it the source only notices on the webview's next request, and a panel that
   * waits for the proxy (offline, no requests) would wait forever.
   */
  onDidReplaceEvents?(listener: (events: LiveEvents) => void): DisposableLike;
}

/** The listeners of one event kind, with one subscription to the current stream while there are any. */
class Relay<T> {
  private readonly emitter = new Emitter<T>();
  private upstream: DisposableLike | undefined;

  constructor(private readonly subscribe: (events: LiveEvents, fire: (value: T) => void) => DisposableLike) {}

  add(events: LiveEvents, listener: (value: T) => void): DisposableLike {
    const d = this.emitter.on(listener);
    // Subscribing opens the stream (LiveEvents is lazy), so only once someone listens.
    this.upstream ??= this.subscribe(events, (v) => this.emitter.fire(v));
    return {
      dispose: () => {
        d.dispose();
        if (this.emitter.size === 0) this.attach(undefined);
      },
    };
  }

  clear(): void {
    this.emitter.clear();
    this.attach(undefined);
  }

  /** Delivers `value` to the listeners without the stream (a replaced stream's current state). */
  emit(value: T): void {
    this.emitter.fire(value);
  }

  /** Moves the subscription to `events` (none: detach). */
  attach(events: LiveEvents | undefined): void {
    this.upstream?.dispose();
    this.upstream = events && this.emitter.size ? this.subscribe(events, (v) => this.emitter.fire(v)) : undefined;
  }
}

export class ProxyDashboardSource implements DashboardDataSource {
  private events: LiveEvents | undefined;
  private readonly calls = new Relay<CallRecord>((e, fire) => e.onCall(fire));
  private readonly alerts = new Relay<BudgetAlert>((e, fire) => e.onBudget(fire));
  private readonly connections = new Relay<ConnectionState>((e, fire) => e.onConnection(fire));

  private readonly replaced: DisposableLike | undefined;

  constructor(private readonly link: ProxyLink) {
    this.replaced = link.onDidReplaceEvents?.(() => void this.current);
  }

  /** The current client and stream; a replaced stream gets this source's listeners. */
  private get current(): { api: ProxyClient; events: LiveEvents } {
    const { api, events } = this.link;
    if (events !== this.events) {
      const previous = this.events;
      this.events = events;
      for (const r of [this.calls, this.alerts, this.connections]) r.attach(events);
      // A stream that is already connected (the status bar opened it first) never reports that
      // again: tell the listeners where the new one stands, so the panel leaves "offline" and reloads.
      if (previous) this.connections.emit(events.connection);
    }
    return { api, events };
  }

  get proxyUrl(): string {
    return this.current.events.proxyUrl;
  }
  get connection(): ConnectionState {
    return this.current.events.connection;
  }
  listCalls: DashboardDataSource['listCalls'] = (q) => this.current.api.calls(q);
  getCall: DashboardDataSource['getCall'] = (id) => this.current.api.call(id);
  summary: DashboardDataSource['summary'] = (q) => this.current.api.summary(q);
  budgets: DashboardDataSource['budgets'] = () => this.current.api.budgets();
  evictEntry: DashboardDataSource['evictEntry'] = (id) => this.current.api.evictEntry(id);
  routeFeedback: DashboardDataSource['routeFeedback'] = (id, verdict) => this.current.api.routeFeedback(id, verdict);
  batchOpportunities: DashboardDataSource['batchOpportunities'] = (from) => this.current.api.batchOpportunities(from);
  batches: DashboardDataSource['batches'] = () => this.current.api.batches();
  semanticQuality: DashboardDataSource['semanticQuality'] = (from) => this.current.api.semanticQuality(from);
  onCall: DashboardDataSource['onCall'] = (l) => this.calls.add(this.current.events, l);
  onBudgetAlert: DashboardDataSource['onBudgetAlert'] = (l) => this.alerts.add(this.current.events, l);
  onConnection: DashboardDataSource['onConnection'] = (l) => this.connections.add(this.current.events, l);

  /** Drops the listeners; the stream stays open for its owner. */
  dispose(): void {
    this.replaced?.dispose();
    for (const r of [this.calls, this.alerts, this.connections]) r.clear();
    this.events = undefined;
  }
}
