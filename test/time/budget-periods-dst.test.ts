/**
 * Budget periods across a daylight-saving change. The policy has no time zone: periods are UTC
 * (docs/governance.md), so a proxy in New York or Berlin must still count a day as 24 hours and a
 * week as 168 — never a local 23- or 25-hour day that would split or double a bucket. Every call of
 * the local DST night lands in exactly one UTC bucket: nothing lost, nothing counted twice. The
 * CLI's local-day `--since yesterday` (batch from-ledger) must span the real local day, 23 or 25 h.
 * Real SQLite, an injected clock, the process time zone set as a user's machine would have it.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parsePeriod } from '../../proxy/src/batch/period';
import { Governor } from '../../proxy/src/governance/governor';
import { periodBounds } from '../../proxy/src/governance/periods';
import { manualClock, policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const call = { identity: { keyFingerprint: 'tg_k', team: 'search' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

// Local clocks change at these UTC instants (2026): US spring forward / fall back, EU the same.
const CHANGES = [
  { tz: 'America/New_York', at: Date.UTC(2026, 2, 8, 7), localDayHours: 23 },
  { tz: 'America/New_York', at: Date.UTC(2026, 10, 1, 6), localDayHours: 25 },
  { tz: 'Europe/Berlin', at: Date.UTC(2026, 2, 29, 1), localDayHours: 23 },
  { tz: 'Europe/Berlin', at: Date.UTC(2026, 9, 25, 1), localDayHours: 25 },
];

const savedTz = process.env.TZ;
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe.each(CHANGES)('in $tz around $at', ({ tz, at, localDayHours }) => {
  it('day and week periods stay 24 h and 168 h in UTC, and every call of the night lands in one bucket', () => {
    process.env.TZ = tz;
    // The zone really changes offset here (the test would prove nothing on a UTC-only runtime).
    expect(new Date(at - HOUR).getTimezoneOffset()).not.toBe(new Date(at + HOUR).getTimezoneOffset());
    for (const probe of [at - 3 * HOUR, at - 1, at, at + 3 * HOUR]) {
      const day = periodBounds('day', probe);
      const week = periodBounds('week', probe);
      expect(day.end - day.start).toBe(DAY);
      expect(new Date(day.start).toISOString()).toMatch(/T00:00:00\.000Z$/);
      expect(week.end - week.start).toBe(7 * DAY);
      expect(new Date(week.start).getUTCDay()).toBe(1);
    }

    t = tempDb();
    const clock = manualClock(at - 12 * HOUR);
    const p = policy({ budgets: [{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER * 1000 }, { name: 'search-weekly', scope: { team: 'search' }, period: 'week', usd: PER * 1000 }] });
    const g = new Governor(t.open(), () => p, clock.now);
    // One call every 30 minutes for a day either side of the change.
    const calls = 96;
    for (let i = 0; i < calls; i++) {
      g.settle(g.admit(call).reservationId!, { costUsd: PER, tokens: 2000 });
      clock.advance(HOUR / 2);
    }
    const db = t.open();
    const rows = db.prepare("SELECT period, period_start AS start, spent_tokens AS tokens FROM governance_spend WHERE budget = 'search-daily' ORDER BY period_start").all() as Array<{ period: string; start: number; tokens: number }>;
    // Every bucket is a UTC midnight, and the buckets together hold every call once.
    for (const r of rows) expect(r.start % DAY).toBe(0);
    expect(rows.reduce((sum, r) => sum + r.tokens, 0)).toBe(calls * 2000);
    const weekly = db.prepare("SELECT SUM(spent_tokens) FROM governance_spend WHERE budget = 'search-weekly'").pluck().get() as number;
    expect(weekly).toBe(calls * 2000);
    g.close();

    // The CLI's local "yesterday", asked the day after the change, is that whole local day.
    const { since, until } = parsePeriod('yesterday', undefined, at + 30 * HOUR);
    expect(until - since).toBe(localDayHours * HOUR);
    expect(new Date(since).getHours()).toBe(0);
    expect(new Date(until).getHours()).toBe(0);
  });
});
