/**
 * Typed HTTP client for the proxy's local API (GET /healthz, /tollgate/summary, /tollgate/calls,
 * /tollgate/budgets, the /tollgate/events SSE stream, admin POSTs), typed by the contract
 * (`@contract/api`, `@contract/events`). Owned by the proxy controller; used by the status bar and
 * handed to the dashboard panel. Every request, reads and the event stream included, carries the
 * admin token when it has one. No `vscode` import.
 */
import type { BudgetStatus, CacheClearResult, CallDetail, CallPage, CallQuery, CallRecord, Summary, SummaryQuery } from '@contract/api';
import { toQueryString } from '@contract/api';
import { parseLiveEvent, type BudgetAlert, type PolicyEvent } from '@contract/events';
import { SseParser } from './sse';

/** A `budget` event on /tollgate/events: the same shape the dashboard shows as an alert. */
export type BudgetEvent = BudgetAlert;
export type { PolicyEvent };

/** One shape for budget rows everywhere: the dashboard protocol's (what GET /tollgate/budgets returns). */
export type { BudgetStatus };

export interface ProxyEventHandlers {
  call?: (c: CallRecord) => void;
  budget?: (b: BudgetEvent) => void;
  policy?: (p: PolicyEvent) => void;
  /** The stream ended or failed (the caller decides whether to reconnect). */
  closed?: (error?: Error) => void;
}

export type { SummaryDimension as SummaryGrouping } from '@contract/api';

export class ProxyClient {
  constructor(
    /** e.g. http://127.0.0.1:4141 */
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  get openaiBaseUrl(): string {
    return `${this.baseUrl}/v1`;
  }

  get anthropicBaseUrl(): string {
    return this.baseUrl;
  }

  private auth(): Record<string, string> {
    return this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {};
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await fetch(this.baseUrl + path, { headers: this.auth(), signal: signal ?? AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** State-changing admin calls carry the admin token the extension gave the proxy. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth() },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`POST ${path}: HTTP ${res.status}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async delete(path: string): Promise<void> {
    const res = await fetch(this.baseUrl + path, {
      method: 'DELETE',
      headers: this.auth(),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`DELETE ${path}: HTTP ${res.status}`);
  }

  summary(query: SummaryQuery = {}): Promise<Summary> {
    return this.get<Summary>(`/tollgate/summary${toQueryString(query)}`);
  }

  calls(query: CallQuery = {}): Promise<CallPage> {
    return this.get<CallPage>(`/tollgate/calls${toQueryString(query)}`);
  }

  call(id: number): Promise<CallDetail> {
    return this.get<CallDetail>(`/tollgate/calls/${id}`);
  }

  budgets(): Promise<BudgetStatus[]> {
    return this.get<BudgetStatus[]>('/tollgate/budgets');
  }

  clearCache(namespace?: string): Promise<CacheClearResult> {
    return this.post('/tollgate/cache/clear', namespace ? { namespace } : {});
  }

  /** Subscribes to GET /tollgate/events; returns a function that closes the stream. */
  events(handlers: ProxyEventHandlers): () => void {
    const abort = new AbortController();
    void (async () => {
      try {
        const res = await fetch(`${this.baseUrl}/tollgate/events`, { signal: abort.signal, headers: { accept: 'text/event-stream', ...this.auth() } });
        if (!res.ok || !res.body) throw new Error(`GET /tollgate/events: HTTP ${res.status}`);
        const parser = new SseParser(({ event, data }) => dispatch(handlers, event, data));
        const decoder = new TextDecoder();
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.push(decoder.decode(value, { stream: true }));
        }
        handlers.closed?.();
      } catch (e) {
        if (!abort.signal.aborted) handlers.closed?.(e instanceof Error ? e : new Error(String(e)));
      }
    })();
    return () => abort.abort();
  }
}

function dispatch(h: ProxyEventHandlers, event: string, data: string): void {
  const e = parseLiveEvent(event, data);
  if (e?.event === 'call') h.call?.(e.data);
  else if (e?.event === 'budget') h.budget?.(e.data);
  else if (e?.event === 'policy') h.policy?.(e.data);
}
