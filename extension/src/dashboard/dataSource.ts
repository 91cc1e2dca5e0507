/**
 * What the dashboard needs from the proxy, as an interface so the panel, the sidebar and the
 * browser test all drive the same host logic. The implementation is proxySource.ts.
 * No `vscode` import: listeners return a plain `{ dispose() }`, which vscode.Disposable satisfies.
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
import type { RouteFeedbackResult } from '@contract/api';

export interface DisposableLike {
  dispose(): void;
}

export interface DashboardDataSource {
  /** Base URL of the proxy ("http://127.0.0.1:8787"), shown to the user in the empty state. */
  readonly proxyUrl: string;
  listCalls(query: CallQuery): Promise<CallPage>;
  getCall(id: number): Promise<CallDetail>;
  summary(query: SummaryQuery): Promise<Summary>;
  budgets(): Promise<BudgetStatus[]>;
  /** Remove one semantic/exact cache entry (admin call). */
  evictEntry(entryId: number): Promise<void>;
  /** Mark a routed call "needed a bigger model" / "a smaller one would do" (admin call; writes a team exemplar). */
  routeFeedback(callId: number, verdict: 'bigger' | 'smaller'): Promise<RouteFeedbackResult>;
  /** Per feature since `from`: the batch/flex what-if (admin call; GET /tollgate/batch/opportunities). */
  batchOpportunities(from: number): Promise<BatchOpportunities>;
  /** The batches the proxy relayed (admin call; GET /tollgate/batches). */
  batches(): Promise<BatchList>;
  /** The semantic cache's per-feature hit and reported false-hit rates since `from` (epoch ms). */
  semanticQuality(from?: number): Promise<SemanticQualityReport>;
  /** Every call the proxy records from now on (live). Subscribing opens the event stream. */
  onCall(listener: (call: CallRecord) => void): DisposableLike;
  onBudgetAlert(listener: (alert: BudgetAlert) => void): DisposableLike;
  onConnection(listener: (state: ConnectionState) => void): DisposableLike;
  readonly connection: ConnectionState;
  /** Close the event stream and drop listeners. */
  dispose(): void;
}
