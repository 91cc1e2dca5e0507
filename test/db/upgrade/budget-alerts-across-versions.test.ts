/**
 * A budget that already warned this period, in a data directory from before alerts named their
 * limits (the row says just 'warn') or their scope: after the update the next call in the same period must not
 * announce the warning again; crossing 100 % still alerts. And the other way round (a rollback, or
 * an older Tollgate beside this one): an older build's bare 'warn' insert finds this build's row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../../proxy/src/governance/governor';
import { migrateGovernance, toNano } from '../../../proxy/src/governance/migrate';
import { periodBounds } from '../../../proxy/src/governance/periods';
import type { BudgetEvent } from '../../../proxy/src/governance/types';
import { manualClock, policy, tempDb, worstCase, type TempDb } from '../../governance/helpers';

const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const LIMIT = PER * 10;
const call = { identity: { keyFingerprint: 'tg_k1' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

describe('budget alerts across versions', () => {
  // Its row: a bare level, or the limits without the scope (before a renamed budget kept its warnings).
  it.each(['warn', `warn usd=${LIMIT} tokens=- at=0.8`])('a warning an older version already gave (%s) is not given again after the update; exceeding still alerts', (level) => {
    t = tempDb();
    const clock = manualClock();
    const { start } = periodBounds('day', clock.now());
    // What the older version left: 8.5 of 10 calls' worth spent today and its warning recorded.
    const old = t.open();
    old.exec(`
      CREATE TABLE governance_spend (budget TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL,
        spent_nano INTEGER NOT NULL DEFAULT 0, spent_tokens INTEGER NOT NULL DEFAULT 0, reserved_nano INTEGER NOT NULL DEFAULT 0,
        reserved_tokens INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (budget, period, period_start)) WITHOUT ROWID;
      CREATE TABLE governance_alerts (budget TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL, level TEXT NOT NULL,
        at INTEGER NOT NULL, PRIMARY KEY (budget, period, period_start, level)) WITHOUT ROWID;`);
    old.prepare('INSERT INTO governance_spend (budget, period, period_start, spent_nano, spent_tokens) VALUES (?, ?, ?, ?, ?)').run('daily', 'day', start, toNano(PER * 8.5), 17_000);
    old.prepare("INSERT INTO governance_alerts VALUES ('daily', 'day', ?, ?, ?)").run(start, level, clock.now() - 60_000);
    old.close();

    const g = new Governor(t.open(), () => policy({ budgets: [{ name: 'daily', period: 'day', usd: LIMIT }] }), clock.now);
    const events: BudgetEvent[] = [];
    g.on('budget', (e) => events.push(e));
    const spendOne = (): void => {
      const r = g.admit(call);
      if (r.decision !== 'block') g.settle(r.reservationId!, { costUsd: r.reservedUsd!, tokens: r.reservedTokens! });
    };
    spendOne(); // 9.5 of 10: still in the warned zone
    expect(events).toEqual([]);
    expect(g.status()[0]!.spentUsd).toBeCloseTo(PER * 9.5, 12);
    spendOne(); // 10.5 of 10: newly exceeded
    expect(events.map((e) => e.level)).toEqual(['exceeded']);
  });

  it('an older build inserting a bare level finds the keyed row of this build (rollback, or both at once)', () => {
    t = tempDb();
    const db = t.open();
    migrateGovernance(db);
    const insert = db.prepare('INSERT OR IGNORE INTO governance_alerts (budget, period, period_start, level, at) VALUES (?, ?, ?, ?, ?)');
    expect(insert.run('daily', 'day', 0, 'warn usd=5 tokens=- at=0.8', 1).changes).toBe(1);
    expect(insert.run('daily', 'day', 0, 'warn', 2).changes).toBe(0);
    // A different limit, another period, another budget, or the other level still alert.
    expect(insert.run('daily', 'day', 0, 'warn usd=10 tokens=- at=0.8', 3).changes).toBe(1);
    expect(insert.run('daily', 'day', 86_400_000, 'warn', 4).changes).toBe(1);
    expect(insert.run('weekly', 'day', 0, 'warn', 5).changes).toBe(1);
    expect(insert.run('daily', 'day', 0, 'exceeded', 6).changes).toBe(1);
    expect(insert.run('daily', 'day', 0, 'exceeded usd=5 tokens=-', 7).changes).toBe(0);
  });

  it('an older build inserting its forms finds the warning this build gave (rollback, or both at once)', () => {
    t = tempDb();
    const clock = manualClock();
    const { start } = periodBounds('day', clock.now());
    const db = t.open();
    const g = new Governor(db, () => policy({ budgets: [{ name: 'daily', period: 'day', usd: LIMIT }] }), clock.now);
    for (let i = 0; i < 9; i++) g.settle(g.admit(call).reservationId!, { costUsd: PER, tokens: 2000 });
    const insert = db.prepare('INSERT OR IGNORE INTO governance_alerts (budget, period, period_start, level, at) VALUES (?, ?, ?, ?, ?)');
    // The build before alerts named their scope keyed them by the limits alone: it warned a second time.
    expect(insert.run('daily', 'day', start, `warn usd=${LIMIT} tokens=- at=0.8`, clock.now()).changes).toBe(0);
    expect(insert.run('daily', 'day', start, 'warn', clock.now()).changes).toBe(0);
    expect(insert.run('daily', 'day', start, `exceeded usd=${LIMIT} tokens=-`, clock.now()).changes).toBe(1);
  });
});
