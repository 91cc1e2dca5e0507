/**
 * A budget's downgrade and a price-capped fallback chain compare prices as the ledger bills the
 * calls: under the provider the base URL points at (billingProvider), not the policy's name for it.
 * A provider named `fast` at api.groq.com bills at Groq's rates; priced by its name, a Groq llama had
 * no price and Groq's gpt-oss-120b was priced as another vendor's (a quarter of Groq's rate).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { downgradeTarget } from '../../proxy/src/governance/downgrade';
import { Governor } from '../../proxy/src/governance/governor';
import { fallbacksWithinPrice } from '../../proxy/src/governance/fallback';
import { resolveProviders } from '../../proxy/src/policy/schema';
import { pricedAs, unitPrices } from '../../proxy/src/pricing/price';
import { manualClock, policy, tempDb, type TempDb } from './helpers';

const GROQ = 'https://api.groq.com/openai/v1';
const sum = (model: string, provider: string) => {
  const p = unitPrices(model, provider);
  return p ? p.inputPerMTok + p.outputPerMTok : undefined;
};

describe('prices by base URL', () => {
  const p = policy({ providers: { fast: { kind: 'openai', baseUrl: GROQ } }, routing: { tiers: { fast: { small: 'openai/gpt-oss-120b' } } } });

  it('the provider a call is priced as is the one the ledger bills (fast at api.groq.com is groq)', () => {
    expect(pricedAs(resolveProviders(p).get('fast')!)).toBe('groq');
    // The premise of the cases below, from genai-prices' data (not constants).
    expect(sum('llama-3.1-8b-instant', 'groq')).toBeDefined();
    expect(sum('openai/gpt-oss-120b', 'groq')!).toBeGreaterThan(sum('llama-3.1-8b-instant', 'groq')!);
  });

  it('a downgrade does not move a call to a tier model that costs more at the provider it goes to', () => {
    // llama-3.1-8b-instant is cheaper at Groq than the `small` tier: no downgrade (by name: unpriced, moved).
    expect(downgradeTarget(p, 'fast', 'llama-3.1-8b-instant')).toMatchObject({ ok: true, model: 'llama-3.1-8b-instant', changed: false });
    // A dearer model is still downgraded.
    expect(downgradeTarget(p, 'fast', 'moonshotai/kimi-k2-instruct')).toMatchObject({ ok: true, model: 'openai/gpt-oss-120b', changed: true });
  });

  it('a price-capped fallback chain keeps a priced cheaper target and skips one dearer at its real rate', () => {
    const q = policy({ providers: { fast: { kind: 'openai', baseUrl: GROQ } } });
    // Ceiling qwen3-32b at Groq; llama-3.1-8b-instant at Groq is cheaper: kept (by name both unpriced: skipped).
    const a = fallbacksWithinPrice([{ provider: 'fast', model: 'llama-3.1-8b-instant' }], { provider: 'fast', model: 'qwen/qwen3-32b' }, q);
    expect(a.kept).toEqual([{ provider: 'fast', model: 'llama-3.1-8b-instant' }]);
    // Ceiling gpt-4.1-nano at OpenAI; gpt-oss-120b at Groq costs more than it (by name it was priced below).
    expect(sum('openai/gpt-oss-120b', 'groq')!).toBeGreaterThan(sum('gpt-4.1-nano', 'openai')!);
    const b = fallbacksWithinPrice([{ provider: 'fast', model: 'openai/gpt-oss-120b' }], { provider: 'openai', model: 'gpt-4.1-nano' }, q);
    expect(b.skipped).toEqual([{ provider: 'fast', model: 'openai/gpt-oss-120b' }]);
  });

  describe('a budget reservation', () => {
    let t: TempDb | undefined;
    afterEach(() => t?.cleanup());
    const q = policy({
      providers: { fast: { kind: 'openai', baseUrl: GROQ } },
      budgets: [{ name: 'all', period: 'day', usd: 100, unpriced: 'block' }],
    });
    const admit = (pricedAs?: string) => {
      t = tempDb();
      const g = new Governor(t.open(), () => q, manualClock().now);
      return g.admit({ identity: { keyFingerprint: 'k' }, provider: 'fast', ...(pricedAs ? { pricedAs } : {}), model: 'llama-3.1-8b-instant', inputTokens: 1000, maxOutputTokens: 1000 });
    };

    it('is priced as the call is billed: a Groq llama behind `fast` is priced, not refused as unpriced', () => {
      const billed = pricedAs(resolveProviders(q).get('fast')!);
      const r = admit(billed);
      expect(r.decision).not.toBe('block');
      // Its worst case at Groq's rate from genai-prices (1,000 in + 1,000 out).
      expect(r.reservedUsd).toBeCloseTo(sum('llama-3.1-8b-instant', 'groq')! / 1000, 9);
      // By the policy's name the model has no price, and the fail-closed budget refuses it.
      expect(admit().decision).toBe('block');
    });
  });
});
