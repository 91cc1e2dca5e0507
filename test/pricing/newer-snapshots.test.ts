/**
 * A dated snapshot released after the price list: priced as its family when the list names no later
 * snapshot of it, and said to be ("priced as gpt-4o"); never for a snapshot between listed ones, a
 * name of another model, or a fine-tune. The figures are genai-prices' own for the family.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';

const usage = { inputTokens: 12_000, outputTokens: 800, cachedTokens: 4_000 };
const family = (model: string, providerId: string) => calcPrice({ input_tokens: 12_000, cache_read_tokens: 4_000, output_tokens: 800 }, model, { providerId })!;

describe('snapshots newer than the price list', () => {
  it('gpt-4o-2026-11-20 (either date spelling, behind a gateway prefix) is priced as gpt-4o, which genai-prices alone leaves unpriced', () => {
    expect(calcPrice({ input_tokens: 1, output_tokens: 1 }, 'gpt-4o-2026-11-20', { providerId: 'openai' })).toBeNull();
    for (const model of ['gpt-4o-2026-11-20', 'gpt-4o-20261120', 'openai/gpt-4o-2026-11-20']) {
      const p = priceCall(model, usage, 'openai');
      expect(p, model).toMatchObject({ priced: true, matchedModel: 'gpt-4o', as: 'gpt-4o' });
      expect(p.totalUsd, model).toBeCloseTo(family('gpt-4o', 'openai').total_price, 12);
    }
    expect(priceCall('gpt-4.1-mini-2026-04-14', usage, 'openai')).toMatchObject({ priced: true, as: 'gpt-4.1-mini' });
  });

  it('claude-sonnet-4-20261001, whose listed snapshots are 2025’s, is priced as claude-sonnet-4', () => {
    const p = priceCall('claude-sonnet-4-20261001', usage, 'anthropic');
    expect(p).toMatchObject({ priced: true, as: 'claude-sonnet-4' });
    expect(p.totalUsd).toBeCloseTo(family('claude-sonnet-4-20250514', 'anthropic').total_price, 12);
  });

  it('a listed snapshot keeps its own price and says nothing borrowed', () => {
    expect(priceCall('gpt-4o-2024-11-20', usage, 'openai').as).toBeUndefined();
    const first = priceCall('gpt-4o-2024-05-13', usage, 'openai');
    expect(first.as).toBeUndefined();
    expect(first.totalUsd).toBeCloseTo(family('gpt-4o-2024-05-13', 'openai').total_price, 12);
  });

  it('a date no calendar has, or a date spelt two ways, names no newer snapshot: unpriced', () => {
    for (const model of ['gpt-4o-2026-13-45', 'gpt-4o-2026-02-30', 'gpt-4o-2026-04-31', 'gpt-4o-2026-0230', 'gpt-4o-202611-20']) {
      expect(priceCall(model, usage, 'openai'), model).toMatchObject({ priced: false, totalUsd: 0 });
    }
    for (const model of ['claude-sonnet-4-20261345', 'claude-sonnet-4-20270229']) {
      expect(priceCall(model, usage, 'anthropic'), model).toMatchObject({ priced: false, totalUsd: 0 });
    }
    // The same family with a real date is priced as it, so the dates above are what is refused.
    expect(priceCall('gpt-4o-2028-02-29', usage, 'openai')).toMatchObject({ priced: true, as: 'gpt-4o' });
    expect(priceCall('claude-sonnet-4-20260228', usage, 'anthropic')).toMatchObject({ priced: true, as: 'claude-sonnet-4' });
  });

  it('stays unpriced between listed snapshots (one may have had its own price), for another model’s name, and for a fine-tune', () => {
    for (const model of ['gpt-4o-2024-06-01', 'gpt-4o-foo-2026-01-01', 'ft:gpt-4o-2026-11-20:acme::abc123']) {
      expect(priceCall(model, usage, 'openai').priced, model).toBe(false);
    }
  });
});
