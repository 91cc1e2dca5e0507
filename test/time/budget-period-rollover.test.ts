/**
 * Budget periods at their boundaries, on a real SQLite file with an injected clock: a call admitted
 * just before a reset and settled just after it, and the alerts of the period that follows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import { manualClock, policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const MODEL = 'gpt-4.1-nano';
const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };
const PER = worstCase(MODEL, 1000, 1000);

function setup(start: number) {
  t = tempDb();
  const clock = manualClock(start);
  const p = policy({ budgets: [{ name: 'monthly', period: 'month', usd: PER * 10 }] });
  const g = new Governor(t.open(), () => p, clock.now);
  const events: BudgetEvent[] = [];
  g.on('budget', (e) => events.push(e));
  const spend = (n: number) => {
    for (let i = 0; i < n; i++) g.settle(g.admit(call).reservationId!, { costUsd: PER, tokens: 2000 });
  };
  return { g, clock, events, spend };
}

describe('a call that straddles a budget reset', () => {
  it('settles into the month it was admitted in, without alerting on that month once it is over', () => {
    // Leap-year February: the reset is 1 March 00:00 UTC.
    const { g, clock, events, spend } = setup(Date.UTC(2028, 1, 29, 23, 59, 50));
    spend(7);
    const late = g.admit(call);
    clock.set(Date.UTC(2028, 2, 1, 0, 0, 5));
    // February reaches 80 % only now, in March: nothing to warn about, February is over.
    g.settle(late.reservationId!, { costUsd: PER, tokens: 2000 });
    expect(events).toEqual([]);
    const march = g.status()[0]!;
    expect(march.periodStart).toBe(Date.UTC(2028, 2, 1));
    expect(march.spentUsd).toBe(0);
    // March alerts on its own spend, each level once.
    spend(8);
    spend(3);
    expect(events.map((e) => [e.level, e.resetsAt])).toEqual([
      ['warn', Date.UTC(2028, 3, 1)],
      ['exceeded', Date.UTC(2028, 3, 1)],
    ]);
    for (const e of events) expect(e.resetsAt).toBeGreaterThan(clock.now());
  });
});
