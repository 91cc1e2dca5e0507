/**
 * A budget's window changed by a hot reload (daily → monthly) while a call holds a reservation:
 * the reservation settles into the window it was made in, and the new window starts from what the
 * ledger holds for the budget's scope in it, as does the first window of a budget added or renamed. It
 * started from $0: a daily budget made monthly on the 23rd let the team spend its whole monthly limit
 * again on top of the month so far, and one added after the team spent $9 of $10 let it spend $10
 * more. Real SQLite file, the real Ledger and Governor on it, the policy swapped in place as a reload does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/sqlite';
import { Governor } from '../../proxy/src/governance/governor';
import { periodBounds } from '../../proxy/src/governance/periods';
import { Ledger } from '../../proxy/src/ledger/ledger';
import type { Policy } from '../../proxy/src/policy/schema';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import { ledgerRow } from '../support/ledgerRow';
import { manualClock, policy, tempDb, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const call = (team: string) => ({ identity: { keyFingerprint: 'tg_1111111111111111', team }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 });
const DAY = 86_400_000;

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

describe('a budget whose period a reload changes', () => {
  it('settles the open reservation into its old window and starts the new one from the ledger', () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock(); // 2026-11-23 12:00 UTC
    // Earlier this month: the team spent 8 calls' worth ($ as the ledger says), other teams 5 (another spelling counts: scopes fold case).
    for (let i = 0; i < 8; i++) ledger.insert(ledgerRow({ requestId: `s${i}`, ts: clock.now() - (i + 2) * DAY, tags: { team: i % 2 ? 'Search' : 'search' }, costUsd: PER, inputTokens: 600, outputTokens: 400 }));
    for (let i = 0; i < 5; i++) ledger.insert(ledgerRow({ requestId: `a${i}`, ts: clock.now() - 2 * DAY, tags: { team: 'ads' }, costUsd: PER }));
    // Last month: not this window.
    ledger.insert(ledgerRow({ requestId: 'old', ts: Date.UTC(2026, 9, 30), tags: { team: 'search' }, costUsd: 100 * PER }));

    let current: Policy = policy({ budgets: [{ name: 'search', scope: { team: 'search' }, period: 'day', usd: PER * 3 }] });
    const g = new Governor(db, () => current, clock.now);
    const held = g.admit(call('search'));
    expect(held.decision).toBe('allow');

    current = policy({ budgets: [{ name: 'search', scope: { team: 'search' }, period: 'month', usd: PER * 10 }] });
    g.settle(held.reservationId!, { costUsd: PER, tokens: 1000 });
    // What the status bar and dashboard read before the scope's next call: the month so far, not $0 (and nothing written).
    expect(g.status().find((s) => s.name === 'search')!.spentUsd).toBeCloseTo(8 * PER, 9);
    const rows = db.prepare("SELECT period, spent_nano AS spent, reserved_nano AS reserved FROM governance_spend WHERE budget = 'search' ORDER BY period").all() as Array<{ period: string; spent: number; reserved: number }>;
    expect(rows).toEqual([{ period: 'day', spent: Math.round(PER * 1e9), reserved: 0 }]);

    // 8 of 10 calls' worth spent this month by the ledger: 2 more fit, not 10.
    const decisions = Array.from({ length: 5 }, () => {
      const r = g.admit(call('search'));
      if (r.reservationId) g.settle(r.reservationId, { costUsd: PER, tokens: 1000 });
      return r.decision;
    });
    expect(decisions.filter((d) => d !== 'block')).toHaveLength(2);
    const month = g.status().find((s) => s.name === 'search')!;
    expect(month.spentUsd).toBeCloseTo(10 * PER, 9);
  });

  it('a budget added or renamed counts its scope\'s spend in its window; a new day of a daily budget starts from $0', () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    const row = (requestId: string, ts: number, team = 'search', costUsd = PER) => ledger.insert(ledgerRow({ requestId, ts, tags: { team }, costUsd }));
    // Spent today before the budget was set ("team search: 3 calls a day" added after 2); yesterday and another team are not its window.
    for (let i = 0; i < 2; i++) row(`s${i}`, clock.now() - 3_600_000, i ? 'Search' : 'search');
    row('yesterday', clock.now() - DAY);
    row('ads', clock.now() - 60_000, 'ads');
    // A cache hit: its tokens were served from the cache, never admitted, so no budget counts them.
    ledger.insert(ledgerRow({ requestId: 'hit', ts: clock.now() - 60_000, tags: { team: 'search' }, cache: 'exact', costUsd: 0, inputTokens: 5000, outputTokens: 5000 }));
    let p = policy({ budgets: [{ name: 'daily', scope: { team: 'search' }, period: 'day', usd: PER * 3 }] });
    const g = new Governor(db, () => p, clock.now);
    let n = 0;
    // A call as the proxy makes it: admitted, settled, and its ledger row written.
    const spend = () => {
      const r = g.admit(call('search'));
      if (r.reservationId) {
        g.settle(r.reservationId, { costUsd: PER, tokens: 1000 });
        row(`c${n++}`, clock.now() - 1);
      }
      return r.decision;
    };
    const spent = () => g.status()[0]!.spentUsd;
    // Shown before the scope's first call, and counted by it: 2 of 3 spent, one more fits. It started from $0 and let 3 more through.
    expect(spent()).toBeCloseTo(2 * PER, 9);
    expect(g.status()[0]!.spentTokens).toBe(4);
    expect([spend(), spend()]).toEqual(['warn', 'block']);
    // Renamed (and raised to 4): the same budget, so the 3 spent today stay counted.
    p = policy({ budgets: [{ name: 'search-daily', scope: { team: 'search' }, period: 'day', usd: PER * 4 }] });
    expect(spent()).toBeCloseTo(3 * PER, 9);
    expect([spend(), spend()]).toEqual(['warn', 'block']);
    // The next day, a window of a budget already counted under this period: from $0. A batch's results
    // recorded today are charged to the window its batch was reserved in; read from the ledger too, they counted twice.
    clock.advance(DAY);
    row('next', clock.now() - 60_000, 'search', PER * 5);
    expect(spend()).not.toBe('block');
  });

  it('a background response billed at its poll counts the ledger\'s spend of a first window once, with the charge in it', () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    for (let i = 0; i < 4; i++) ledger.insert(ledgerRow({ requestId: `s${i}`, ts: clock.now() - 3_600_000, tags: { team: 'search' }, costUsd: PER }));
    const g = new Governor(db, () => policy({ budgets: [{ name: 'search', scope: { team: 'search' }, period: 'day', usd: PER * 10 }] }), clock.now);
    // The poll that carries the finished response's usage: its ledger row is written (finishAttempt)
    // before the governor is charged (governanceStages admitStage), as the proxy does it.
    ledger.insert(ledgerRow({ requestId: 'poll', ts: clock.now(), tags: { team: 'search' }, endpoint: 'responses.get', costUsd: 2 * PER, inputTokens: 700, outputTokens: 300 }));
    g.charge({ keyFingerprint: 'tg_1111111111111111', team: 'search' }, { costUsd: 2 * PER, tokens: 1000 });
    // The window's first write: the 4 calls before it and the response, once. It read 2 (the charge alone, no ledger seed).
    expect(g.status()[0]!.spentUsd).toBeCloseTo(6 * PER, 9);
    // A later charge in the same window adds to it.
    g.charge({ keyFingerprint: 'tg_1111111111111111', team: 'search' }, { costUsd: PER, tokens: 10 });
    expect(g.status()[0]!.spentUsd).toBeCloseTo(7 * PER, 9);
  });

  it('a background response whose ledger row waits in memory (the file locked by another proxy) still counts once in a first window', () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    for (let i = 0; i < 4; i++) ledger.insert(ledgerRow({ requestId: `s${i}`, ts: clock.now() - 3_600_000, tags: { team: 'search' }, costUsd: PER }));
    const g = new Governor(db, () => policy({ budgets: [{ name: 'search', scope: { team: 'search' }, period: 'day', usd: PER * 10 }] }), clock.now);
    // Another proxy on the file holds its write lock: the poll's row is held in memory (ledger.ts), not refused.
    const other = new Db(t.file);
    other.exec('BEGIN IMMEDIATE');
    db.pragma('busy_timeout = 0');
    ledger.insert(ledgerRow({ requestId: 'poll', ts: clock.now(), tags: { team: 'search' }, endpoint: 'responses.get', costUsd: 2 * PER, inputTokens: 700, outputTokens: 300 }));
    expect(ledger.heldCount).toBe(1);
    other.exec('COMMIT');
    other.close();
    // The lock gone, the charge is written before the held row (the governor's write comes first).
    g.charge({ keyFingerprint: 'tg_1111111111111111', team: 'search' }, { costUsd: 2 * PER, tokens: 1000 });
    expect(ledger.writeHeld()).toBe(0);
    // The 4 calls before it and the response, once. It read 4: seeded from the file without the held row, the charge skipped.
    expect(g.status()[0]!.spentUsd).toBeCloseTo(6 * PER, 9);
  });

  it("a background response polled across UTC midnight is charged to the day its ledger row is in, as the ledger and a reseeded window count it", () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    const who = { keyFingerprint: 'tg_1111111111111111', team: 'search' };
    const g = new Governor(db, () => policy({ budgets: [{ name: 'search', scope: { team: 'search' }, period: 'day', usd: PER * 10 }] }), clock.now);
    const poll = (id: string, costUsd: number) => {
      const ts = clock.now();
      ledger.insert(ledgerRow({ requestId: id, ts, tags: { team: 'search' }, endpoint: 'responses.get', costUsd }));
      return ts;
    };
    const noon = poll('noon', PER);
    g.charge(who, { costUsd: PER, tokens: 2, ts: noon });
    const today = periodBounds('day', clock.now());
    // The poll starts (its row's time) a tenth of a second before midnight; its answer, and the charge, come after it.
    clock.set(today.end - 100);
    const late = poll('late', 2 * PER);
    clock.set(today.end + 100);
    g.charge(who, { costUsd: 2 * PER, tokens: 2, ts: late });
    // Charged at its answer's time, the new day started at 2 (a call of yesterday's in it) and yesterday's window missed it.
    expect(g.status()[0]!.spentUsd).toBe(0);
    const yesterday = db.prepare("SELECT spent_nano FROM governance_spend WHERE budget = 'search' AND period_start = ?").pluck().get(today.start) as number;
    expect(yesterday / 1e9).toBeCloseTo(3 * PER, 9);
  });

  it('a budget renamed does not warn again for the spend it already warned of in this window', () => {
    t = tempDb();
    const db = t.open();
    const ledger = new Ledger(db);
    const clock = manualClock();
    const events: BudgetEvent[] = [];
    const budget = (name: string, team = 'search') => policy({ budgets: [{ name, scope: { team }, period: 'day', usd: PER * 10 }] });
    let p = budget('search');
    const g = new Governor(db, () => p, clock.now);
    g.on('budget', (e) => events.push(e));
    const spend = (team = 'search') => {
      const r = g.admit(call(team));
      g.settle(r.reservationId!, { costUsd: PER, tokens: 1000 });
      ledger.insert(ledgerRow({ requestId: `c${clock.now()}`, ts: clock.now() - 1, tags: { team }, costUsd: PER }));
      clock.advance(1000);
    };
    for (let i = 0; i < 8; i++) spend();
    expect(events.map((e) => `${e.budget}:${e.level}`)).toEqual(['search:warn']);
    // Renamed: the same 80 % of the same day's spend, told once. It warned again under the new name.
    p = budget('search-daily');
    spend();
    expect(events.map((e) => `${e.budget}:${e.level}`)).toEqual(['search:warn']);
    spend();
    expect(events.map((e) => `${e.budget}:${e.level}`)).toEqual(['search:warn', 'search-daily:exceeded']);
    // Another scope under the old name's limits is another budget: it warns of its own spend.
    p = budget('ads', 'ads');
    for (let i = 0; i < 8; i++) spend('ads');
    expect(events.map((e) => `${e.budget}:${e.level}`)).toEqual(['search:warn', 'search-daily:exceeded', 'ads:warn']);
  });

  it('the status of a budget no call reaches reads its window from the ledger once, not at every budgets request', () => {
    t = tempDb();
    const db = t.open();
    const clock = manualClock();
    new Ledger(db).insert(ledgerRow({ requestId: 'ads', ts: clock.now() - 60_000, tags: { team: 'ads' }, costUsd: PER }));
    let p = policy({ budgets: [{ name: 'ads', scope: { team: 'ads' }, period: 'month', usd: PER * 10 }] });
    const g = new Governor(db, () => p, clock.now);
    // Each read of the ledger is a scan of the window's calls on the proxy's event loop.
    const prepare = db.prepare.bind(db);
    let scans = 0;
    db.prepare = (sql: string) => {
      if (sql.includes('FROM calls WHERE')) scans++;
      return prepare(sql);
    };
    for (let i = 0; i < 5; i++) expect(g.status()[0]!.spentUsd).toBeCloseTo(PER, 9);
    expect(scans).toBe(1);
    // Its scope changed by a reload before any call: read again, for the new scope.
    p = policy({ budgets: [{ name: 'ads', scope: { team: 'search' }, period: 'month', usd: PER * 10 }] });
    expect(g.status()[0]!.spentUsd).toBe(0);
    expect(scans).toBe(2);
  });

  it('a $0 block budget given another period is checked before the caches in one transaction, so another proxy cannot write its window in between', () => {
    t = tempDb();
    const db = t.open();
    const other = t.open(); // a second proxy on the same file
    other.pragma('busy_timeout = 0');
    const clock = manualClock();
    new Ledger(db).insert(ledgerRow({ requestId: 'earlier', ts: clock.now() - DAY, tags: { team: 'search' }, costUsd: PER }));
    const g = new Governor(db, () => policy({ budgets: [{ name: 'frozen', scope: { team: 'search' }, period: 'month', usd: 0, action: 'block' }] }), clock.now);
    // Counted daily until now; the reload makes it $0 a month, switching the team off.
    db.prepare("INSERT INTO governance_spend (budget, period, period_start, spent_nano, spent_tokens) VALUES ('frozen', 'day', ?, 1, 1)").run(clock.now() - DAY);
    // The other proxy's first call of the month writes the window while this one reads the ledger to seed it.
    const { start } = periodBounds('month', clock.now());
    const prepare = db.prepare.bind(db);
    let otherWrite = 'not tried';
    db.prepare = (sql: string) => {
      if (sql.includes('FROM calls WHERE') && otherWrite === 'not tried') {
        try {
          other.prepare("INSERT INTO governance_spend (budget, period, period_start) VALUES ('frozen', 'month', ?)").run(start);
          otherWrite = 'written';
        } catch (err) {
          otherWrite = (err as Error).message;
        }
      }
      return prepare(sql);
    };
    const refusal = g.switchedOff({ keyFingerprint: 'tg_1111111111111111', team: 'search' });
    expect(otherWrite).toMatch(/locked/);
    expect(refusal?.decision).toBe('block');
  });
});
