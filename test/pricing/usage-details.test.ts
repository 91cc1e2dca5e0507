/**
 * priceCall with the usage details real answers carry: audio tokens beside prompt-cache reads (OpenAI
 * chat does not say how much of the cache was audio), and audio counts genai-prices cannot reconcile.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';

describe('priceCall with audio details', () => {
  it('prices audio beside cache reads (the least overlap the counts imply) instead of leaving the call unpriced', () => {
    const p = priceCall('gpt-realtime', { inputTokens: 2_000, outputTokens: 1_000, cachedTokens: 1_800, cacheWriteTokens: 0, inputAudioTokens: 1_500, outputAudioTokens: 600 }, 'openai');
    expect(p.priced).toBe(true);
    const reference = calcPrice(
      { input_tokens: 2_000, cache_read_tokens: 1_800, input_audio_tokens: 1_500, cache_audio_read_tokens: 1_300, output_tokens: 1_000, output_audio_tokens: 600 },
      'gpt-realtime',
      { providerId: 'openai' },
    )!.total_price;
    expect(p.totalUsd).toBeCloseTo(reference, 12);
    // Dearer than the same tokens as text: the audio is what is being priced.
    expect(p.totalUsd).toBeGreaterThan(priceCall('gpt-realtime', { inputTokens: 2_000, outputTokens: 1_000, cachedTokens: 1_800 }, 'openai').totalUsd);
  });

  it('a model without audio rates prices audio tokens as text', () => {
    const withAudio = priceCall('gpt-4o', { inputTokens: 2_000, outputTokens: 1_000, cachedTokens: 1_024, inputAudioTokens: 500, outputAudioTokens: 200 }, 'openai');
    const asText = priceCall('gpt-4o', { inputTokens: 2_000, outputTokens: 1_000, cachedTokens: 1_024 }, 'openai');
    expect(withAudio.priced).toBe(true);
    expect(withAudio.totalUsd).toBeCloseTo(asText.totalUsd, 12);
  });
});

describe('priceCall with provider-specific model ids', () => {
  it.each([
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'openai'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic'],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic'],
  ])('prices the Bedrock id %s at Bedrock rates', (model, provider) => {
    const u = { input_tokens: 10_000, output_tokens: 1_000 };
    const p = priceCall(model, { inputTokens: 10_000, outputTokens: 1_000 }, provider);
    expect(p.priced).toBe(true);
    expect(p.totalUsd).toBeCloseTo(calcPrice(u, model, { providerId: 'aws' })!.total_price, 12);
  });

  it.each([
    ['openai/gpt-4o', 'gpt-4o', 'openai'],
    ['anthropic/claude-3-5-haiku-20241022', 'claude-3-5-haiku-20241022', 'anthropic'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash', 'google'],
  ])("prices the gateway id %s as its vendor's %s", (model, bare, vendor) => {
    const p = priceCall(model, { inputTokens: 10_000, outputTokens: 1_000 }, 'openai');
    expect(p.priced).toBe(true);
    expect(p.totalUsd).toBeCloseTo(calcPrice({ input_tokens: 10_000, output_tokens: 1_000 }, bare, { providerId: vendor })!.total_price, 12);
  });

  it('an id no price source knows stays unpriced (shown as such, not $0 priced)', () => {
    for (const model of ['acme/secret-model-7b', 'llama3.1:8b', 'arn:aws:bedrock:us-east-1:1:custom-model/x']) {
      expect(priceCall(model, { inputTokens: 10_000, outputTokens: 1_000 }, 'openai')).toMatchObject({ priced: false, totalUsd: 0 });
    }
  });
});
