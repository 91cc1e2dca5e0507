/**
 * A multi-tenant backend tags every call with its end user: 10,000 users in a day. A per-user (or
 * per-team) report from GET /tollgate/summary?by=user must still add up to the totals; before, the
 * groups past the first 200 were silently left out (96 % of this spend was missing from `by`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../contract/api';
import { MAX_GROUPS } from '../../proxy/src/ledger/ledger';
import { startHarness, type Harness } from '../support/harness';
import { ledgerRow } from '../support/ledgerRow';

const USERS = 10_000;
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const { db, ledger } = h.proxy.services;
  const now = Date.now();
  // User i spends (i + 1) × $0.0001 over 1 or 2 calls; every tenth call is untagged.
  db.transaction(() => {
    for (let i = 0; i < USERS; i++) {
      const calls = i % 2 === 0 ? 2 : 1;
      for (let c = 0; c < calls; c++) ledger.insert(ledgerRow({ requestId: `r${i}-${c}`, ts: now - 1000, tags: { team: `team-${i % 7}`, user: `tenant-${i}` }, costUsd: ((i + 1) * 0.0001) / calls }));
    }
    for (let i = 0; i < 1000; i++) ledger.insert(ledgerRow({ requestId: `anon${i}`, ts: now - 1000, costUsd: 0.00001 }));
  })();
});
afterAll(async () => h.close());

async function summary(query: string): Promise<Summary> {
  const res = await fetch(`${h.proxy.url}/tollgate/summary?${query}`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

describe('summary by user with more users than groups', () => {
  it('returns the top users by spend and one last bucket with the rest, so the groups add up to the totals', async () => {
    const s = await summary('by=user');
    expect(s.by).toHaveLength(MAX_GROUPS);
    // The biggest spenders first, in order.
    expect(s.by.slice(0, 3).map((b) => b.key)).toEqual(['tenant-9999', 'tenant-9998', 'tenant-9997']);
    const rest = s.by[MAX_GROUPS - 1]!;
    // 10,000 users + the untagged group, of which MAX_GROUPS − 1 are shown on their own.
    expect(rest.key).toBe(`${USERS + 1 - (MAX_GROUPS - 1)} others`);
    const sum = (k: 'calls' | 'costUsd' | 'inputTokens' | 'outputTokens' | 'hits') => s.by.reduce((acc, b) => acc + b[k], 0);
    expect(sum('calls')).toBe(s.totals.calls);
    expect(sum('costUsd')).toBeCloseTo(s.totals.costUsd, 6);
    expect(sum('inputTokens')).toBe(s.totals.inputTokens);
    expect(sum('outputTokens')).toBe(s.totals.outputTokens);
    expect(rest.costUsd).toBeGreaterThan(s.by[0]!.costUsd);
  });

  it('a dimension with few groups is unchanged: every group by name, the untagged as (none)', async () => {
    const s = await summary('by=team');
    expect(s.by.map((b) => b.key).sort()).toEqual(['(none)', ...Array.from({ length: 7 }, (_, i) => `team-${i}`)].sort());
    expect(s.by.reduce((acc, b) => acc + b.calls, 0)).toBe(s.totals.calls);
    // Ordered by spend, biggest first.
    const costs = s.by.map((b) => b.costUsd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  it('the (none) group can be drilled into: filtering by it lists the untagged calls', async () => {
    const none = (await summary('by=team')).by.find((b) => b.key === '(none)');
    const s = await summary('user=(none)');
    expect(s.totals.calls).toBe(1000);
    const page = (await (await fetch(`${h.proxy.url}/tollgate/calls?team=${encodeURIComponent('(none)')}&limit=5`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as { total: number; calls: Array<{ tags: Record<string, string> }> };
    expect(page.total).toBe(1000);
    expect(page.calls.every((c) => c.tags.team === undefined)).toBe(true);
    // The same calls the summary's (none) group counts.
    expect(none?.calls).toBe(s.totals.calls);
  });
});
