/**
 * Human-facing text of the governor's refusals. Pure. (Response headers are formatted by the
 * pipeline's admit stage, from the decision's plain fields.)
 */
import { formatTokens, formatTokenUse, formatUsd } from '../../../contract/format';
import type { BudgetPolicy, RateLimitPolicy } from '../policy/schema';
import { describeScope } from './scope';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export { formatTokens, formatUsd };

export function formatDuration(ms: number): string {
  const totalMin = Math.max(1, Math.ceil(ms / 60_000));
  const d = Math.floor(totalMin / 1440);
  const h = Math.floor((totalMin % 1440) / 60);
  const m = totalMin % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean).join(' ') || '1m';
}

/** A token limit alone, as formatTokenUse writes it after "of" ("1M tokens", "12.5k tokens"). */
function tokenLimit(limit: number): string {
  return formatTokenUse(limit, limit).replace(/^.* of /, '');
}

/** Why a budget refused a call, its limits, what is spent or reserved, and when it resets. */
/**
 * `inFlight`, when set: the budget is full only with the worst cases reserved by calls still in
 * flight (that much of the figure), so the message says to retry shortly rather than at the reset.
 */
export function budgetExhaustedMessage(
  b: BudgetPolicy,
  committedUsd: number,
  committedTokens: number,
  resetsAt: number,
  now: number,
  extra?: string,
  inFlight?: { usd: number; tokens: number },
): string {
  // Tokens as the status bar and dashboard give them (contract/format): "1.23M of 1.00M tokens", not "1234567 tokens".
  const amount = (usd: number, tokens: number): string =>
    [b.usd !== undefined ? formatUsd(usd) : '', b.tokens !== undefined ? formatTokenUse(tokens, b.tokens) : ''].filter(Boolean).join(' / ');
  const limits = [b.usd !== undefined ? formatUsd(b.usd) : '', b.tokens !== undefined ? tokenLimit(b.tokens) : ''].filter(Boolean).join(' / ');
  const head = `Tollgate budget "${b.name}" (${describeScope(b.scope)}, ${limits} per ${b.period})`;
  const tail = extra ? ` The budget's action is downgrade, but ${extra}.` : '';
  // A limit of 0 freezes the scope: no reset or retry lets a call through, only a policy edit.
  const zero = [b.usd === 0 ? '$0' : '', b.tokens === 0 ? '0 tokens' : ''].filter(Boolean).join(' / ');
  if (zero) return `Tollgate budget "${b.name}" (${describeScope(b.scope)}, per ${b.period}) is ${zero}: it refuses every call it covers until the policy raises it.${tail}`;
  if (inFlight) {
    return (
      `${head} is fully committed: ${amount(committedUsd, committedTokens)} spent or reserved, of which ${amount(inFlight.usd, inFlight.tokens)} ` +
      'is reserved by calls still in flight (their worst case until they finish). Retry in a few seconds, when they have settled; ' +
      `otherwise the budget resets at ${isoSeconds(resetsAt)} (in ${formatDuration(resetsAt - now)}).${tail}`
    );
  }
  return `${head} is exhausted: ${amount(committedUsd, committedTokens)} spent or reserved. It resets at ${isoSeconds(resetsAt)} (in ${formatDuration(resetsAt - now)}).${tail}`;
}

/**
 * `what` is the allowance the call would exceed ("3 requests per minute"); `bound`, when set, says
 * why the wait is an upper bound (calls in flight may free the window sooner).
 */
export function rateLimitMessage(limit: RateLimitPolicy, what: string, retryAfterSec: number, bound?: string): string {
  const retry = bound ? `Retry in at most ${retryAfterSec} s (${bound}).` : `Retry in ${retryAfterSec} s.`;
  return `Tollgate rate limit "${limit.name}" (${describeScope(limit.scope)}) allows ${what}. ${retry}`;
}
