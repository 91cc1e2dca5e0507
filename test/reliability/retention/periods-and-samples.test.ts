/**
 * Tables that grew with traffic for the life of the data directory: the router's quality samples
 * (one row per sampled call) and the budgets' per-period rows (spend and fired alerts, one per
 * budget, scope value and period). Retention deletes what their readers no longer need, and keeps
 * what they do: a route's recent samples (its drift alarm), the current and the previous budget
 * period (the budget check, "alert once per period", the forecast). Real SQLite file.
 */
import { describe, expect, it } from 'vitest';
import { migrateGovernance } from '../../../proxy/src/governance/migrate';
import { periodBounds, previousPeriod } from '../../../proxy/src/governance/periods';
import { applyRetention, RETENTION_BATCH } from '../../../proxy/src/ledger/retention';
import { QualityMonitor, type QualitySample } from '../../../proxy/src/routing/quality/monitor';
import { QUALITY_KEEP_PER_ROUTE } from '../../../proxy/src/routing/quality/retention';
import { preparedDuring, retentionDb } from '../../db/support/retentionDb';

const DAY = 86_400_000;
const t = retentionDb('period-retention');


describe('router quality samples under retention', () => {
  const sample = (ts: number, tier: string, verdict: QualitySample['verdict']): QualitySample => ({ ts, requestId: `r${ts}`, tier, model: `${tier}-model`, largeModel: 'big', verdict, costUsd: 0.001 });

  it('are deleted past maxAgeDays in batches, except each route’s newest (its drift alarm)', () => {
    const monitor = new QualityMonitor(t.db);
    const now = Date.now();
    const old = QUALITY_KEEP_PER_ROUTE + RETENTION_BATCH * 2 + 5;
    t.db.transaction(() => {
      for (let i = 0; i < old; i++) monitor.record(sample(now - 200 * DAY + i, 'small', 'agree'));
      // A route sampled rarely: all its samples are old, and its alarm rings on them.
      for (let i = 0; i < 6; i++) monitor.record(sample(now - 150 * DAY + i, 'rare', 'disagree'));
      for (let i = 0; i < 10; i++) monitor.record(sample(now - DAY + i, 'small', 'agree'));
    })();
    const before = monitor.routes({ window: 5, alarmLoss: 0.2, alarmRise: 0.1 }).find((r) => r.tier === 'rare');
    expect(before?.alarm).toBe(true);

    applyRetention(t.db, { maxAgeDays: 90, maxBytes: 1e12 }, now);

    const routes = monitor.routes({ window: 5, alarmLoss: 0.2, alarmRise: 0.1 });
    // The busy route keeps its newest QUALITY_KEEP_PER_ROUTE (the 10 recent ones and the newest old ones).
    expect(routes.find((r) => r.tier === 'small')?.samples).toBe(QUALITY_KEEP_PER_ROUTE);
    const oldest = t.db.prepare("SELECT MIN(ts) FROM router_quality_samples WHERE tier = 'small'").pluck().get() as number;
    expect(oldest).toBe(now - 200 * DAY + (old - (QUALITY_KEEP_PER_ROUTE - 10)));
    // Kept: fewer than the per-route floor, so the rare route still reports and alarms.
    expect(routes.find((r) => r.tier === 'rare')).toMatchObject({ samples: 6, alarm: true });
    expect(t.count('router_quality_samples')).toBe(QUALITY_KEEP_PER_ROUTE + 6);
  });
});

describe('budget periods under retention', () => {
  it('spend and alert rows of periods long over are deleted; the current and previous period stay', () => {
    migrateGovernance(t.db);
    const now = Date.now();
    const spend = t.db.prepare('INSERT INTO governance_spend (budget, period, period_start, spent_nano) VALUES (?, ?, ?, ?)');
    const alert = t.db.prepare('INSERT INTO governance_alerts (budget, period, period_start, level, at) VALUES (?, ?, ?, ?, ?)');
    const month = periodBounds('month', now).start;
    const lastMonth = previousPeriod('month', now).start;
    const today = periodBounds('day', now).start;
    const rows: Array<[string, 'day' | 'month', number]> = [
      ['team', 'month', month],
      ['team', 'month', lastMonth],
      ['team', 'month', periodBounds('month', now - 120 * DAY).start],
      ['per-user:alice', 'day', today],
      ['per-user:alice', 'day', today - 95 * DAY],
    ];
    // A per-user daily budget over a year of users: a backlog larger than one batch.
    t.db.transaction(() => {
      for (const [b, p, s] of rows) {
        spend.run(b, p, s, 1);
        alert.run(b, p, s, 'warn usd=1 tokens=- at=0.8', s + 1);
      }
      for (let i = 0; i < RETENTION_BATCH + 7; i++) {
        spend.run(`per-user:u${i}`, 'day', today - 200 * DAY, 1);
        alert.run(`per-user:u${i}`, 'day', today - 200 * DAY, 'exceeded usd=1 tokens=- at=1', today - 200 * DAY);
      }
    })();

    // The shortest retention a policy allows still keeps last month (the forecast reads it).
    applyRetention(t.db, { maxAgeDays: 1, maxBytes: 1e12 }, now);

    const kept = (table: string) => t.db.prepare(`SELECT budget, period_start AS s FROM ${table} ORDER BY budget, period_start`).all();
    const expected = [
      { budget: 'per-user:alice', s: today },
      { budget: 'team', s: lastMonth },
      { budget: 'team', s: month },
    ];
    expect(kept('governance_spend')).toEqual(expected);
    expect(kept('governance_alerts')).toEqual(expected);
  });

  it('a pass over a large backlog prepares its statements once, not again for every batch of rows', () => {
    migrateGovernance(t.db);
    const old = periodBounds('day', Date.now()).start - 400 * DAY;
    const spend = t.db.prepare('INSERT INTO governance_spend (budget, period, period_start, spent_nano) VALUES (?, ?, ?, ?)');
    t.db.transaction(() => {
      for (let i = 0; i < 4 * RETENTION_BATCH; i++) spend.run(`per-user:u${i}`, 'day', old, 1);
    })();
    const prepared = preparedDuring(t.db, () => applyRetention(t.db, { maxAgeDays: 1, maxBytes: 1e12 }, Date.now()));
    expect(t.count('governance_spend')).toBe(0);
    expect(prepared.filter((sql) => /^DELETE FROM governance_/.test(sql.trim()))).toHaveLength(2);
  });
});
