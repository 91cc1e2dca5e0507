/**
 * A settle (or release) that SQLite cannot write when the call ends: the disk is full, or another
 * proxy on the file holds the write lock past busy_timeout. The call already happened (the client
 * has its answer, the upstream billed it), so the real figure must still reach the budget once the
 * file takes writes again — not leave the worst-case reservation holding the budget for half an
 * hour and then be charged at that worst case.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import type { BudgetEvent } from '../../proxy/src/governance/types';
import { policy, tempDb, worstCase, type TempDb } from './helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const MODEL = 'gpt-4.1-nano';
const PER = worstCase(MODEL, 1000, 1000);
const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

function setup() {
  t = tempDb();
  const db = t.open();
  // Another proxy's long write would make this one wait 5 s; the test waits 50 ms.
  db.pragma('busy_timeout = 50');
  const other = t.open();
  const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 10, warnAt: 0.5 }] });
  const g = new Governor(db, () => p);
  const events: BudgetEvent[] = [];
  g.on('budget', (e) => events.push(e));
  /** Another connection holds the write lock (as a sibling proxy's write or a full disk would refuse ours). */
  const lock = () => other.exec('BEGIN IMMEDIATE');
  const unlock = () => other.exec('COMMIT');
  return { g, events, lock, unlock };
}

describe('a settle SQLite cannot write at once', () => {
  it('does not throw, and the real cost replaces the reservation once the file takes writes again', () => {
    const { g, events, lock, unlock } = setup();
    const a = g.admit(call);
    const b = g.admit(call);
    lock();
    expect(() => g.settle(a.reservationId!, { costUsd: PER * 3, tokens: 1500 })).not.toThrow();
    expect(() => g.release(b.reservationId!)).not.toThrow();
    unlock();
    // The next call's admission writes what was waiting first (and sees it).
    const c = g.admit(call);
    const s = g.status()[0]!;
    expect(s.spentUsd).toBeCloseTo(PER * 3, 12);
    expect(s.spentTokens).toBe(1500);
    expect(s.reservedUsd).toBeCloseTo(c.reservedUsd!, 12);
    // Crossing warnAt (50 %) with the late settle alerts, once.
    g.settle(c.reservationId!, { costUsd: PER * 3, tokens: 1500 });
    expect(events.map((e) => e.level)).toEqual(['warn']);
  });

  it('is written by the periodic sweep when no other call comes', () => {
    const { g, lock, unlock } = setup();
    const a = g.admit(call);
    lock();
    g.settle(a.reservationId!, { costUsd: PER / 2, tokens: 700 });
    unlock();
    g.recoverOrphans();
    const s = g.status()[0]!;
    expect(s.reservedUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(PER / 2, 12);
    // Settled once: a second sweep or a late duplicate settle changes nothing.
    g.recoverOrphans();
    g.settle(a.reservationId!, { costUsd: PER / 2, tokens: 700 });
    expect(g.status()[0]!.spentUsd).toBeCloseTo(PER / 2, 12);
  });
});

describe('a waiting settlement that fails for a reason waiting cannot fix', () => {
  /**
   * A newer Tollgate (or a hand-made trigger) on the same file refuses one reservation's close with
   * a constraint: not "busy" or "full", so holding it longer cannot help. Before, flushPending
   * dropped it without a word.
   */
  function refuseClosing(db: ReturnType<TempDb['open']>, ids: string[]): void {
    const list = ids.map((id) => `'${id}'`).join(', ');
    db.exec(`CREATE TRIGGER refuse_close BEFORE UPDATE OF state ON governance_reservations
      WHEN NEW.state IN ('settled', 'released') AND OLD.id IN (${list}) BEGIN SELECT RAISE(ABORT, 'closing refused by a newer schema'); END`);
  }

  it('says so once per kind of failure, writes every other waiting settlement, and keeps the failed reservation charged at its worst case', () => {
    t = tempDb();
    const db = t.open();
    db.pragma('busy_timeout = 50');
    const other = t.open();
    const clock = { t: Date.now() };
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: PER * 100 }] });
    const lines: string[] = [];
    const g = new Governor(db, () => p, () => clock.t, { staleAfterMs: 60_000, warn: (l) => lines.push(l) });
    const [a, b, c] = [g.admit(call), g.admit(call), g.admit(call)];
    other.exec('BEGIN IMMEDIATE');
    g.settle(a.reservationId!, { costUsd: PER / 4, tokens: 500 });
    g.settle(b.reservationId!, { costUsd: PER / 4, tokens: 500 });
    g.settle(c.reservationId!, { costUsd: PER / 4, tokens: 500 });
    other.exec('COMMIT');
    refuseClosing(other, [a.reservationId!, c.reservationId!]);
    expect(g.flushPending()).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/budget settlement.*SQLITE_CONSTRAINT: closing refused by a newer schema.*not written/);
    expect(lines[0]).toMatch(/worst case/);
    // b's real figure was written; a and c stay reserved, not forgotten.
    let s = g.status()[0]!;
    expect(s.spentUsd).toBeCloseTo(PER / 4, 12);
    expect(s.reservedUsd).toBeCloseTo(PER * 2, 12);
    // Once stale they are charged at their worst case (the rule for a call whose figure never came).
    clock.t += 61_000;
    expect(g.recoverOrphans()).toBe(2);
    s = g.status()[0]!;
    expect(s.reservedUsd).toBe(0);
    expect(s.spentUsd).toBeCloseTo(PER / 4 + PER * 2, 12);
    // The same kind again is not logged again.
    const d = g.admit(call);
    other.exec('BEGIN IMMEDIATE');
    g.settle(d.reservationId!, { costUsd: PER / 4, tokens: 500 });
    other.exec('COMMIT');
    other.exec('DROP TRIGGER refuse_close');
    refuseClosing(other, [d.reservationId!]);
    g.flushPending();
    expect(lines).toHaveLength(1);
    g.close();
  });
});
