/**
 * Monthly forecasts across months of different lengths, through the Governor on a real SQLite file
 * with an injected clock: last month's average rate is its spend over its own days.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: 'gpt-4.1-nano', inputTokens: 10, maxOutputTokens: 10 };

function spendAt(start: number) {
  t = tempDb();
  const clock = manualClock(start);
  const p = policy({ budgets: [{ name: 'monthly', period: 'month', usd: 1000 }] });
  const g = new Governor(t.open(), () => p, clock.now);
  const spend = (usd: number) => g.settle(g.admit(call).reservationId!, { costUsd: usd, tokens: 20 });
  return { g, clock, spend };
}

describe('forecast after a month of another length', () => {
  it('$1 a day through February (28 days) forecasts ~$31 for March, not 28/31 of it', () => {
    const { g, clock, spend } = spendAt(Date.UTC(2026, 1, 10));
    spend(28);
    clock.set(Date.UTC(2026, 2, 1, 12)); // half a day into March, at the same $1 a day
    spend(0.5);
    const s = g.status()[0]!;
    expect(s.periodStart).toBe(Date.UTC(2026, 2, 1));
    expect(s.forecast.usd).toBeCloseTo(31, 6);
    expect(s.forecast.usdPerHour).toBeCloseTo(1 / 24, 9);
  });

  it('$1 a day through a leap-year January (31 days) forecasts ~$29 for February 2028', () => {
    const { g, clock, spend } = spendAt(Date.UTC(2028, 0, 20));
    spend(31);
    clock.set(Date.UTC(2028, 1, 1, 6)); // a quarter day in
    spend(0.25);
    expect(g.status()[0]!.forecast.usd).toBeCloseTo(29, 6);
  });
});
