/**
 * "call held briefly" (a budget full only of calls in flight) is a hold of seconds. It used to stay
 * in the status bar until an admitted miss cleared it: an app that gave up, or whose retry was a
 * cache hit, left it up for good, and a window reload replayed yesterday's hold from the ledger.
 */
import { describe, expect, it } from 'vitest';
import { IN_FLIGHT_HOLD_TAIL } from '../../contract/api';
import { HELD_ALERT_MS, StatusAlerts } from '../../extension/src/statusBar/alerts';

const t0 = Date.UTC(2026, 11, 1, 12, 0, 0);
const held = (ts?: number) => ({ status: 429, provider: 'openai', cache: 'miss' as const, errorType: 'budget_exceeded', budget: `block: daily 100%${IN_FLIGHT_HOLD_TAIL}`, ...(ts === undefined ? {} : { ts }) });
const hit = { status: 200, provider: 'openai', cache: 'exact' as const };

describe('the in-flight hold alert', () => {
  it('goes by itself once the hold has passed, though no admitted call follows', () => {
    const alerts = new StatusAlerts();
    expect(alerts.onCall(held(t0), t0)).toBe(true);
    expect(alerts.top()?.short).toBe('call held briefly');
    // The app's retry was answered from the cache: nothing admitted, the hold is over all the same.
    alerts.onCall(hit, t0 + 3_000);
    expect(alerts.expiresAt()).toBe(t0 + HELD_ALERT_MS);
    expect(alerts.expire(t0 + HELD_ALERT_MS - 1)).toBe(false);
    expect(alerts.expire(t0 + HELD_ALERT_MS)).toBe(true);
    expect(alerts.top()).toBeUndefined();
  });

  it('stays while holds keep coming, each extending it', () => {
    const alerts = new StatusAlerts();
    alerts.onCall(held(t0), t0);
    alerts.onCall(held(t0 + 50_000), t0 + 50_000);
    expect(alerts.expire(t0 + HELD_ALERT_MS + 1)).toBe(false);
    expect(alerts.top()?.short).toBe('call held briefly');
  });

  it('a hold replayed from the ledger after a reload is already over', () => {
    const alerts = new StatusAlerts();
    alerts.onCall(held(t0 - 3_600_000), t0);
    expect(alerts.expire(t0)).toBe(true);
    expect(alerts.top()).toBeUndefined();
  });

  it('an exhausted budget still replaces a hold and does not expire with it', () => {
    const alerts = new StatusAlerts();
    alerts.onCall(held(t0), t0);
    alerts.onCall({ status: 429, provider: 'openai', cache: 'miss', errorType: 'budget_exceeded', budget: 'block: daily 100%', ts: t0 + 1_000 }, t0 + 1_000);
    expect(alerts.top()?.short).toBe('budget exhausted');
    expect(alerts.expire(t0 + 10 * HELD_ALERT_MS)).toBe(false);
  });
});
