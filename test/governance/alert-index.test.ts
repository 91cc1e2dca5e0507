/**
 * governance_alerts keeps one row per budget window and level for 63 days: per-user daily budgets
 * reach 100,000 rows. "Once per window under any name" (store.ts insertAlert, run at every settle
 * of a budget past its warning) and the relay's "alerts since" (every sweep) named no key column,
 * so SQLite read every row: measured at 100,000 rows, ~30 ms per alerting call against ~0.06 ms
 * for a key lookup in the same run. Checked with SQLite's own plan for each statement the governor
 * prepares on the table, over a real file the version before the indexes wrote (migrated on open).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../proxy/src/db/open';
import { Governor } from '../../proxy/src/governance/governor';
import { policy, tempDb, type TempDb } from './helpers';

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** The statements `run` prepares that read governance_alerts, each with SQLite's plan for it. */
function alertPlans(d: Db, run: () => void): Array<{ sql: string; plan: string[] }> {
  const seen: string[] = [];
  const prepare = d.prepare.bind(d);
  d.prepare = ((sql: string) => {
    seen.push(sql);
    return prepare(sql);
  }) as Db['prepare'];
  try {
    run();
  } finally {
    d.prepare = prepare;
  }
  return seen
    .filter((sql) => /governance_alerts/.test(sql) && !/^\s*(CREATE|DROP)/i.test(sql))
    .map((sql) => ({ sql, plan: (d.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail) }));
}

describe('budget alert rows', () => {
  it('are found by an index when an alert is deduplicated and when alerts are relayed, on a file from before the indexes', () => {
    t = tempDb();
    const db = t.open();
    // The table as the version before the indexes left it, with rows in it.
    db.exec(`CREATE TABLE governance_alerts (budget TEXT NOT NULL, period TEXT NOT NULL, period_start INTEGER NOT NULL, level TEXT NOT NULL,
      at INTEGER NOT NULL, PRIMARY KEY (budget, period, period_start, level)) WITHOUT ROWID`);
    const insert = db.prepare("INSERT INTO governance_alerts VALUES (?, 'day', ?, 'warn usd=5 tokens=- at=0.8', ?)");
    for (let i = 0; i < 500; i++) insert.run(`user-${i % 50}`, Math.floor(i / 50) * 86_400_000, i);
    let g: Governor | undefined;
    const plans = alertPlans(db, () => {
      g = new Governor(db, () => policy({ budgets: [{ name: 'b', scope: { user: '*' }, period: 'day', usd: 1 }] }));
    });
    g?.close();
    expect(plans.map((p) => p.sql).join('\n')).toMatch(/NOT EXISTS/); // insertAlert is among them
    expect(plans.length).toBeGreaterThanOrEqual(2);
    expect(plans.filter((p) => p.plan.some((line) => /^SCAN governance_alerts\b/.test(line)))).toEqual([]);
  });
});
