/**
 * A budget that is full only because calls in flight hold their worst case is not exhausted: the
 * refusal says so and asks for a retry in seconds (they settle at what they really cost), instead
 * of sending the client away until the period resets. A budget full of settled spend still waits
 * for the reset.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor, IN_FLIGHT_RETRY_S } from '../../proxy/src/governance/governor';
import { admitHeaders } from '../../proxy/src/pipeline/governanceStages';
import type { PolicyInput } from '../../proxy/src/policy/schema';
import { startHarness } from '../support/harness';
import { manualClock, policy, tempDb, worstCase, type TempDb } from './helpers';

const MODEL = 'gpt-4.1-nano';
const PER_CALL = worstCase(MODEL, 1000, 1000);
const call = { identity: { keyFingerprint: 'tg_k1', team: 'search' }, provider: 'openai', model: MODEL, inputTokens: 1000, maxOutputTokens: 1000 };

let t: TempDb | undefined;
afterEach(() => t?.cleanup());

function setup(input: PolicyInput): Governor {
  t = tempDb();
  const p = policy(input);
  return new Governor(t.open(), () => p, manualClock().now); // 12:00 UTC: 12 h to the daily reset
}

describe('a budget filled by calls in flight', () => {
  it('usd: refuses with a short retry-after and says the figure is mostly reserved, not spent', () => {
    const g = setup({ budgets: [{ name: 'daily', period: 'day', usd: PER_CALL * 3 }] });
    const inFlight = [g.admit(call), g.admit(call), g.admit(call)];
    expect(inFlight.map((r) => r.decision)).not.toContain('block');
    const r = g.admit(call);
    expect(r.decision).toBe('block');
    expect(r.retryAfterSec).toBe(IN_FLIGHT_RETRY_S);
    expect(admitHeaders(r)['retry-after']).toBe(String(IN_FLIGHT_RETRY_S));
    expect(r.message).toContain('still in flight');
    expect(r.message).not.toContain('is exhausted');
    // The calls finish using a tenth of their worst case: the retry is admitted.
    for (const a of inFlight) g.settle(a.reservationId!, { costUsd: a.reservedUsd! / 10, tokens: a.reservedTokens! / 10 });
    expect(g.admit(call).decision).not.toBe('block');
  });

  it('tokens: the same for a token budget', () => {
    const g = setup({ budgets: [{ name: 'tok', period: 'day', tokens: 4000 }] });
    g.admit(call);
    g.admit(call); // 4000 tokens reserved, none spent
    const r = g.admit(call);
    expect(r.decision).toBe('block');
    expect(r.retryAfterSec).toBe(IN_FLIGHT_RETRY_S);
  });

  it('a budget full of settled spend still waits for the reset, even with calls in flight', () => {
    const g = setup({ budgets: [{ name: 'daily', period: 'day', usd: PER_CALL * 3 }] });
    for (let i = 0; i < 3; i++) {
      const a = g.admit(call);
      g.settle(a.reservationId!, { costUsd: a.reservedUsd!, tokens: a.reservedTokens! });
    }
    const r = g.admit(call);
    expect(r.decision).toBe('block');
    expect(r.retryAfterSec).toBe(12 * 3600);
    expect(r.message).toMatch(/is exhausted: .* It resets at 2026-11-24T00:00:00Z/);
  });

  it('through the proxy: the OpenAI SDK retries after the short retry-after and is served once the calls in flight settle', async () => {
    // Three slow calls hold the whole budget at their worst case (1000 output tokens); each really uses a few tokens.
    const per = worstCase(MODEL, 30, 1000);
    const h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: per * 3 }] });
    try {
      const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
      const slow = Array.from({ length: 3 }, (_, i) =>
        client.chat.completions.create({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: `slow ${i} [[fake:slow=1500]]` }] }),
      );
      await new Promise((r) => setTimeout(r, 400));
      const refused = await client.chat.completions.create({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: 'now' }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.APIError);
      const err = refused as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(429);
      expect(err.headers?.get('retry-after')).toBe(String(IN_FLIGHT_RETRY_S));
      // With the SDK's own retries, the same call goes through once the slow ones have settled.
      const retrying = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 2 });
      const served = await retrying.chat.completions.create({ model: MODEL, max_tokens: 1000, messages: [{ role: 'user', content: 'again' }] });
      expect(served.choices[0]!.message.content).toBeTruthy();
      await Promise.all(slow);
    } finally {
      await h.close();
    }
  }, 30_000);
});
