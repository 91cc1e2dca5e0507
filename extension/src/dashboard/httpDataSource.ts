/**
 * DashboardDataSource over the proxy's local HTTP API (see docs/dashboard.md for the routes).
 * Uses the global fetch (Node 20 / VS Code's extension host), so it runs unchanged in the
 * extension and in the browser test's Node side. The admin token is sent as a bearer header and
 * is never logged or put in an error message.
 */
import type {
  BatchList,
  BatchOpportunities,
  BudgetAlert,
  BudgetStatus,
  CallDetail,
  CallPage,
  CallQuery,
  CallRecord,
  ConnectionState,
  SemanticQualityReport,
  Summary,
  SummaryQuery,
} from '../../../webview/src/protocol';
import type { DashboardDataSource, DisposableLike } from './dataSource';
import { toQueryString } from '@contract/api';
import { LiveEvents } from '../client/liveEvents';

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
}

export class ProxyRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ProxyRequestError';
  }
}

export class HttpDashboardDataSource implements DashboardDataSource {
  readonly proxyUrl: string;
  private readonly adminToken: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly events: LiveEvents;
  private readonly ownsEvents: boolean;
  private readonly subscriptions = new Set<DisposableLike>();

  constructor(opts: HttpDataSourceOptions) {
    this.proxyUrl = opts.proxyUrl.replace(/\/+$/, '');
    this.adminToken = opts.adminToken;
    this.fetchImpl = opts.fetch ?? fetch;
    this.ownsEvents = !opts.events;
    this.events =
      opts.events ??
      new LiveEvents({ proxyUrl: this.proxyUrl, ...(this.adminToken ? { adminToken: this.adminToken } : {}), ...(opts.fetch ? { fetch: opts.fetch } : {}), ...(opts.reconnectDelayMs !== undefined ? { reconnectDelayMs: opts.reconnectDelayMs } : {}) });
  }

  get connection(): ConnectionState {
    return this.events.connection;
  }

  listCalls(query: CallQuery): Promise<CallPage> {
    const { limit, before, team, feature, user, model, cache, status } = query;
    return this.json<CallPage>('GET', `/tollgate/calls${toQueryString({ limit, before, team, feature, user, model, cache, status })}`);
  }

  getCall(id: number): Promise<CallDetail> {
    return this.json<CallDetail>('GET', `/tollgate/calls/${encodeURIComponent(String(id))}`);
  }

  summary(query: SummaryQuery): Promise<Summary> {
    const { from, to, by, bucketMs, team, feature, user, model, cache, status } = query;
    return this.json<Summary>('GET', `/tollgate/summary${toQueryString({ from, to, by, bucketMs, team, feature, user, model, cache, status })}`);
  }

  budgets(): Promise<BudgetStatus[]> {
    return this.json<BudgetStatus[]>('GET', '/tollgate/budgets');
  }

  async evictEntry(entryId: number): Promise<void> {
    await this.request('DELETE', `/tollgate/cache/entries/${encodeURIComponent(String(entryId))}`);
  }

  async routeFeedback(callId: number, verdict: 'bigger' | 'smaller'): Promise<{ tier: string; exemplars: number }> {
    const path = '/tollgate/router/feedback';
    const res = await this.fetchImpl(`${this.proxyUrl}${path}`, { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ callId, verdict }) });
    if (!res.ok) throw new ProxyRequestError(`POST ${path} → ${res.status}: ${await errorText(res)}`, res.status);
    return (await res.json()) as { tier: string; exemplars: number };
  }

  batchOpportunities(from: number): Promise<BatchOpportunities> {
    return this.json<BatchOpportunities>('GET', `/tollgate/batch/opportunities${toQueryString({ from })}`);
  }

  batches(): Promise<BatchList> {
    return this.json<BatchList>('GET', '/tollgate/batches');
  }

  semanticQuality(from?: number): Promise<SemanticQualityReport> {
    return this.json<SemanticQualityReport>('GET', `/tollgate/cache/quality${toQueryString({ from })}`);
  }

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

  private headers(extra?: Record<string, string>): Record<string, string> {
    return { accept: 'application/json', ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}), ...extra };
  }

  private async request(method: string, path: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.proxyUrl}${path}`, { method, headers: this.headers() });
    } catch (err) {
      throw new ProxyRequestError(`Tollgate proxy at ${this.proxyUrl} is not reachable (${(err as Error).message})`, 0);
    }
    if (!res.ok) throw new ProxyRequestError(`${method} ${path.split('?')[0]} → ${res.status}: ${await errorText(res)}`, res.status);
    return res;
  }

  private async json<T>(method: string, path: string): Promise<T> {
    return (await (await this.request(method, path)).json()) as T;
  }
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    if (typeof body.error === 'string') return body.error;
    return body.error?.message ?? body.message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200) || res.statusText;
  }
}
