/**
 * The extension side of the dashboard protocol, independent of `vscode`: it answers the webview's
 * requests from a DashboardDataSource and forwards live events. DashboardPanel and the sidebar
 * wire it to a real webview; the browser test wires it to a page, so both run the same code.
 */
import { priceCall } from '@proxy/pricing/price';
import {
  isWebviewToHostMessage,
  type CallDetail,
  type CallRecord,
  type CostBreakdown,
  type DashboardRequests,
  type DashboardRequestType,
  type DashboardViewKind,
  type HostToWebviewMessage,
  type RequestMessage,
  type ResponseMessage,
} from '../../../webview/src/protocol';
import type { DashboardDataSource, DisposableLike } from './dataSource';

export interface DashboardHostOptions {
  source: DashboardDataSource;
  view: DashboardViewKind;
  /** Deliver a message to the webview (webview.postMessage). */
  post: (message: HostToWebviewMessage) => unknown;
  /** Put text on the clipboard; may return a promise/thenable. */
  copy?: (text: string) => unknown;
  openDashboard?: () => void;
  /** Live calls arriving within this window go out as one `calls/appended` message. */
  batchMs?: number;
}

/** Cost split of a call, priced with the project's pricing module (what a cache hit would have cost). */
export function costBreakdown(call: CallRecord): CostBreakdown {
  const p = priceCall(call.modelUsed || call.modelRequested, {
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cachedTokens: call.cachedTokens,
    cacheWriteTokens: call.cacheWriteTokens,
  }, call.provider);
  return {
    priced: p.priced,
    ...(p.matchedModel ? { matchedModel: p.matchedModel } : {}),
    inputUsd: p.inputUsd,
    outputUsd: p.outputUsd,
    totalUsd: p.totalUsd,
    wouldHaveCost: call.cache === 'exact' || call.cache === 'semantic',
  };
}

/**
 * A row id from the webview, which goes into a proxy path (/tollgate/calls/<id>): "..", once URL
 * parsing resolved it, asked another route (/tollgate/), so anything but a row id is refused here.
 */
function rowId(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a positive whole number, not ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

export class DashboardHost {
  private readonly subscriptions: DisposableLike[] = [];
  private pending: CallRecord[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly opts: DashboardHostOptions) {
    const { source } = opts;
    this.subscriptions.push(
      source.onCall((call) => this.queueCall(call)),
      source.onBudgetAlert((alert) => this.post({ kind: 'notification', type: 'budget/alert', alert })),
      source.onConnection((connection) => this.post({ kind: 'notification', type: 'connection', connection })),
    );
  }

  /** Feed every message the webview posts (webview.onDidReceiveMessage). Unknown shapes are ignored. */
  async handle(message: unknown): Promise<void> {
    if (this.disposed || !isWebviewToHostMessage(message)) return;
    if (message.kind === 'command') {
      switch (message.type) {
        case 'ready':
          this.post({ kind: 'notification', type: 'init', proxyUrl: this.opts.source.proxyUrl, view: this.opts.view, connection: this.opts.source.connection });
          return;
        case 'copy':
          await this.opts.copy?.(message.text);
          return;
        case 'open/dashboard':
          this.opts.openDashboard?.();
          return;
      }
    }
    await this.answer(message);
  }

  dispose(): void {
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private async answer(req: RequestMessage): Promise<void> {
    let response: ResponseMessage;
    try {
      const result = await this.resolve(req);
      response = { kind: 'response', id: req.id, type: req.type, ok: true, result } as ResponseMessage;
    } catch (err) {
      response = { kind: 'response', id: req.id, type: req.type, ok: false, error: (err as Error).message || String(err) } as ResponseMessage;
    }
    this.post(response);
  }

  private async resolve(req: RequestMessage): Promise<DashboardRequests[DashboardRequestType]['result']> {
    const { source } = this.opts;
    switch (req.type) {
      case 'calls/page':
        return source.listCalls(req.params);
      case 'call/detail': {
        const call: CallDetail = await source.getCall(rowId(req.params.callId, 'callId'));
        return { call, breakdown: costBreakdown(call) };
      }
      case 'summary':
        return source.summary(req.params);
      case 'budgets':
        return source.budgets();
      case 'cache/evict':
        await source.evictEntry(rowId(req.params.entryId, 'entryId'));
        return { evicted: true };
      case 'router/feedback':
        return source.routeFeedback(rowId(req.params.callId, 'callId'), req.params.verdict);
      case 'batch/opportunities':
        return source.batchOpportunities(req.params.from);
      case 'batch/list':
        return source.batches();
      case 'cache/quality':
        return source.semanticQuality(req.params.from);
    }
  }

  private queueCall(call: CallRecord): void {
    this.pending.push(call);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const calls = this.pending;
      this.pending = [];
      if (calls.length) this.post({ kind: 'notification', type: 'calls/appended', calls });
    }, this.opts.batchMs ?? 50);
  }

  private post(message: HostToWebviewMessage): void {
    if (this.disposed) return;
    try {
      const r = this.opts.post(message);
      // webview.postMessage returns a thenable; a rejection only means the webview is gone.
      if (r && typeof (r as PromiseLike<unknown>).then === 'function') (r as PromiseLike<unknown>).then(undefined, () => undefined);
    } catch {
      // The webview may be gone between dispose events; nothing to deliver to.
    }
  }
}
