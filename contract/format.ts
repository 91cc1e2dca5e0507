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
  const digitsFor = (n: number) => (n >= 1000 ? 0 : n >= 0.01 ? 2 : Math.min(12, Math.ceil(-Math.log10(n)) + 1));
  // As formatTokens, the format is picked after rounding: 999.996 reads "$1,000", not "$1000.00",
  // and 0.0099996 "$0.01", not "$0.0100".
  const rounded = Number(abs.toFixed(digitsFor(abs)));
  const digits = digitsFor(rounded > 0 ? rounded : abs);
  if (digits === 0) return `${sign}$${Math.round(abs).toLocaleString('en-US')}`;
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

/**
 * A token budget's use, both figures in the limit's unit: "8.5k of 10k tokens", never "8500 of
 * 10.0k" (two units in one phrase) nor "95.0k of 100.0k" (zeros that say nothing). Usage far
 * below a unit step reads "<0.1k" rather than "0k", which would look unused; usage just short of
 * (or past) the limit gets the digits that tell it from the limit.
 */
export function formatTokenUse(spent: number, limit: number): string {
  if (!Number.isFinite(spent) || !Number.isFinite(limit)) return `${formatTokens(spent)} of ${formatTokens(limit)} tokens`;
  const unit = formatTokens(limit).replace(/^-?[\d.]+/, '');
  if (unit === '') return `${Math.round(spent)} of ${Math.round(limit)} tokens`;
  const scale = { k: 1e3, M: 1e6, B: 1e9 }[unit as 'k' | 'M' | 'B'];
  const digits = unit === 'k' ? 1 : 2;
  const inUnit = (n: number, d = digits): string => `${Number((n / scale).toFixed(d))}${unit}`;
  const step = 10 ** -digits;
  const of = inUnit(limit);
  let used = spent === 0 ? '0' : spent > 0 && spent / scale < step / 2 ? `<${step}${unit}` : inUnit(spent);
  // 9,990 of 10,000 must not read "10k of 10k" (a budget that looks full but is not): more digits.
  for (let d = digits + 1; used === of && spent !== limit && d <= digits + 3; d++) used = inUnit(spent, d);
  return `${used} of ${of} tokens`;
}

/** "$1.20 of $5.00", "12.3k of 50k tokens", or both for a budget with both limits. */
export function formatBudgetUse(b: { spentUsd: number; limitUsd?: number; spentTokens: number; limitTokens?: number }): string {
  const parts: string[] = [];
  if (b.limitUsd !== undefined) {
    const of = formatUsd(b.limitUsd);
    const value = (s: string) => Number(s.replace(/[$,]/g, ''));
    let used = formatUsd(b.spentUsd);
    // As formatTokenUse: $9.996 of $10 must not read "$10.00 of $10.00" (nor $4,999.60 "$5,000 of $5,000").
    for (let d = 3; value(used) === value(of) && b.spentUsd !== b.limitUsd && d <= 5; d++)
      used = `$${b.spentUsd.toLocaleString('en-US', { maximumFractionDigits: d })}`;
    parts.push(`${used} of ${of}`);
  }
  if (b.limitTokens !== undefined) parts.push(formatTokenUse(b.spentTokens, b.limitTokens));
  if (parts.length === 0) parts.push(formatUsd(b.spentUsd));
  return parts.join(', ');
}

/** A budget's current period as a sentence says it: "today", "this week", "this month" (never "this day"). */
export function formatBudgetPeriod(period: string): string {
  return period === 'day' ? 'today' : `this ${period}`;
}

/** Used share of a budget: the tighter of its limits (0 when it has none). */
export function budgetRatio(b: { spentUsd: number; limitUsd?: number; spentTokens: number; limitTokens?: number }): number {
  // A limit of 0 freezes its scope: it is full from the start, not absent.
  const share = (spent: number, limit: number | undefined) => (limit === undefined ? 0 : limit > 0 ? spent / limit : 1);
  const usd = share(b.spentUsd, b.limitUsd);
  const tokens = share(b.spentTokens, b.limitTokens);
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
  const b = { ...a, spentTokens: a.spentTokens ?? 0 };
  if (a.level === 'exceeded') return `Budget "${a.budget}" exceeded: ${formatBudgetUse(b)} ${formatBudgetPeriod(a.period)}.`;
  return `Budget "${a.budget}" at ${budgetPercent(budgetRatio(b))}%: ${formatBudgetUse(b)} ${formatBudgetPeriod(a.period)}.`;
}

/** A budget's used share in whole percent for every reader, rounded down below the limit: 99.6 % is not 100 % (full). */
export function budgetPercent(ratio: number): number {
  // 1e-9: 0.29 * 100 is 28.999…, still 29 %.
  return ratio >= 1 ? Math.round(ratio * 100) : Math.floor(ratio * 100 + 1e-9);
}
