/**
 * Typed HTTP client for the proxy's local API (GET /healthz, /tollgate/summary, /tollgate/calls,
 * /tollgate/budgets, the /tollgate/events SSE stream, admin POSTs). Used by the status bar and
 * handed to the dashboard panel. No `vscode` import.
 */
import type { CallPage, CallRecord, Summary } from '../../../proxy/src/ledger/types';
import { SseParser } from './sse';
import type { BudgetAlert, BudgetStatus } from '../../../webview/src/protocol';

/** A `budget` event on /tollgate/events: the same shape the dashboard shows as an alert. */
export type BudgetEvent = BudgetAlert;

export interface PolicyEvent {
  ok: boolean;
  problems: Array<{ message: string; path?: string; line?: number }>;
}

/** One shape for budget rows everywhere: the dashboard protocol's (what GET /tollgate/budgets returns). */
export type { BudgetStatus };

export interface ProxyEventHandlers {
  call?: (c: CallRecord) => void;
  budget?: (b: BudgetEvent) => void;
  policy?: (p: PolicyEvent) => void;
  /** The stream ended or failed (the caller decides whether to reconnect). */
  closed?: (error?: Error) => void;
}

export type SummaryGrouping = 'model' | 'feature' | 'team' | 'user' | 'provider' | 'cache';

export class ProxyClient {
  constructor(
    /** e.g. http://127.0.0.1:4141 */
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  /** The proxy's read API needs the admin token too (it holds prompt previews). */
  private authHeaders(): Record<string, string> {
    return this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {};
  }

  get openaiBaseUrl(): string {
    return `${this.baseUrl}/v1`;
  }

  get anthropicBaseUrl(): string {
    return this.baseUrl;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await fetch(this.baseUrl + path, { signal: signal ?? AbortSignal.timeout(10_000), headers: this.authHeaders() });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** State-changing admin calls carry the admin token the extension gave the proxy. */
  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}) },
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
      headers: this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`DELETE ${path}: HTTP ${res.status}`);
  }

  summary(query: { from?: number; to?: number; by?: SummaryGrouping; bucketMs?: number } = {}): Promise<Summary> {
    return this.get<Summary>(`/tollgate/summary${toQuery(query)}`);
  }

  calls(query: { limit?: number; before?: number; team?: string; feature?: string; user?: string; model?: string; cache?: string; status?: string } = {}): Promise<CallPage> {
    return this.get<CallPage>(`/tollgate/calls${toQuery(query)}`);
  }

  call(id: number): Promise<CallRecord & { requestHeaders?: Record<string, string>; responseHeaders: Record<string, string>; sourcePrompt?: string }> {
    return this.get(`/tollgate/calls/${id}`);
  }

  budgets(): Promise<BudgetStatus[]> {
    return this.get<BudgetStatus[]>('/tollgate/budgets');
  }

  clearCache(namespace?: string): Promise<unknown> {
    return this.post('/tollgate/cache/clear', namespace ? { namespace } : {});
  }

  /** Subscribes to GET /tollgate/events; returns a function that closes the stream. */
  events(handlers: ProxyEventHandlers): () => void {
    const abort = new AbortController();
    void (async () => {
      try {
        const res = await fetch(`${this.baseUrl}/tollgate/events`, { signal: abort.signal, headers: { accept: 'text/event-stream', ...this.authHeaders() } });
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return; // not ours to crash on
  }
  if (event === 'call') h.call?.(parsed as CallRecord);
  else if (event === 'budget') h.budget?.(parsed as BudgetEvent);
  else if (event === 'policy') h.policy?.(parsed as PolicyEvent);
}

function toQuery(q: Record<string, string | number | undefined>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
