/**
 * The one typed message protocol between the dashboard webview and the extension host.
 *
 * The webview never talks to the proxy: it sends requests (with an `id`) and fire-and-forget
 * commands to the extension, which answers each request with exactly one `response` and pushes
 * notifications (live calls, budget alerts, connection and theme changes). Both sides import this
 * file, so a renamed field is a type error on both ends (GitLens-style discriminated unions).
 *
 * The proxy's API shapes carried inside these messages come from the contract (`@contract/api`,
 * `@contract/events`); they are re-exported here only for the webview's convenience.
 */
import type { BudgetStatus, CallDetail, CallPage, CallQuery, CallRecord, SemanticQualityReport, Summary, SummaryQuery } from '@contract/api';
import type { BudgetAlert } from '@contract/events';
import type { BatchList, BatchOpportunities } from '@contract/batch';

export type { BatchList, BatchOpportunities, BatchOpportunity, BatchRecord } from '@contract/batch';
export type {
  BudgetStatus,
  CallDetail,
  CallFilter,
  CallPage,
  CallQuery,
  CallRecord,
  SemanticFeatureQuality,
  SemanticQualityReport,
  Summary,
  SummaryBucket,
  SummaryQuery,
} from '@contract/api';
export type { BudgetAlert } from '@contract/events';

/** The $ split the host computes with the project's pricing module for the detail view. */
export interface CostBreakdown {
  priced: boolean;
  /** Model id the price data matched (a dated snapshot resolves to its family). */
  matchedModel?: string;
  inputUsd: number;
  outputUsd: number;
  totalUsd: number;
  /** True when the call was answered from cache: the figures are what it would have cost. */
  wouldHaveCost: boolean;
}

export interface CallDetailView {
  call: CallDetail;
  breakdown: CostBreakdown;
}

// ---------------------------------------------------------------------------------------------
// Webview → extension
// ---------------------------------------------------------------------------------------------

/** Every request the webview can make, with its parameters and the result the host answers with. */
export interface DashboardRequests {
  'calls/page': { params: CallQuery; result: CallPage };
  'call/detail': { params: { callId: number }; result: CallDetailView };
  summary: { params: SummaryQuery; result: Summary };
  budgets: { params: Record<string, never>; result: BudgetStatus[] };
  'cache/evict': { params: { entryId: number }; result: { evicted: true } };
  'router/feedback': { params: { callId: number; verdict: 'bigger' | 'smaller' }; result: { tier: string; exemplars: number } };
  /** Per feature: what its real-time calls since `from` would have cost as batch or flex (admin call). */
  'batch/opportunities': { params: { from: number }; result: BatchOpportunities };
  /** The batches the proxy relayed, newest first (admin call). */
  'batch/list': { params: Record<string, never>; result: BatchList };
  /** The semantic cache's measured hit and reported false-hit rates per feature (GET /tollgate/cache/quality). */
  'cache/quality': { params: { from?: number }; result: SemanticQualityReport };
}

export type DashboardRequestType = keyof DashboardRequests;

export type RequestMessage<K extends DashboardRequestType = DashboardRequestType> = K extends DashboardRequestType
  ? { kind: 'request'; id: number; type: K; params: DashboardRequests[K]['params'] }
  : never;

/** Commands need no answer. */
export type CommandMessage =
  /** The webview has loaded and wants the `init` notification. */
  | { kind: 'command'; type: 'ready' }
  /** Put text on the clipboard (the webview cannot reliably do it itself). */
  | { kind: 'command'; type: 'copy'; text: string }
  /** Sidebar: open the full dashboard panel. */
  | { kind: 'command'; type: 'open/dashboard' };

export type WebviewToHostMessage = RequestMessage | CommandMessage;

// ---------------------------------------------------------------------------------------------
// Extension → webview
// ---------------------------------------------------------------------------------------------

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export type ConnectionState =
  | { state: 'connecting'; proxyUrl: string }
  | { state: 'connected'; proxyUrl: string }
  | { state: 'offline'; proxyUrl: string; error: string };

export type ResponseMessage<K extends DashboardRequestType = DashboardRequestType> = K extends DashboardRequestType
  ?
      | { kind: 'response'; id: number; type: K; ok: true; result: DashboardRequests[K]['result'] }
      | { kind: 'response'; id: number; type: K; ok: false; error: string }
  : never;

export type NotificationMessage =
  | { kind: 'notification'; type: 'init'; proxyUrl: string; view: DashboardViewKind; connection: ConnectionState }
  /** A call the proxy recorded just now (from its SSE stream), newest last. */
  | { kind: 'notification'; type: 'calls/appended'; calls: CallRecord[] }
  | { kind: 'notification'; type: 'budget/alert'; alert: BudgetAlert }
  | { kind: 'notification'; type: 'connection'; connection: ConnectionState }
  | { kind: 'notification'; type: 'theme'; theme: ThemeKind };

export type HostToWebviewMessage = ResponseMessage | NotificationMessage;

/** The full panel or the compact sidebar view; both run the same bundle. */
export type DashboardViewKind = 'panel' | 'sidebar';

// ---------------------------------------------------------------------------------------------
// Guards (messages cross a process boundary, so the receiver checks the envelope)
// ---------------------------------------------------------------------------------------------

const requestTypes: ReadonlySet<string> = new Set<DashboardRequestType>(['calls/page', 'call/detail', 'summary', 'budgets', 'cache/evict', 'router/feedback', 'batch/opportunities', 'batch/list', 'cache/quality']);
const commandTypes: ReadonlySet<string> = new Set<CommandMessage['type']>(['ready', 'copy', 'open/dashboard']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function isWebviewToHostMessage(v: unknown): v is WebviewToHostMessage {
  if (!isRecord(v) || typeof v.type !== 'string') return false;
  if (v.kind === 'request') return typeof v.id === 'number' && requestTypes.has(v.type) && isRecord(v.params);
  if (v.kind === 'command') return commandTypes.has(v.type) && (v.type !== 'copy' || typeof v.text === 'string');
  return false;
}

export function isHostToWebviewMessage(v: unknown): v is HostToWebviewMessage {
  if (!isRecord(v) || typeof v.type !== 'string') return false;
  if (v.kind === 'response') return typeof v.id === 'number' && typeof v.ok === 'boolean';
  return v.kind === 'notification';
}
