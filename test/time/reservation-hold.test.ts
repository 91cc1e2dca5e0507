/**
 * How long a reservation may stay open before recoverAfterRestart() charges it at its worst case
 * while its owner is alive, on a real SQLite file with an injected clock. A batch legitimately holds
 * its reservation for hours (its completion window); the default horizon (30 min) is for calls.
 * Also: an older database, created before the horizon was stored, is upgraded in place.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { manualClock, policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const MODEL = 'gpt-4.1-nano';
const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };
const MIN = 60_000;

describe('reservation hold horizon', () => {
  it('a reservation admitted with a 24 h hold is not charged after 31 min; an ordinary one is', () => {
    t = tempDb();
    const clock = manualClock();
    const p = policy({ budgets: [{ name: 'monthly', period: 'month', usd: 1 }] });
    const g = new Governor(t.open(), () => p, clock.now);
    const batch = g.admit(call);
    g.holdForProvider(batch.reservationId!, 24 * 60 * MIN);
    const single = g.admit(call);
    clock.advance(31 * MIN);
    expect(g.recoverAfterRestart()).toBe(1);
    const s = g.status()[0]!;
    // The call is charged at its worst case; the batch still only reserves.
    expect(s.spentUsd).toBeCloseTo(worstCase(MODEL, 1000, 1000), 12);
    expect(s.reservedUsd).toBeCloseTo(batch.reservedUsd!, 12);
    g.settle(single.reservationId!, { costUsd: 0, tokens: 0 });
    clock.advance(24 * 60 * MIN);
    expect(g.recoverAfterRestart()).toBe(1);
    g.settle(batch.reservationId!, { costUsd: 0.001, tokens: 100 });
    expect(g.status()[0]).toMatchObject({ reservedUsd: 0, spentTokens: 100 });
  });

  it('a batch’s reservation outlives the proxy that admitted it: a restart keeps it reserved (the provider still runs the batch), not charged at its worst case', () => {
    t = tempDb();
    const clock = manualClock();
    const p = policy({ budgets: [{ name: 'monthly', period: 'month', usd: 1 }] });
    const first = new Governor(t.open(), () => p, clock.now);
    const batch = first.admit(call);
    first.holdForProvider(batch.reservationId!, 24 * 60 * MIN);
    const single = first.admit(call);
    first.close();
    clock.advance(MIN);
    // The restarted proxy: its start-up sweep charges the call the old process never finished.
    const next = new Governor(t.open(), () => p, clock.now);
    expect(next.recoverAfterRestart()).toBe(1);
    expect(next.status()[0]!.spentUsd).toBeCloseTo(single.reservedUsd!, 12);
    expect(next.status()[0]!.reservedUsd).toBeCloseTo(batch.reservedUsd!, 12);
    // Its results, read through the new proxy, settle it at what it cost.
    next.settle(batch.reservationId!, { costUsd: 0.0001, tokens: 100 });
    expect(next.status()[0]).toMatchObject({ reservedUsd: 0, spentTokens: 100 + single.reservedTokens! });
    // One never settled is charged once its hold has passed, whichever proxy is running.
    const lost = next.admit(call);
    next.holdForProvider(lost.reservationId!, 60 * MIN);
    next.close();
    const third = new Governor(t.open(), () => p, clock.now);
    expect(third.recoverOrphans()).toBe(0);
    clock.advance(61 * MIN);
    expect(third.recoverOrphans()).toBe(1);
    expect(third.status()[0]!.reservedUsd).toBe(0);
    expect(lost.reservationId).toBeDefined();
  });

  it('a batch reservation written by the version before reservations outlived their proxy (owned by that proxy, with its hold) is still only reserved after the upgrade', () => {
    t = tempDb();
    const clock = manualClock();
    const p = policy({ budgets: [{ name: 'monthly', period: 'month', usd: 1 }] });
    const old = new Governor(t.open(), () => p, clock.now);
    old.admit(call); // makes the budget's spend row for this period
    old.close();
    const db = t.open();
    // As that version wrote a batch's reservation: its own owner and pid, a 25 h hold, the lease closed on exit.
    const start = (db.prepare('SELECT period_start FROM governance_spend').get() as { period_start: number }).period_start;
    db.prepare("INSERT INTO governance_reservations (id, created_at, owner, owner_pid, provider, model, cost_nano, tokens, state, hold_ms) VALUES ('old-batch', ?, 'old-proxy', 999999, 'openai', ?, 5000000, 50, 'open', ?)").run(
      clock.now(),
      MODEL,
      25 * 60 * MIN,
    );
    db.prepare("INSERT INTO governance_reservation_budgets (reservation_id, budget, period, period_start) VALUES ('old-batch', 'monthly', 'month', ?)").run(start);
    db.prepare('UPDATE governance_spend SET reserved_nano = reserved_nano + 5000000, reserved_tokens = reserved_tokens + 50').run();
    db.prepare("INSERT INTO governance_owners (owner, pid, host, seen_at) VALUES ('old-proxy', 999999, 'here', 0)").run();
    clock.advance(MIN);
    const next = new Governor(t.open(), () => p, clock.now);
    const spentBefore = next.status()[0]!.spentUsd;
    // The ordinary call the old proxy left open is charged; the batch, still running at the provider, is not.
    expect(next.recoverAfterRestart()).toBe(1);
    expect(next.status()[0]!.spentUsd - spentBefore).toBeGreaterThan(0);
    expect(next.status()[0]!.reservedUsd).toBeCloseTo(0.005, 12);
    // Its results settle it at what it cost; left unsettled it is charged once its hold has passed.
    clock.advance(25 * 60 * MIN);
    expect(next.recoverOrphans()).toBe(1);
    expect(next.status()[0]!.reservedUsd).toBe(0);
  });

  it('a database from before the column is upgraded and its open reservations keep the default', () => {
    t = tempDb();
    const db = t.open();
    db.exec(`CREATE TABLE governance_reservations (
      id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, owner TEXT NOT NULL, owner_pid INTEGER NOT NULL,
      provider TEXT NOT NULL, model TEXT NOT NULL, cost_nano INTEGER NOT NULL, tokens INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('open', 'settled', 'released', 'recovered')),
      actual_nano INTEGER, actual_tokens INTEGER, closed_at INTEGER) WITHOUT ROWID`);
    const clock = manualClock();
    db.prepare("INSERT INTO governance_reservations (id, created_at, owner, owner_pid, provider, model, cost_nano, tokens, state) VALUES ('old', ?, 'gone', ?, 'openai', ?, 5, 5, 'open')").run(
      clock.now() - 10 * MIN,
      process.pid,
      MODEL,
    );
    const p = policy({ budgets: [{ name: 'daily', period: 'day', usd: 1 }] });
    const g = new Governor(db, () => p, clock.now);
    g.close();
    const again = new Governor(t.open(), () => p, clock.now);
    const held = again.admit(call);
    again.holdForProvider(held.reservationId!, 60 * MIN);
    expect(held.decision).toBe('allow');
    // 'old' belongs to no live Governor of this process: recovered at once.
    expect(again.recoverAfterRestart()).toBe(1);
  });
});
