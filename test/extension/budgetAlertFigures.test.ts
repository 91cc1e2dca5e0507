/**
 * The status bar's "budget exhausted" detail for a budget with both a $ and a token limit: the
 * token limit may be the one used up, so both figures are said ("$1.00 of $10.00" alone would
 * contradict "used up"), and token counts read like everywhere else (95k of 100k, not 95000), over
 * the period as said ("today", not "this day").
 */
import { describe, expect, it } from 'vitest';
import { StatusAlerts } from '../../extension/src/statusBar/alerts';

describe('budget alert figures', () => {
  const now = Date.UTC(2026, 0, 1, 12);

  it('says the token figures of a budget whose tokens ran out', () => {
    const alerts = new StatusAlerts();
    expect(alerts.onBudget({ budget: 'team-daily', level: 'exceeded', spentUsd: 1, limitUsd: 10, spentTokens: 100_500, limitTokens: 100_000, period: 'day', resetsAt: now + 1000 }, now)).toBe(true);
    const detail = alerts.top()!.detail;
    expect(detail).toContain('100.5k of 100k tokens');
    expect(detail).toContain('$1.00 of $10.00');
    expect(detail).toContain('tokens today;');
  });

  it('a token-only budget speaks in formatted tokens', () => {
    const alerts = new StatusAlerts();
    alerts.onBudget({ budget: 'tokens', level: 'exceeded', spentUsd: 0.2, spentTokens: 250_000, limitTokens: 200_000, period: 'day', resetsAt: now + 1000 }, now);
    expect(alerts.top()!.detail).toContain('250k of 200k tokens');
    expect(alerts.top()!.detail).not.toContain('$');
  });
});
