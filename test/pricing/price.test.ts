/** Cost figures must equal genai-prices' own calculation, including cached-token rates. */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

describe('priceCall', () => {
  it('OpenAI cached input is billed at the cached rate (genai-prices figures)', () => {
    const usage = { inputTokens: 10_000, outputTokens: 500, cachedTokens: 6_000 };
    const ours = priceCall('gpt-4o-mini', usage, 'openai');
    const ref = calcPrice({ input_tokens: 10_000, cache_read_tokens: 6_000, output_tokens: 500 }, 'gpt-4o-mini', { providerId: 'openai' });
    expect(ours.priced).toBe(true);
    expect(ours.totalUsd).toBeCloseTo(ref!.total_price, 12);
    // and it is cheaper than paying full price for all input
    expect(ours.totalUsd).toBeLessThan(priceCall('gpt-4o-mini', { inputTokens: 10_000, outputTokens: 500 }, 'openai').totalUsd);
  });

  it('Anthropic cache reads and writes use their own rates', () => {
    const usage = { inputTokens: 4740 + 1000, outputTokens: 255, cachedTokens: 1000, cacheWriteTokens: 4735 };
    const ours = priceCall('claude-sonnet-4-20250514', usage, 'anthropic');
    const ref = calcPrice({ input_tokens: 5740, cache_read_tokens: 1000, cache_write_tokens: 4735, output_tokens: 255 }, 'claude-sonnet-4-20250514', { providerId: 'anthropic' });
    expect(ours.totalUsd).toBeCloseTo(ref!.total_price, 12);
    const noCache = priceCall('claude-sonnet-4-20250514', { inputTokens: 5740, outputTokens: 255 }, 'anthropic');
    expect(ours.totalUsd).not.toBeCloseTo(noCache.totalUsd, 6);
  });

  it('Anthropic 1-hour cache writes and web searches use genai-prices’ own keys and rates', () => {
    const usage = { inputTokens: 10 + 3_000, outputTokens: 200, cacheWriteTokens: 3_000, cacheWrite1hTokens: 2_000, webSearches: 5 };
    const ours = priceCall('claude-sonnet-4-20250514', usage, 'anthropic');
    const ref = calcPrice({ input_tokens: 3_010, cache_write_tokens: 3_000, cache_write_1h_tokens: 2_000, web_searches: 5, output_tokens: 200 }, 'claude-sonnet-4-20250514', { providerId: 'anthropic' });
    expect(ours.totalUsd).toBeCloseTo(ref!.total_price, 12);
    // A 1-hour share above all writes (inconsistent usage) is capped, not a genai-prices error that leaves the call unpriced.
    const odd = priceCall('claude-sonnet-4-20250514', { ...usage, cacheWrite1hTokens: 9_000 }, 'anthropic');
    expect(odd.priced).toBe(true);
    expect(odd.totalUsd).toBeCloseTo(priceCall('claude-sonnet-4-20250514', { ...usage, cacheWrite1hTokens: 3_000 }, 'anthropic').totalUsd, 12);
  });

  it('unit prices are a typical call’s, not a long-context tier’s', () => {
    // These models charge more per input token once a prompt passes 200k tokens (genai-prices
    // records the tiers); a CodeLens on a 2,000-token prompt must use the rate that prompt pays.
    for (const model of ['claude-sonnet-4-5', 'gemini-2.5-pro']) {
      const typical = priceCall(model, { inputTokens: 20_000, outputTokens: 0 }).totalUsd / 20_000;
      const long = priceCall(model, { inputTokens: 500_000, outputTokens: 0 }).totalUsd / 500_000;
      expect(long).toBeGreaterThan(typical); // the tier exists in the data
      const u = unitPrices(model)!;
      expect(u.inputPerMTok).toBeCloseTo(typical * 1e6, 9);
      expect(u.outputPerMTok).toBeCloseTo((priceCall(model, { inputTokens: 0, outputTokens: 20_000 }).totalUsd / 20_000) * 1e6, 9);
    }
    expect(unitPrices('gpt-4o-mini')!.inputPerMTok).toBeCloseTo(priceCall('gpt-4o-mini', { inputTokens: 1e6, outputTokens: 0 }).totalUsd, 9);
  });

  it.each([
    ['publishers/google/models/gemini-2.5-pro', 'gemini-2.5-pro', 'google'],
    ['projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash', 'gemini-2.5-flash', 'google'],
    ['publishers/anthropic/models/claude-sonnet-4-5@20250929', 'claude-sonnet-4-5@20250929', 'anthropic'],
    ['projects/acme/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet-v2@20241022', 'anthropic'],
  ])('a Vertex AI resource name %s is priced as its publisher prices %s', (id, model, publisher) => {
    // Vertex names a model by its publisher's path (REST URLs, the Gen AI SDK's `model` field).
    const usage = { inputTokens: 12_000, outputTokens: 800 };
    const ref = calcPrice({ input_tokens: 12_000, output_tokens: 800 }, model, { providerId: publisher })!;
    for (const provider of [undefined, 'openai']) {
      const p = priceCall(id, usage, provider);
      expect(p.priced).toBe(true);
      expect(p.totalUsd).toBeCloseTo(ref.total_price, 12);
    }
  });

  it('a model that only starts with another model’s name is not billed at that model’s rates', () => {
    // genai-prices files deepseek-reasoner under `starts_with: deepseek-r1`; the R1 distills are
    // Llama and Qwen models (Groq bills deepseek-r1-distill-llama-70b at $0.75/$0.99, not $0.55/$2.19).
    for (const model of ['deepseek-r1-distill-llama-70b', 'deepseek-r1-distill-qwen-32b'])
      for (const provider of [undefined, 'openai', 'deepseek']) expect(priceCall(model, { inputTokens: 1_000, outputTokens: 1_000 }, provider)).toMatchObject({ priced: false, totalUsd: 0 });
    // Where a price list has the model itself, that price stands.
    expect(priceCall('deepseek-r1-distill-llama-70b', { inputTokens: 1e6, outputTokens: 0 }, 'groq')).toMatchObject({ priced: true, totalUsd: 0.75 });
    // A date, a version or a `-latest`/`-preview` after the shared name still names that model.
    for (const [model, provider, matched] of [
      ['deepseek-r1-0528', 'deepseek', 'deepseek-reasoner'],
      ['claude-3-5-sonnet-v2@20241022', 'anthropic', 'claude-3-5-sonnet'],
      ['claude-2.1', 'anthropic', 'claude-2'],
      ['gemini-2.5-pro-preview-06-05', 'google', 'gemini-2.5-pro'],
      ['gpt-4o-realtime-preview-2024-12-17', 'openai', 'gpt-4o-realtime-preview'],
      ['gemma-3-27b-it', 'google', 'gemma-3'],
      ['omni-moderation-2024-09-26', 'openai', 'moderation'],
      ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'aws', 'regional.anthropic.claude-3-5-haiku-20241022-v1:0'],
    ] as const)
      expect(priceCall(model, { inputTokens: 1_000, outputTokens: 1_000 }, provider), model).toMatchObject({ priced: true, matchedModel: matched });
  });

  it('an unknown model is marked unpriced instead of guessed', () => {
    const p = priceCall('my-local-llama-3-finetune', { inputTokens: 100, outputTokens: 100 }, 'openai');
    expect(p).toMatchObject({ priced: false, totalUsd: 0 });
  });
});
