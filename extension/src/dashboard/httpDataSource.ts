/**
 * DashboardDataSource over the proxy's local HTTP API (see docs/dashboard.md for the routes):
 * requests go through the extension's one REST client (client/proxyClient.ts), live events come
 * from the window's one event stream (client/liveEvents.ts). Runs unchanged in the extension and
 * in the browser test's Node side.
 */
import type { BudgetAlert, CallRecord, ConnectionState } from '../../../webview/src/protocol';
import type { DashboardDataSource, DisposableLike } from './dataSource';
import { LiveEvents } from '../client/liveEvents';
import { ProxyClient } from '../client/proxyClient';

export { ProxyRequestError } from '../client/proxyClient';

export interface HttpDataSourceOptions {
  /** "http://127.0.0.1:8787" (a trailing slash is ignored). */
  proxyUrl: string;
  adminToken?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** First reconnect delay of the event stream; doubles up to 15 s. */
  reconnectDelayMs?: number;
  /**
   * The window's event stream (the proxy controller's). Given, the dashboard listens to it and
   * opens no connection of its own; absent, the source opens and owns one.
   */
  events?: LiveEvents;
  /** The proxy controller's REST client; absent, one is made from proxyUrl, adminToken and fetch. */
  client?: ProxyClient;
}

export class HttpDashboardDataSource implements DashboardDataSource {
  readonly proxyUrl: string;
  private readonly client: ProxyClient;
  private readonly events: LiveEvents;
  private readonly ownsEvents: boolean;
  private readonly subscriptions = new Set<DisposableLike>();

  constructor(opts: HttpDataSourceOptions) {
    this.proxyUrl = opts.proxyUrl.replace(/\/+$/, '');
    this.client = opts.client ?? new ProxyClient(this.proxyUrl, opts.adminToken, opts.fetch);
    this.ownsEvents = !opts.events;
    this.events =
      opts.events ??
      new LiveEvents({ proxyUrl: this.proxyUrl, ...(opts.adminToken ? { adminToken: opts.adminToken } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.reconnectDelayMs !== undefined ? { reconnectDelayMs: opts.reconnectDelayMs } : {}) });
  }

  get connection(): ConnectionState {
    return this.events.connection;
  }

  listCalls: DashboardDataSource['listCalls'] = (q) => this.client.calls(q);
  getCall: DashboardDataSource['getCall'] = (id) => this.client.call(id);
  summary: DashboardDataSource['summary'] = (q) => this.client.summary(q);
  budgets: DashboardDataSource['budgets'] = () => this.client.budgets();
  evictEntry: DashboardDataSource['evictEntry'] = (id) => this.client.evictEntry(id);
  routeFeedback: NonNullable<DashboardDataSource['routeFeedback']> = (id, verdict) => this.client.routeFeedback(id, verdict);
  batchOpportunities: NonNullable<DashboardDataSource['batchOpportunities']> = (from) => this.client.batchOpportunities(from);
  batches: NonNullable<DashboardDataSource['batches']> = () => this.client.batches();
  semanticQuality: NonNullable<DashboardDataSource['semanticQuality']> = (from) => this.client.semanticQuality(from);

  onCall(listener: (call: CallRecord) => void): DisposableLike {
    return this.track(this.events.onCall(listener));
  }

  onBudgetAlert(listener: (alert: BudgetAlert) => void): DisposableLike {
    return this.track(this.events.onBudget(listener));
  }

  onConnection(listener: (state: ConnectionState) => void): DisposableLike {
    return this.track(this.events.onConnection(listener));
  }

  /** Drops this source's listeners; closes the stream only when the source opened it. */
  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.subscriptions.clear();
    if (this.ownsEvents) this.events.dispose();
  }

  private track(d: DisposableLike): DisposableLike {
    this.subscriptions.add(d);
    return {
      dispose: () => {
        this.subscriptions.delete(d);
        d.dispose();
      },
    };
  }
}
