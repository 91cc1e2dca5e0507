/**
 * One formatter per fact, shared by the CLI, the proxy's messages, the status bar and the
 * dashboard, so the same amount reads the same everywhere. Pure.
 */

/**
 * Dollars for people: "$0" for nothing; cents from $0.01 up (whole dollars from $1,000); below a
 * cent two significant digits, since a single call to a small model costs fractions of a cent and
 * "$0.00" would hide it. Never exponent notation.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs >= 1000) return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(2)}`;
  const digits = Math.min(12, Math.ceil(-Math.log10(abs)) + 1);
  return `${sign}$${abs.toFixed(digits)}`;
}

/** 0.834 → "83%". */
export function formatPercent(ratio: number, digits = 0): string {
  if (!Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits)}%`;
}

export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs < 10_000) return String(Math.round(n));
  // The unit is picked after rounding, so 999,960 reads "1.00M", not "1000.0k".
  if (Math.round(abs / 100) < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (Math.round(abs / 10_000) < 100_000) return `${(n / 1_000_000).toFixed(2)}M`;
  return `${(n / 1_000_000_000).toFixed(2)}B`;
}

/** "$1.20 of $5.00", "12.3k of 50.0k tokens", or both for a budget with both limits. */
export function formatBudgetUse(b: { spentUsd: number; limitUsd?: number; spentTokens: number; limitTokens?: number }): string {
  const parts: string[] = [];
  if (b.limitUsd !== undefined) parts.push(`${formatUsd(b.spentUsd)} of ${formatUsd(b.limitUsd)}`);
  if (b.limitTokens !== undefined) parts.push(`${formatTokens(b.spentTokens)} of ${formatTokens(b.limitTokens)} tokens`);
  if (parts.length === 0) parts.push(formatUsd(b.spentUsd));
  return parts.join(', ');
}

/** Used share of a budget: the tighter of its limits (0 when it has none). */
export function budgetRatio(b: { spentUsd: number; limitUsd?: number; spentTokens: number; limitTokens?: number }): number {
  const usd = b.limitUsd ? b.spentUsd / b.limitUsd : 0;
  const tokens = b.limitTokens ? b.spentTokens / b.limitTokens : 0;
  return Math.max(usd, tokens);
}

/** The sentence for a budget alert; a token-only budget speaks in tokens, never "of $0.00". */
export function budgetAlertText(a: {
  budget: string;
  level: 'warn' | 'exceeded';
  spentUsd: number;
  limitUsd?: number;
  spentTokens?: number;
  limitTokens?: number;
  period: string;
}): string {
  const b = {
    spentUsd: a.spentUsd,
    spentTokens: a.spentTokens ?? 0,
    ...(a.limitUsd !== undefined ? { limitUsd: a.limitUsd } : {}),
    ...(a.limitTokens !== undefined ? { limitTokens: a.limitTokens } : {}),
  };
  if (a.level === 'exceeded') return `Budget "${a.budget}" exceeded: ${formatBudgetUse(b)} this ${a.period}.`;
  return `Budget "${a.budget}" at ${formatPercent(budgetRatio(b))}: ${formatBudgetUse(b)} this ${a.period}.`;
}
