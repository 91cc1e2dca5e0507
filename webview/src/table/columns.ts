/** The call table's columns: header, grid width, sort key and how a call renders in the cell. */
import { callOutcome, formatCache, formatCallCost, formatModel, formatMs, formatStatus, formatTags, formatTime, formatTokens, formatUsd } from '../format';
import type { CallRecord } from '../protocol';
import type { SortKey } from '../state/callStore';

export interface Column {
  id: string;
  label: string;
  /** CSS grid track. */
  width: string;
  sortKey?: SortKey;
  numeric?: boolean;
  text(call: CallRecord): string;
  /** Tooltip with the untruncated value. */
  title?(call: CallRecord): string;
  /** Extra class on the cell (status colours). */
  tone?(call: CallRecord): string | undefined;
}

export const callColumns: Column[] = [
  // Room for a call from before today, which formatTime dates ("2026-11-29 09:29:56"): 19 characters,
  // none wider than a digit (`ch`). Widths scale with the font (em, ch), so VS Code's zoom and font
  // size (--vscode-font-size 16–20 px) do not cut the time or the figures as fixed pixels did.
  { id: 'time', label: 'Time', width: 'calc(19ch + 20px)', sortKey: 'ts', text: (c) => formatTime(c.ts), title: (c) => new Date(c.ts).toISOString() },
  { id: 'tags', label: 'Feature / team / user', width: 'minmax(12.5em, 1.1fr)', text: formatTags },
  {
    id: 'model',
    label: 'Model requested → used',
    width: 'minmax(14em, 1.6fr)',
    sortKey: 'model',
    text: formatModel,
    tone: (c) => (c.modelUsed && c.modelUsed !== c.modelRequested ? 'tone-routed' : undefined),
  },
  { id: 'route', label: 'Route', width: 'minmax(4.6em, 0.6fr)', text: (c) => (c.route ? c.route.split(';')[0]!.trim() : '–'), title: (c) => c.route ?? '' },
  { id: 'cache', label: 'Cache', width: '8.8em', sortKey: 'cache', text: formatCache, tone: (c) => `tone-cache-${c.cache}` },
  { id: 'in', label: 'In', width: '5em', sortKey: 'inputTokens', numeric: true, text: (c) => formatTokens(c.inputTokens) + (c.tokensEstimated ? '~' : '') },
  { id: 'out', label: 'Out', width: '5em', sortKey: 'outputTokens', numeric: true, text: (c) => formatTokens(c.outputTokens) + (c.tokensEstimated ? '~' : '') },
  {
    id: 'cost',
    label: '$ Cost',
    // Room for the longest figure formatUsd prints ("$0.000686", "<$0.000001") plus the sort arrow.
    width: '8em',
    sortKey: 'costUsd',
    numeric: true,
    // Nothing was charged for a failed call: no $ figure, as in the sidebar (one that did cost shows it).
    text: (c) => (c.costUsd === 0 && callOutcome(c).failed ? '–' : formatCallCost(c)),
    title: (c) => (c.costUsd === 0 && callOutcome(c).failed ? 'failed: nothing charged' : c.priced ? `${c.costUsd} USD` : `no known price for ${c.modelUsed}`),
  },
  { id: 'saved', label: '$ Saved', width: '8em', sortKey: 'savedUsd', numeric: true, text: (c) => (c.savedUsd ? formatUsd(c.savedUsd) : '–'), tone: (c) => (c.savedUsd > 0 ? 'tone-good' : undefined) },
  { id: 'latency', label: 'Latency', width: '6.5em', sortKey: 'latencyMs', numeric: true, text: (c) => formatMs(c.latencyMs) },
  // A failed call says what went wrong ("key rejected (401)", "budget blocked (429)"), not only a code beside a "$0".
  {
    id: 'status',
    label: 'Status',
    width: 'minmax(5.5em, 0.8fr)',
    sortKey: 'status',
    text: (c) => (callOutcome(c).failed ? callOutcome(c).label : String(c.status)),
    title: formatStatus,
    tone: (c) => (c.status >= 400 ? 'tone-bad' : 'tone-ok'),
  },
];
