/**
 * Budget alerts fire once per period *for the limit in force*: when a hot reload raises a budget
 * that already warned (or was exceeded), crossing the new warnAt and the new limit alerts again,
 * while repeated calls under one limit still alert once. The period's spend carries over to the
 * new limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import type { Policy } from '../../proxy/src/policy/schema';
import { manualClock, policy, tempDb, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const call = { identity: { keyFingerprint: 'tg_k1' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

describe('budget alerts across a policy edit', () => {
  it('raising the limit re-arms warn and exceeded for the new limit; the spend so far counts against it', () => {
    t = tempDb();
    let current: Policy = policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 5 }] });
    const g = new Governor(t.open(), () => current, manualClock().now);
    const events: BudgetEvent[] = [];
    g.on('budget', (e) => events.push(e));
    /** One call that costs exactly its worst case. */
    const spendOne = () => {
      const r = g.admit(call);
      if (r.decision === 'block') return r;
      g.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
      return r;
    };
    for (let i = 0; i < 5; i++) spendOne();
    expect(spendOne().decision).toBe('block');
    expect(events.map((e) => e.level)).toEqual(['warn', 'exceeded']);

    // The limit is doubled by a policy edit: 5 of 10 calls' worth spent, so 5 more fit.
    current = policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 10 }] });
    const admitted: string[] = [];
    for (let i = 0; i < 12; i++) admitted.push(spendOne().decision);
    expect(admitted.filter((d) => d !== 'block')).toHaveLength(5);
    expect(events.map((e) => `${e.level}:${e.limitUsd === PER * 10 ? 'new' : 'old'}`)).toEqual(['warn:old', 'exceeded:old', 'warn:new', 'exceeded:new']);
  });
});
