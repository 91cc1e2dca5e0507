/** Display formatting for the dashboard (pure). */
import type { CallRecord } from './protocol';

/** Money, token counts and shares read the same in the dashboard, status bar and CLI. */
export { formatPercent, formatTokens, formatUsd } from '@contract/format';

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local clock time; the date too when not today. */
export function formatTime(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const n = new Date(now);
  if (d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

export function formatCache(call: Pick<CallRecord, 'cache' | 'similarity'>): string {
  if (call.cache === 'semantic' && typeof call.similarity === 'number') return `semantic ${call.similarity.toFixed(3)}`;
  return call.cache;
}

export function formatModel(call: Pick<CallRecord, 'modelRequested' | 'modelUsed'>): string {
  if (!call.modelUsed || call.modelUsed === call.modelRequested) return call.modelRequested || call.modelUsed;
  return `${call.modelRequested} → ${call.modelUsed}`;
}

export function formatTags(call: Pick<CallRecord, 'tags'>): string {
  const { feature, team, user } = call.tags ?? {};
  return [feature, team, user].map((t) => t || '–').join(' / ');
}

export function formatStatus(call: Pick<CallRecord, 'status' | 'errorType'>): string {
  return call.errorType ? `${call.status} ${call.errorType}` : String(call.status);
}
