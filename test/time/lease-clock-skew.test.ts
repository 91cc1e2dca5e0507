/**
 * Two proxies on one data directory whose clocks disagree (a container or VM whose clock runs a
 * minute ahead, another machine on a shared volume). A lease's renewal time is written on its
 * owner's clock; judged by another process's clock, a live proxy renewing every 15 s looked a
 * minute older than it was, so its in-flight calls were charged at their worst case while it was
 * still running them. Now a lease counts as expired only once the judging process has itself seen
 * it go unrenewed, on its own clock, and a live owner's reservation is stale when its owner says so.
 * Real SQLite file; the other proxy is written as its Governor writes (a lease row renewed on its
 * own clock, a reservation in its name), from a host whose pids mean nothing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor, LEASE_RENEW_MS, LEASE_TTL_MS } from '../../proxy/src/governance/governor';
import type { Db } from '../../proxy/src/db/open';
import { policy, tempDb, worstCase, type TempDb } from '../governance/helpers';

const PER_CALL = worstCase('gpt-4.1-nano', 1000, 1000);
const P = policy({ budgets: [{ name: 'd', period: 'day', usd: PER_CALL * 100 }] });
const SKEW_MS = 60_000;
/** The judge sweeps halfway between two of the other proxy's renewals. */
const PHASE_MS = LEASE_RENEW_MS / 2;
const MIN = 60_000;

let t: TempDb | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** The other proxy: its clock, its lease and one call in flight, written as its Governor writes them. */
function otherProxy(db: Db, judge: Governor, start: number) {
  let clock = start;
  // Admitted through the real code path, then handed to an owner in another process.
  const id = judge.admit({ identity: { keyFingerprint: 'tg_other' }, provider: 'openai', model: 'gpt-4.1-nano', inputTokens: 1000, maxOutputTokens: 1000 }).reservationId!;
  db.prepare("UPDATE governance_reservations SET owner = 'other-proxy', owner_pid = 1, created_at = ? WHERE id = ?").run(clock, id);
  const renew = (): void => {
    db.prepare("INSERT INTO governance_owners (owner, pid, host, seen_at) VALUES ('other-proxy', 1, 'other-host', ?) ON CONFLICT (owner) DO UPDATE SET seen_at = excluded.seen_at").run(clock);
  };
  renew();
  return {
    id,
    advance(ms: number, renews = true): void {
      clock += ms;
      if (renews) renew();
    },
  };
}

/**
 * The set-up both cases share: a judging proxy whose clock runs SKEW_MS ahead of the other proxy's
 * (and sweeps PHASE_MS after its renewals), and the other proxy with one call in flight.
 */
function skewedProxies() {
  t = tempDb();
  const db = t.open();
  const ownerStart = Date.UTC(2026, 10, 23, 12, 0, 0);
  let judgeNow = ownerStart + SKEW_MS + PHASE_MS;
  const judge = new Governor(db, () => P, () => judgeNow);
  const other = otherProxy(db, judge, ownerStart);
  return {
    judge,
    /** Both clocks move on by `ms`; the other proxy renews its lease unless it has stopped. */
    advance(ms: number, renews = true): void {
      other.advance(ms, renews);
      judgeNow += ms;
    },
    reserved: (): number => judge.status()[0]!.reservedUsd,
  };
}

describe('leases judged across clocks that disagree', () => {
  it('a proxy whose clock runs a minute ahead never charges a live proxy’s calls in flight, and still charges them once it stops', () => {
    const { judge, advance, reserved } = skewedProxies();
    expect(reserved()).toBeCloseTo(PER_CALL, 12);

    // Ten minutes of sweeps every 15 s while the other proxy renews every 15 s on its own clock.
    for (let i = 0; i < 40; i++) {
      advance(LEASE_RENEW_MS);
      expect(judge.recoverOrphans()).toBe(0);
    }
    expect(judge.recoverAfterRestart()).toBe(0);
    expect(reserved()).toBeCloseTo(PER_CALL, 12);
    expect(judge.status()[0]!.spentUsd).toBe(0);

    // It dies (stops renewing): charged at its worst case within a lease and a sweep of the last renewal.
    let charged = 0;
    let waited = 0;
    while (charged === 0 && waited <= LEASE_TTL_MS + 2 * LEASE_RENEW_MS) {
      advance(LEASE_RENEW_MS, false);
      waited += LEASE_RENEW_MS;
      charged = judge.recoverOrphans();
    }
    expect(charged).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(LEASE_TTL_MS / 2);
    expect(reserved()).toBe(0);
    expect(judge.status()[0]!.spentUsd).toBeCloseTo(PER_CALL, 12);
    judge.close();
  });

  it('a long call of a live proxy is stale by its owner’s clock, not by a clock a minute ahead', () => {
    const { judge, advance, reserved } = skewedProxies();
    // 29.5 minutes into the call on its owner's clock (30.5 on the judge's): not stale yet.
    for (let at = 0; at < 29.5 * MIN; at += LEASE_RENEW_MS) {
      advance(LEASE_RENEW_MS);
      expect(judge.recoverOrphans()).toBe(0);
    }
    expect(judge.recoverAfterRestart()).toBe(0);
    expect(reserved()).toBeCloseTo(PER_CALL, 12);
    judge.close();
  });
});
