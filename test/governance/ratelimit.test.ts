/** RPM / TPM sliding 60-second windows with an injected clock, on a real SQLite file. */
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { admitHeaders } from '../../proxy/src/pipeline/governanceStages';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { manualClock, policy, tempDb, type TempDb } from './helpers';

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

const call = (inputTokens = 1000, maxOutputTokens = 1000, team = 'search') => ({
  identity: { keyFingerprint: 'tg_k', team },
  provider: 'openai',
  model: 'gpt-4.1-nano',
  inputTokens,
  maxOutputTokens,
});

function setup(input: PolicyInput) {
  t = tempDb();
  const clock = manualClock();
  const p = policy(input);
  return { g: new Governor(t.open(), () => p, clock.now), clock };
}

describe('requests per minute', () => {
  it('refuses the request over the limit until the oldest leaves the 60 s window', () => {
    const { g, clock } = setup({ rateLimits: [{ name: 'rpm3', rpm: 3 }] });
    for (let i = 0; i < 3; i++) {
      expect(g.admit(call()).decision).toBe('allow');
      clock.advance(10_000);
    }
    // t = 30 s: the call at t = 0 leaves the window at t = 60 s.
    const r = g.admit(call());
    expect(r.decision).toBe('block');
    expect(r.retryAfterSec).toBe(30);
    expect(admitHeaders(r)['retry-after']).toBe('30');
    expect(admitHeaders(r)['x-tollgate-ratelimit']).toBe('name=rpm3; rpm=3; window=60s');
    expect(r.message).toContain('3 requests per minute');
    clock.advance(29_999);
    expect(g.admit(call()).decision).toBe('block');
    clock.advance(1);
    expect(g.admit(call()).decision).toBe('allow');
    expect(g.rateStatus()[0]!.requests).toBe(3);
  });

  it('counts per scope: another team has its own allowance only if a limit names it', () => {
    const { g } = setup({ rateLimits: [{ name: 'search-rpm', scope: { team: 'search' }, rpm: 1 }] });
    expect(g.admit(call()).decision).toBe('allow');
    expect(g.admit(call()).decision).toBe('block');
    expect(g.admit(call(1000, 1000, 'ads')).decision).toBe('allow');
  });
});

describe('tokens per minute', () => {
  it('counts reserved worst-case tokens, then the settled figure', () => {
    const { g, clock } = setup({ rateLimits: [{ name: 'tpm', tpm: 5000 }] });
    const a = g.admit(call()); // 2000 reserved
    clock.advance(1000);
    const b = g.admit(call()); // 4000
    expect(b.decision).toBe('allow');
    clock.advance(1000);
    const blocked = g.admit(call()); // would be 6000
    expect(blocked.decision).toBe('block');
    expect(blocked.retryAfterSec).toBe(58); // a's tokens leave at t = 60 s
    g.settle(a.reservationId!, { costUsd: 0, tokens: 500 }); // a really used 500
    expect(g.admit(call()).decision).toBe('allow'); // 500 + 2000 + 2000 = 4500
    expect(g.rateStatus()[0]!.tokens).toBe(4500);
  });

  it('a refusal gives large token figures as the editor does (1.50M, not 1500000)', () => {
    const { g } = setup({ rateLimits: [{ name: 'tpm', tpm: 1_500_000 }] });
    g.settle(g.admit(call(1000, 1000)).reservationId!, { costUsd: 0, tokens: 1_200_000 });
    const r = g.admit(call(200_000, 150_000));
    expect(r.decision).toBe('block');
    expect(r.message).toContain('allows 1.50M tokens per minute: 1.20M used in the last 60 s, and this request needs up to 350.0k');
    expect(r.message).not.toMatch(/\d{5,}/);
  });

  it('lets one request larger than the whole allowance through on an empty window', () => {
    const { g } = setup({ rateLimits: [{ name: 'tpm', tpm: 1000 }] });
    expect(g.admit(call(5000, 1000)).decision).toBe('allow');
    expect(g.admit(call(10, 10)).decision).toBe('block');
  });
});
