/** The call table's columns: header, grid width, sort key and how a call renders in the cell. */
import { formatCache, formatCallCost, formatModel, formatMs, formatStatus, formatTags, formatTime, formatTokens, formatUsd } from '../format';
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
  { id: 'time', label: 'Time', width: '78px', sortKey: 'ts', text: (c) => formatTime(c.ts), title: (c) => new Date(c.ts).toISOString() },
  { id: 'tags', label: 'Feature / team / user', width: 'minmax(120px, 1.1fr)', text: formatTags },
  {
    id: 'model',
    label: 'Model requested → used',
    width: 'minmax(150px, 1.6fr)',
    sortKey: 'model',
    text: formatModel,
    tone: (c) => (c.modelUsed && c.modelUsed !== c.modelRequested ? 'tone-routed' : undefined),
  },
  { id: 'route', label: 'Route', width: 'minmax(60px, 0.6fr)', text: (c) => (c.route ? c.route.split(';')[0]!.trim() : '–'), title: (c) => c.route ?? '' },
  { id: 'cache', label: 'Cache', width: '110px', sortKey: 'cache', text: formatCache, tone: (c) => `tone-cache-${c.cache}` },
  { id: 'in', label: 'In', width: '60px', sortKey: 'inputTokens', numeric: true, text: (c) => formatTokens(c.inputTokens) + (c.tokensEstimated ? '~' : '') },
  { id: 'out', label: 'Out', width: '60px', sortKey: 'outputTokens', numeric: true, text: (c) => formatTokens(c.outputTokens) + (c.tokensEstimated ? '~' : '') },
  {
    id: 'cost',
    label: '$ Cost',
    // Room for the longest figure formatUsd prints ("$0.000686", "<$0.000001") plus the sort arrow.
    width: '100px',
    sortKey: 'costUsd',
    numeric: true,
    text: formatCallCost,
    title: (c) => (c.priced ? `${c.costUsd} USD` : `no known price for ${c.modelUsed}`),
  },
  { id: 'saved', label: '$ Saved', width: '100px', sortKey: 'savedUsd', numeric: true, text: (c) => (c.savedUsd ? formatUsd(c.savedUsd) : '–'), tone: (c) => (c.savedUsd > 0 ? 'tone-good' : undefined) },
  { id: 'latency', label: 'Latency', width: '72px', sortKey: 'latencyMs', numeric: true, text: (c) => formatMs(c.latencyMs) },
  { id: 'status', label: 'Status', width: 'minmax(56px, 0.5fr)', sortKey: 'status', text: (c) => String(c.status), title: formatStatus, tone: (c) => (c.status >= 400 ? 'tone-bad' : 'tone-ok') },
];
