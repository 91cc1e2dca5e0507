/**
 * The one /tollgate/events stream of a window. The proxy controller owns it; the status bar and
 * the dashboard (panel and sidebar) subscribe to its emitters instead of opening their own
 * connections. Opens lazily on the first event listener, reconnects with a doubling delay (up to
 * 15 s) and reports its connection state. Uses the global fetch; no `vscode` import.
 */
import type { CallRecord } from '@contract/api';
import { parseLiveEvent, type BudgetAlert } from '@contract/events';
import type { ConnectionState } from '../../../webview/src/protocol';
import type { DisposableLike } from '../dashboard/dataSource';
import { Emitter } from '../dashboard/emitter';
import { SseParser } from './sse';

export interface LiveEventsOptions {
  /** "http://127.0.0.1:8787" (a trailing slash is ignored). */
  proxyUrl: string;
  adminToken?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** First reconnect delay; doubles up to 15 s. */
  reconnectDelayMs?: number;
}

export class LiveEvents {
  readonly proxyUrl: string;
  readonly adminToken: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly baseDelay: number;
  private readonly calls = new Emitter<CallRecord>();
  private readonly budgets = new Emitter<BudgetAlert>();
  private readonly connections = new Emitter<ConnectionState>();
  private state: ConnectionState;
  private stream: AbortController | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(opts: LiveEventsOptions) {
    this.proxyUrl = opts.proxyUrl.replace(/\/+$/, '');
    this.adminToken = opts.adminToken;
    this.fetchImpl = opts.fetch ?? fetch;
    this.baseDelay = opts.reconnectDelayMs ?? 500;
    this.state = { state: 'connecting', proxyUrl: this.proxyUrl };
  }

  get connection(): ConnectionState {
    return this.state;
  }

  onCall(listener: (call: CallRecord) => void): DisposableLike {
    return this.subscribe(this.calls, listener);
  }

  onBudget(listener: (alert: BudgetAlert) => void): DisposableLike {
    return this.subscribe(this.budgets, listener);
  }

  onConnection(listener: (state: ConnectionState) => void): DisposableLike {
    return this.connections.on(listener);
  }

  /** The proxy is back (the supervisor says so): retry now instead of after the backoff. */
  reconnectNow(): void {
    // Only a stream waiting out its backoff: one being opened (or never opened: it is lazy) is left alone.
    if (this.disposed || !this.retryTimer) return;
    this.halt();
    void this.run(this.baseDelay);
  }

  dispose(): void {
    this.disposed = true;
    this.halt();
    for (const e of [this.calls, this.budgets, this.connections]) e.clear();
  }

  /** Drops the pending retry and closes the open stream. */
  private halt(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stream?.abort();
    this.stream = undefined;
  }

  private subscribe<T>(emitter: Emitter<T>, listener: (value: T) => void): DisposableLike {
    const d = emitter.on(listener);
    if (!this.stream && !this.disposed && !this.retryTimer) void this.run(this.baseDelay);
    return d;
  }

  private setState(next: ConnectionState): void {
    if (next.state === this.state.state && (next.state !== 'offline' || this.state.state !== 'offline' || next.error === this.state.error)) return;
    this.state = next;
    this.connections.fire(next);
  }

  private async run(delay: number): Promise<void> {
    const ctl = new AbortController();
    this.stream = ctl;
    let nextDelay = delay;
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...(this.adminToken ? { authorization: `Bearer ${this.adminToken}` } : {}) };
      const res = await this.fetchImpl(`${this.proxyUrl}/tollgate/events`, { headers, signal: ctl.signal });
      if (!res.ok || !res.body) throw new Error(`events stream → ${res.status}`);
      this.setState({ state: 'connected', proxyUrl: this.proxyUrl });
      nextDelay = this.baseDelay; // a stream that opened resets the backoff
      const parser = new SseParser();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) this.dispatch(ev.event, ev.data);
      }
      throw new Error('the proxy closed the connection'); // ended cleanly: the same to the user as cut off
    } catch (err) {
      if (this.disposed || ctl.signal.aborted) return;
      // undici's own words ("fetch failed", "terminated") tell the user nothing.
      const error = !(err instanceof TypeError) ? (err as Error).message : this.state.state === 'connected' ? 'the proxy closed the connection' : 'the proxy is not reachable';
      this.setState({ state: 'offline', proxyUrl: this.proxyUrl, error });
    } finally {
      if (this.stream === ctl) this.stream = undefined;
    }
    if (this.disposed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.disposed) void this.run(Math.min(nextDelay * 2, 15_000));
    }, nextDelay);
  }

  private dispatch(event: string, data: string): void {
    // A malformed event must not break the stream: parseLiveEvent drops it.
    const e = parseLiveEvent(event, data);
    if (e?.event === 'call') this.calls.fire(e.data);
    else if (e?.event === 'budget') this.budgets.fire(e.data);
  }
}
