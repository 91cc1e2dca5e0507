/**
 * A proxy up for weeks sees its policy edited many times: rate limits added, renamed, removed. The
 * governor's per-limit state (when each limit's expired windows were last deleted) must not keep an
 * entry for every name any past policy ever had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../../proxy/src/governance/governor';
import type { Policy } from '../../../proxy/src/policy/schema';
import { manualClock, policy, tempDb, type TempDb } from '../../governance/helpers';

let t: TempDb | undefined;
let g: Governor | undefined;
afterEach(() => {
  g?.close();
  t?.cleanup();
});

describe('rate limits renamed by policy reloads', () => {
  it('per-limit bookkeeping stays bounded and limits in force keep working', () => {
    t = tempDb();
    const clock = manualClock();
    let current: Policy = policy({});
    g = new Governor(t.open(), () => current, clock.now);
    const call = { identity: { keyFingerprint: 'tg_k1' }, provider: 'openai', model: 'gpt-4.1-nano', inputTokens: 10, maxOutputTokens: 10 };
    for (let k = 0; k < 600; k++) {
      clock.advance(1_000); // edits arrive over time, not all in one second
      current = policy({ rateLimits: [{ name: `limit_${k}`, rpm: 1 }] });
      const r = g.admit(call);
      expect(r.decision).not.toBe('block');
      g.settle(r.reservationId!, { costUsd: 0, tokens: 20 });
    }
    const marks = (g as unknown as { prunedAt: Map<string, number> }).prunedAt;
    expect(marks.size).toBeLessThanOrEqual(257);
    // The limit in force still counts its window: a second call within the minute is refused.
    expect(g.admit(call).decision).toBe('block');
  });
});
