/**
 * Typed HTTP client for the proxy's local API (GET /healthz, /tollgate/summary, /tollgate/calls,
 * /tollgate/budgets, admin POSTs), typed by the contract (`@contract/api`, `@contract/events`).
 * Owned by the proxy controller; used by the status bar. The event stream is liveEvents.ts. Every request, reads and the event stream included, carries the
 * admin token when it has one. No `vscode` import.
 */
import type { BudgetStatus, CacheClearResult, CallDetail, CallPage, CallQuery, Summary, SummaryQuery } from '@contract/api';
import { toQueryString } from '@contract/api';
import type { BudgetAlert, PolicyEvent } from '@contract/events';

/** A `budget` event on /tollgate/events: the same shape the dashboard shows as an alert. */
export type BudgetEvent = BudgetAlert;
export type { PolicyEvent };

/** One shape for budget rows everywhere: the dashboard protocol's (what GET /tollgate/budgets returns). */
export type { BudgetStatus };

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

  /** Reads need the admin token too (they hold prompt previews). */
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
}
