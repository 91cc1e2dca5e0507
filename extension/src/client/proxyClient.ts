/**
 * The extension's one REST client for the proxy's local API (GET /healthz, /tollgate/*, admin
 * calls), typed by the contract. The proxy controller owns it; the status bar and the dashboard's
 * data source go through it. The event stream is liveEvents.ts. Every request carries the admin
 * token when there is one (reads too: they hold prompt previews); the token is never logged or put
 * in an error message. Uses the global fetch; no `vscode` import.
 */
import type { BudgetStatus, CallDetail, CallPage, CallQuery, RouteFeedbackResult, SemanticQualityReport, Summary, SummaryQuery } from '@contract/api';
import { toQueryString } from '@contract/api';
import type { BatchList, BatchOpportunities } from '@contract/batch';

/** A failed request, with a message fit to show the user (status 0: the proxy did not answer). */
export class ProxyRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ProxyRequestError';
  }
}

const TIMEOUT_MS = 10_000;

export class ProxyClient {
  /** e.g. http://127.0.0.1:4141 (a trailing slash is dropped). */
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    readonly adminToken?: string,
    /** Injected for tests; defaults to the global fetch. */
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  calls({ limit, before, team, feature, user, model, cache, status }: CallQuery = {}): Promise<CallPage> {
    return this.get(`/tollgate/calls${toQueryString({ limit, before, team, feature, user, model, cache, status })}`);
  }

  call(id: number): Promise<CallDetail> {
    return this.get(`/tollgate/calls/${encodeURIComponent(String(id))}`);
  }

  summary({ from, to, by, bucketMs, bucketOffsetMs, tz, team, feature, user, model, cache, status }: SummaryQuery = {}): Promise<Summary> {
    return this.get(`/tollgate/summary${toQueryString({ from, to, by, bucketMs, bucketOffsetMs, tz, team, feature, user, model, cache, status })}`);
  }

  budgets(): Promise<BudgetStatus[]> {
    return this.get('/tollgate/budgets');
  }

  async evictEntry(entryId: number): Promise<void> {
    await this.request('DELETE', `/tollgate/cache/entries/${encodeURIComponent(String(entryId))}`);
  }

  routeFeedback(callId: number, verdict: 'bigger' | 'smaller'): Promise<RouteFeedbackResult> {
    return this.json('POST', '/tollgate/router/feedback', { callId, verdict });
  }

  batchOpportunities(from: number): Promise<BatchOpportunities> {
    return this.get(`/tollgate/batch/opportunities${toQueryString({ from })}`);
  }

  batches(): Promise<BatchList> {
    return this.get('/tollgate/batches');
  }

  semanticQuality(from?: number): Promise<SemanticQualityReport> {
    return this.get(`/tollgate/cache/quality${toQueryString({ from })}`);
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw this.unanswered(err, 'did not answer', 'is not reachable');
    }
    if (!res.ok) {
      const { message, type } = await errorBody(res);
      const route = path.split('?')[0]!;
      // A 404 that is not "no such call/entry" (not_found_error) is the proxy's unknown-route answer,
      // whose text tells SDK users where to point their base URL. Here it means the proxy is another
      // version than this extension (one started by a window not yet reloaded after an update, or an
      // older `tollgate start`): say that, and how to fix it.
      // A 405 is the same mismatch for a route the proxy serves with other methods only.
      if ((res.status === 405 || (res.status === 404 && type !== 'not_found_error')) && route.startsWith('/tollgate/')) throw new ProxyRequestError(await this.missingRoute(method, route), res.status);
      throw new ProxyRequestError(`${method} ${route} → ${res.status}: ${message}`, res.status);
    }
    return res;
  }

  private async missingRoute(method: string, route: string): Promise<string> {
    let version: unknown;
    try {
      const res = await this.fetchImpl(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      version = ((await res.json()) as { version?: unknown }).version;
    } catch {
      // the version is only a detail of the message
    }
    const which = typeof version === 'string' && version ? `Tollgate ${version}` : 'a Tollgate version';
    return `The proxy at ${this.baseUrl} is ${which} without ${method} ${route}, which this version of the extension uses. Restart the proxy on the current version: reload the VS Code window that started it, or restart \`tollgate start\` after updating it.`;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    // A body cut short (the proxy stopped or died mid-reply) is undici's TypeError "terminated", said to nobody's benefit.
    const cut = (err: unknown) => (err instanceof TypeError || (err as Error).name === 'TimeoutError' ? this.unanswered(err, 'did not finish its reply', 'closed the connection before its reply was complete') : err);
    return (await (await this.request(method, path, body)).json().catch((err: unknown) => Promise.reject(cut(err)))) as T;
  }

  /** A proxy that stalled past the timeout (undici: "The operation was aborted due to timeout") is up but stuck, not gone. */
  private unanswered(err: unknown, stalled: string, gone: string): ProxyRequestError {
    const timedOut = (err as Error).name === 'TimeoutError';
    return new ProxyRequestError(`Tollgate proxy at ${this.baseUrl} ${timedOut ? `${stalled} within ${TIMEOUT_MS / 1000} s` : `${gone} (${(err as Error).message})`}`, 0);
  }
}

/** The message (and type) of the API's error body (provider-style or plain), else the start of the text. */
async function errorBody(res: Response): Promise<{ message: string; type?: string }> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: string; type?: unknown } | string; message?: string };
    if (typeof body.error === 'string') return { message: body.error };
    const type = typeof body.error?.type === 'string' ? { type: body.error.type } : {};
    return { message: body.error?.message ?? body.message ?? text.slice(0, 200), ...type };
  } catch {
    return { message: text.slice(0, 200) || res.statusText };
  }
}
