/**
 * OpenRouter's routing variants (`:nitro`, `:floor`, `:exacto`, `:online`) only choose the host that
 * serves a model; its price is the base model's. genai-prices lists no such ids, and the calls were
 * unpriced: $0 in CodeLens and downgrade comparisons, and refused by an `unpriced: block` budget.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it } from 'vitest';
import { Governor } from '../../proxy/src/governance/governor';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';
import { manualClock, policy, tempDb, type TempDb } from '../governance/helpers';

const usage = { inputTokens: 10_000, outputTokens: 1_000, cachedTokens: 2_000 };
const genaiUsage = { input_tokens: 10_000, output_tokens: 1_000, cache_read_tokens: 2_000 };

describe('OpenRouter routing variants', () => {
  it.each([
    ['openai/gpt-4o:nitro', 'openai/gpt-4o', 'openrouter'],
    ['anthropic/claude-sonnet-4:floor', 'anthropic/claude-sonnet-4', 'openrouter'],
    ['google/gemini-2.5-flash:exacto', 'google/gemini-2.5-flash', 'openrouter'],
    ['openai/gpt-4o-mini:online', 'openai/gpt-4o-mini', 'openrouter'],
    // Sent through another OpenAI-compatible gateway: priced as the vendor's model, as without the suffix.
    ['openai/gpt-4o-mini:nitro', 'openai/gpt-4o-mini', 'openai'],
  ])('%s is priced as %s', (variant, base, provider) => {
    const p = priceCall(variant, usage, provider);
    expect(p.priced).toBe(true);
    expect(p.totalUsd).toBeGreaterThan(0);
    expect(p.totalUsd).toBeCloseTo(priceCall(base, usage, provider).totalUsd, 12);
    expect(unitPrices(variant, provider)).toEqual(unitPrices(base, provider));
  });

  it('at OpenRouter the figure is genai-prices’ own for the base model', () => {
    const ref = calcPrice(genaiUsage, 'openai/gpt-4o', { providerId: 'openrouter' })!;
    expect(priceCall('openai/gpt-4o:nitro', usage, 'openrouter').totalUsd).toBeCloseTo(ref.total_price, 12);
  });

  it('catalog variants keep their own price, and an unknown suffix is not stripped', () => {
    // `:free` is a catalog entry with its own ($0) price: never priced as the paid model.
    const free = priceCall('deepseek/deepseek-r1:free', usage, 'openrouter');
    expect(free).toMatchObject({ priced: true, totalUsd: 0 });
    expect(priceCall('openai/gpt-4o:turbo-max', usage, 'openrouter')).toMatchObject({ priced: false, totalUsd: 0 });
    expect(priceCall('llama3.1:8b', usage, 'openai')).toMatchObject({ priced: false, totalUsd: 0 });
  });

  describe('a fail-closed budget', () => {
    let t: TempDb | undefined;
    afterEach(() => t?.cleanup());

    it('admits a routing variant at its base model’s worst case instead of refusing it as unpriced', () => {
      t = tempDb();
      const q = policy({ budgets: [{ name: 'all', period: 'day', usd: 100, unpriced: 'block' }] });
      const g = new Governor(t.open(), () => q, manualClock().now);
      const r = g.admit({ identity: { keyFingerprint: 'k' }, provider: 'openai', pricedAs: 'openrouter', model: 'openai/gpt-4o:nitro', inputTokens: 1_000, maxOutputTokens: 1_000 });
      expect(r.decision).not.toBe('block');
      const base = priceCall('openai/gpt-4o', { inputTokens: 1_000, outputTokens: 1_000 }, 'openrouter').totalUsd;
      expect(base).toBeGreaterThan(0);
      expect(r.reservedUsd).toBeCloseTo(base, 9);
    });
  });
});
