/**
 * Unit prices (CodeLens, lint, downgrade and fallback comparisons) of models that also charge a fee
 * per call: Perplexity's sonar models bill $12–14 per 1,000 requests on top of their token rates.
 * The fee belongs to each call's price, not to the per-million-token rates.
 */
import { findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

/** genai-prices' own per-token rates and per-1,000-request fee for a Perplexity model. */
function published(model: string): { input: number; output: number; perKRequests: number } {
  const m = findProvider({ providerId: 'perplexity' })!.models.find((x) => x.id === model)!;
  const prices = (Array.isArray(m.prices) ? m.prices[0]!.prices : m.prices) as Record<string, number>;
  return { input: prices.input_mtok!, output: prices.output_mtok!, perKRequests: prices.requests_kcount! };
}

describe('per-call fees', () => {
  it.each(['sonar', 'sonar-pro', 'sonar-reasoning-pro'])('%s: unit prices are its token rates, without the request fee', (model) => {
    const p = published(model);
    expect(p.perKRequests).toBeGreaterThan(0); // the premise: genai-prices records a request fee
    expect(unitPrices(model, 'perplexity')).toEqual({ inputPerMTok: p.input, outputPerMTok: p.output });
  });

  it('a call is still billed its request fee', () => {
    const p = published('sonar-pro');
    const call = priceCall('sonar-pro', { inputTokens: 2_000, outputTokens: 500 }, 'perplexity').totalUsd;
    expect(call).toBeCloseTo((2_000 * p.input + 500 * p.output) / 1e6 + p.perKRequests / 1_000, 12);
  });

  it('a model without a request fee keeps its rates', () => {
    const u = unitPrices('gpt-4o-mini', 'openai')!;
    expect(u.inputPerMTok).toBeCloseTo(priceCall('gpt-4o-mini', { inputTokens: 1e6, outputTokens: 0 }, 'openai').totalUsd, 9);
    expect(u.outputPerMTok).toBeCloseTo(priceCall('gpt-4o-mini', { inputTokens: 0, outputTokens: 1e6 }, 'openai').totalUsd, 9);
  });
});
