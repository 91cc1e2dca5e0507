/**
 * DashboardDataSource over the proxy's local HTTP API (see docs/dashboard.md for the routes).
 * Uses the global fetch (Node 20 / VS Code's extension host), so it runs unchanged in the
 * extension and in the browser test's Node side. The admin token is sent as a bearer header and
 * is never logged or put in an error message.
 */
import type {
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
import { Emitter } from './emitter';
import { toQueryString } from '@contract/api';
import { parseLiveEvent } from '@contract/events';
import { SseParser } from '../client/sse';

export interface HttpDataSourceOptions {
  /** "http://127.0.0.1:8787" (a trailing slash is ignored). */
  proxyUrl: string;
  adminToken?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** First reconnect delay of the event stream; doubles up to 15 s. */
  reconnectDelayMs?: number;
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
  private readonly baseDelay: number;
  private readonly calls = new Emitter<CallRecord>();
  private readonly alerts = new Emitter<BudgetAlert>();
  private readonly connections = new Emitter<ConnectionState>();
  private state: ConnectionState;
  private stream: AbortController | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(opts: HttpDataSourceOptions) {
    this.proxyUrl = opts.proxyUrl.replace(/\/+$/, '');
    this.adminToken = opts.adminToken;
    this.fetchImpl = opts.fetch ?? fetch;
    this.baseDelay = opts.reconnectDelayMs ?? 500;
    this.state = { state: 'connecting', proxyUrl: this.proxyUrl };
  }

  get connection(): ConnectionState {
    return this.state;
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

  semanticQuality(from?: number): Promise<SemanticQualityReport> {
    return this.json<SemanticQualityReport>('GET', `/tollgate/cache/quality${toQueryString({ from })}`);
  }

  onCall(listener: (call: CallRecord) => void): DisposableLike {
    const d = this.calls.on(listener);
    this.ensureStream();
    return d;
  }

  onBudgetAlert(listener: (alert: BudgetAlert) => void): DisposableLike {
    const d = this.alerts.on(listener);
    this.ensureStream();
    return d;
  }

  onConnection(listener: (state: ConnectionState) => void): DisposableLike {
    return this.connections.on(listener);
  }

  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stream?.abort();
    this.stream = undefined;
    this.calls.clear();
    this.alerts.clear();
    this.connections.clear();
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

  private setState(next: ConnectionState): void {
    if (next.state === this.state.state && (next.state !== 'offline' || this.state.state !== 'offline' || next.error === this.state.error)) return;
    this.state = next;
    this.connections.fire(next);
  }

  private ensureStream(): void {
    if (this.stream || this.disposed || this.retryTimer) return;
    void this.runStream(this.baseDelay);
  }

  private async runStream(delay: number): Promise<void> {
    const ctl = new AbortController();
    this.stream = ctl;
    let nextDelay = delay;
    try {
      const res = await this.fetchImpl(`${this.proxyUrl}/tollgate/events`, { headers: this.headers({ accept: 'text/event-stream' }), signal: ctl.signal });
      if (!res.ok || !res.body) throw new Error(`events stream → ${res.status}`);
      this.setState({ state: 'connected', proxyUrl: this.proxyUrl });
      nextDelay = this.baseDelay; // a stream that opened resets the backoff
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) this.dispatch(ev.event, ev.data);
      }
      throw new Error('events stream closed');
    } catch (err) {
      if (this.disposed || ctl.signal.aborted) return;
      this.setState({ state: 'offline', proxyUrl: this.proxyUrl, error: (err as Error).message });
    } finally {
      if (this.stream === ctl) this.stream = undefined;
    }
    if (this.disposed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.disposed) void this.runStream(Math.min(nextDelay * 2, 15_000));
    }, nextDelay);
  }

  private dispatch(event: string, data: string): void {
    // A malformed event must not break the stream: parseLiveEvent drops it.
    const e = parseLiveEvent(event, data);
    if (e?.event === 'call') this.calls.fire(e.data);
    else if (e?.event === 'budget') this.alerts.fire(e.data);
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
