/**
 * Prices that depend on when a call is made: genai-prices records DeepSeek's off-peak discount
 * (time-of-day windows) and price changes from a start date. A call is billed at the rate of its
 * own moment, not at the rate of whenever the same usage was first priced by this process.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

afterEach(() => {
  vi.useRealTimers();
});

const at = (iso: string) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(iso));
};

describe('time-dependent prices', () => {
  const usage = { inputTokens: 123_457, outputTokens: 7_891 };
  const ref = (model: string, iso: string) => calcPrice({ input_tokens: usage.inputTokens, output_tokens: usage.outputTokens }, model, { providerId: 'deepseek', timestamp: new Date(iso) })!.total_price;

  it.each(['deepseek-chat', 'deepseek-reasoner'])('%s is billed at the rate of the hour of each call', (model) => {
    const peak = '2026-12-02T10:00:00Z';
    const offPeak = '2026-12-02T20:00:00Z';
    // The premise, from genai-prices' data: the two hours have different rates.
    expect(ref(model, offPeak)).toBeLessThan(ref(model, peak));
    at(peak);
    expect(priceCall(model, usage, 'deepseek').totalUsd).toBeCloseTo(ref(model, peak), 12);
    at(offPeak);
    expect(priceCall(model, usage, 'deepseek').totalUsd).toBeCloseTo(ref(model, offPeak), 12);
    at(peak);
    expect(priceCall(model, usage, 'deepseek').totalUsd).toBeCloseTo(ref(model, peak), 12);
  });

  it('unit prices (CodeLens, downgrade comparisons) follow the hour too', () => {
    at('2026-12-02T10:00:00Z');
    const peak = unitPrices('deepseek-chat', 'deepseek')!;
    at('2026-12-02T20:00:00Z');
    const offPeak = unitPrices('deepseek-chat', 'deepseek')!;
    expect(offPeak.inputPerMTok).toBeLessThan(peak.inputPerMTok);
    expect(offPeak.outputPerMTok).toBeLessThan(peak.outputPerMTok);
  });

  it('a price with no time condition is the same at any hour', () => {
    at('2026-12-02T10:00:00Z');
    const a = priceCall('gpt-4o-mini', usage, 'openai').totalUsd;
    at('2026-12-02T20:00:00Z');
    expect(priceCall('gpt-4o-mini', usage, 'openai').totalUsd).toBe(a);
  });
});
