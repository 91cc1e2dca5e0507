/**
 * Human- and header-facing text for budget states. Pure.
 */
import type { BudgetPolicy } from '../policy/schema';

/** `warn; name=team-daily; used=83%; resets=2026-11-24T00:00:00Z` (exceeded adds the action). */
export function formatBudgetHeader(level: 'warn' | 'exceeded', budget: BudgetPolicy, used: number, resetsAt: number): string {
  const parts = [level, `name=${budget.name}`, `used=${Math.round(used * 100)}%`, `resets=${isoSeconds(resetsAt)}`];
  if (level === 'exceeded') parts.push(`action=${budget.action}`);
  return parts.join('; ');
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { formatUsd } from '@contract/format';

export function formatDuration(ms: number): string {
  const totalMin = Math.max(1, Math.ceil(ms / 60_000));
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean).join(' ') || '1m';
}
