/**
 * RPM/TPM windows when the wall clock steps (NTP correction, a resumed VM), on a real SQLite file
 * with an injected clock. Buckets are keyed by epoch second, so a step back left the calls admitted
 * before it in buckets "from the future", counted until the clock caught up with them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor, RATE_WINDOW_S } from '../../proxy/src/governance/governor';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const call = { identity: { keyFingerprint: 'tg_k' }, provider: 'openai', model: 'gpt-4.1-nano', inputTokens: 1000, maxOutputTokens: 1000 };
const HOUR = 3_600_000;

function setup(input: PolicyInput) {
  t = tempDb();
  const clock = manualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const p = policy(input);
  return { g: new Governor(t.open(), () => p, clock.now), clock };
}

describe('rate windows when the clock steps back', () => {
  it('an hour back: the calls before the step count for one more window, not for an hour', () => {
    const { g, clock } = setup({ rateLimits: [{ name: 'rpm3', rpm: 3 }] });
    for (let i = 0; i < 3; i++) g.settle(g.admit(call).reservationId!, { costUsd: 0.0001, tokens: 1500 });
    clock.advance(-HOUR);
    // Still a full window: the three calls happened moments ago in real time.
    const held = g.admit(call);
    expect(held.decision).toBe('block');
    expect(held.retryAfterSec).toBeLessThanOrEqual(RATE_WINDOW_S);
    clock.advance(RATE_WINDOW_S * 1000);
    expect(g.admit(call).decision).toBe('allow');
    expect(g.rateStatus()[0]).toMatchObject({ requests: 1 });
  });

  it('a call admitted before the step and settled after it corrects its moved bucket (TPM)', () => {
    const { g, clock } = setup({ rateLimits: [{ name: 'tpm', tpm: 5000 }] });
    const first = g.admit(call); // reserves 2000 tokens
    const second = g.admit(call); // 4000
    clock.advance(-10 * 60_000);
    expect(g.admit(call).decision).toBe('block'); // 4000 + 2000 > 5000
    g.settle(first.reservationId!, { costUsd: 0.0001, tokens: 1100 });
    g.settle(second.reservationId!, { costUsd: 0.0001, tokens: 1100 });
    expect(g.rateStatus()[0]).toMatchObject({ requests: 2, tokens: 2200 });
    expect(g.admit(call).decision).toBe('allow'); // 2200 + 2000 ≤ 5000
    clock.advance(RATE_WINDOW_S * 1000);
    expect(g.rateStatus()[0]).toMatchObject({ requests: 0, tokens: 0 });
  });

  it('a step forward empties the window and nothing goes negative when the clock returns', () => {
    const { g, clock } = setup({ rateLimits: [{ name: 'rpm2', rpm: 2, tpm: 10_000 }] });
    const r = g.admit(call);
    clock.advance(3 * HOUR);
    expect(g.admit(call).decision).toBe('allow');
    clock.advance(-3 * HOUR);
    g.settle(r.reservationId!, { costUsd: 0.0001, tokens: 900 });
    const w = g.rateStatus()[0]!;
    expect(w.requests).toBeGreaterThanOrEqual(0);
    expect(w.tokens).toBeGreaterThanOrEqual(0);
    expect(g.admit(call).decision).not.toBe('block');
  });
});
