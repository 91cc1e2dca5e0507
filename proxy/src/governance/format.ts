/**
 * Human-facing text of the governor's refusals. Pure. (Response headers are formatted by the
 * pipeline's admit stage, from the decision's plain fields.)
 */
import { formatUsd } from '../../../contract/format';
import type { BudgetPolicy, RateLimitPolicy } from '../policy/schema';
import { describeScope } from './scope';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { formatUsd };

export function formatDuration(ms: number): string {
  const totalMin = Math.max(1, Math.ceil(ms / 60_000));
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean).join(' ') || '1m';
}

/** Why a budget refused a call, its limits, what is spent or reserved, and when it resets. */
export function budgetExhaustedMessage(b: BudgetPolicy, committedUsd: number, committedTokens: number, resetsAt: number, now: number, extra?: string): string {
  const limits = [b.usd !== undefined ? formatUsd(b.usd) : '', b.tokens !== undefined ? `${b.tokens} tokens` : ''].filter(Boolean).join(' / ');
  const spent = [b.usd !== undefined ? formatUsd(committedUsd) : '', b.tokens !== undefined ? `${committedTokens} tokens` : ''].filter(Boolean).join(' / ');
  return (
    `Tollgate budget "${b.name}" (${describeScope(b.scope)}, ${limits} per ${b.period}) is exhausted: ${spent} spent or reserved. ` +
    `It resets at ${isoSeconds(resetsAt)} (in ${formatDuration(resetsAt - now)}).` +
    (extra ? ` The budget's action is downgrade, but ${extra}.` : '')
  );
}

/**
 * `what` is the allowance the call would exceed ("3 requests per minute"); `bound`, when set, says
 * why the wait is an upper bound (calls in flight may free the window sooner).
 */
export function rateLimitMessage(limit: RateLimitPolicy, what: string, retryAfterSec: number, bound?: string): string {
  const retry = bound ? `Retry in at most ${retryAfterSec} s (${bound}).` : `Retry in ${retryAfterSec} s.`;
  return `Tollgate rate limit "${limit.name}" (${describeScope(limit.scope)}) allows ${what}. ${retry}`;
}
