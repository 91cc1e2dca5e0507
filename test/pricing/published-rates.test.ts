/**
 * Rates the provider publishes that genai-prices 0.1.8 left out, against the provider's own pages:
 * Anthropic's long-context table ("Claude Sonnet 4.5 / 4": $3/$15 up to 200k input tokens, $6/$22.50
 * past it, platform.claude.com/docs/en/about-claude/pricing) and OpenAI's audio token rates for the
 * audio-preview models (gpt-4o-audio-preview $40/$80, gpt-4o-mini-audio-preview $10/$20 per million,
 * beside text at $2.50/$10 and $0.15/$0.60; developers.openai.com/api/docs/models), $100/$200 for
 * both models' 2024-10-01 snapshots (openai.com/api/pricing). Bedrock lists Sonnet 4 and 4.5 "Long
 * Context" rows at Anthropic's rates (aws.amazon.com/bedrock/pricing). OpenRouter bills OpenAI's cache
 * reads at OpenAI's per-model cache rate, and Anthropic's cache reads and writes at Anthropic's
 * (openrouter.ai/docs/features/prompt-caching). OpenAI's fine-tuning table gives each fine-tune a
 * cached-input rate at its base model's discount (openai.com/api/pricing).
 */
import { describe, expect, it } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

const perM = (tokens: number, usd: number) => (tokens * usd) / 1e6;

describe('rates the provider publishes', () => {
  it('Claude Sonnet 4 past 200k input tokens at the long-context rates, as Sonnet 4.5', () => {
    for (const model of ['claude-sonnet-4-20250514', 'claude-sonnet-4-0', 'claude-sonnet-4']) {
      const long = priceCall(model, { inputTokens: 300_000, outputTokens: 2_000, cachedTokens: 50_000, cacheWriteTokens: 10_000 }, 'anthropic');
      expect(long.totalUsd, model).toBeCloseTo(perM(240_000, 6) + perM(50_000, 0.6) + perM(10_000, 7.5) + perM(2_000, 22.5), 12);
      expect(long.totalUsd, model).toBeCloseTo(priceCall('claude-sonnet-4-5', { inputTokens: 300_000, outputTokens: 2_000, cachedTokens: 50_000, cacheWriteTokens: 10_000 }, 'anthropic').totalUsd, 12);
      expect(priceCall(model, { inputTokens: 150_000, outputTokens: 2_000 }, 'anthropic').totalUsd, model).toBeCloseTo(perM(150_000, 3) + perM(2_000, 15), 12);
    }
    // The unit price a CodeLens shows is still a typical prompt's.
    expect(unitPrices('claude-sonnet-4-0', 'anthropic')).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
  });

  it('Claude Sonnet 4 through OpenRouter and Vertex AI past 200k input tokens as their own Sonnet 4.5', () => {
    const long = { inputTokens: 300_000, outputTokens: 2_000, cachedTokens: 50_000, cacheWriteTokens: 10_000 };
    for (const [model, provider, sibling] of [
      ['anthropic/claude-sonnet-4', 'openrouter', 'anthropic/claude-sonnet-4.5'],
      ['claude-sonnet-4@20250514', 'google', 'claude-sonnet-4-5@20250929'],
      ['claude-sonnet-4', 'google', 'claude-sonnet-4-5'],
    ] as const) {
      expect(priceCall(model, long, provider).totalUsd, model).toBeCloseTo(perM(240_000, 6) + perM(50_000, 0.6) + perM(10_000, 7.5) + perM(2_000, 22.5), 12);
      expect(priceCall(model, long, provider).totalUsd, model).toBeCloseTo(priceCall(sibling, long, provider).totalUsd, 12);
      expect(unitPrices(model, provider), model).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    }
  });

  it('Claude Sonnet 4 and 4.5 on Bedrock past 200k input tokens at the long-context rates, regional endpoints of 4.5 10 % above', () => {
    const long = { inputTokens: 300_000, outputTokens: 2_000, cachedTokens: 50_000, cacheWriteTokens: 10_000 };
    const longRates = perM(240_000, 6) + perM(50_000, 0.6) + perM(10_000, 7.5) + perM(2_000, 22.5);
    for (const [model, uplift] of [
      ['us.anthropic.claude-sonnet-4-20250514-v1:0', 1],
      ['global.anthropic.claude-sonnet-4-20250514-v1:0', 1],
      ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 1],
      ['eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 1.1],
      ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0', 1.1],
    ] as const) {
      expect(priceCall(model, long, 'aws').totalUsd, model).toBeCloseTo(longRates * uplift, 12);
      // Named without the provider (a Bedrock id is priced as Bedrock's), the same.
      expect(priceCall(model, long).totalUsd, model).toBeCloseTo(longRates * uplift, 12);
      expect(priceCall(model, { inputTokens: 150_000, outputTokens: 2_000 }, 'aws').totalUsd, model).toBeCloseTo((perM(150_000, 3) + perM(2_000, 15)) * uplift, 12);
      const unit = unitPrices(model, 'aws')!;
      expect([unit.inputPerMTok / uplift, unit.outputPerMTok / uplift], model).toEqual([expect.closeTo(3, 12), expect.closeTo(15, 12)]);
    }
  });

  it('Claude 3.x through OpenRouter: cache reads and writes at Anthropic\'s rates, as OpenRouter passes them on', () => {
    const usage = { inputTokens: 10_000, outputTokens: 1_000, cachedTokens: 6_000, cacheWriteTokens: 2_000 };
    // Anthropic's published rates ($ per million: input, cache read, cache write, output).
    for (const [model, direct, [input, read, write, output]] of [
      ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet-20241022', [3, 0.3, 3.75, 15]],
      ['anthropic/claude-3.7-sonnet:beta', 'claude-3-7-sonnet-20250219', [3, 0.3, 3.75, 15]],
      ['anthropic/claude-3.5-haiku', 'claude-3-5-haiku-20241022', [0.8, 0.08, 1, 4]],
      ['anthropic/claude-3-haiku', 'claude-3-haiku-20240307', [0.25, 0.03, 0.3, 1.25]],
      ['anthropic/claude-3-opus', 'claude-3-opus-20240229', [15, 1.5, 18.75, 75]],
    ] as const) {
      const expected = perM(2_000, input) + perM(6_000, read) + perM(2_000, write) + perM(1_000, output);
      expect(priceCall(model, usage, 'openrouter').totalUsd, model).toBeCloseTo(expected, 12);
      expect(priceCall(direct, usage, 'anthropic').totalUsd, direct).toBeCloseTo(expected, 12);
    }
  });

  it('an OpenAI fine-tune\'s cached input at its base model\'s discount (ft:gpt-4o-mini $0.30, cached $0.15; ft:gpt-4o $3.75, cached $1.875)', () => {
    const usage = { inputTokens: 10_000, outputTokens: 1_000, cachedTokens: 6_000 };
    for (const [model, provider, [input, read, output]] of [
      ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'openai', [0.3, 0.15, 1.2]],
      ['ft:gpt-4o-mini-2024-07-18:acme::abc123', undefined, [0.3, 0.15, 1.2]],
      ['ft:gpt-4o-2024-08-06:acme:support:xyz', 'openai', [3.75, 1.875, 15]],
    ] as const) {
      expect(priceCall(model, usage, provider).totalUsd, model).toBeCloseTo(perM(4_000, input) + perM(6_000, read) + perM(1_000, output), 12);
    }
    // A fine-tune of a model with no cache rate (gpt-3.5-turbo) keeps its input rate for cached tokens.
    expect(priceCall('ft:gpt-3.5-turbo-0125:acme::x', usage, 'openai').totalUsd).toBeCloseTo(perM(10_000, 3) + perM(1_000, 6), 12);
  });

  it('gpt-4o through OpenRouter: cached input at OpenAI\'s cache rate ($1.25 per million), as OpenRouter passes it on', () => {
    const usage = { inputTokens: 10_000, outputTokens: 1_000, cachedTokens: 6_000 };
    const direct = priceCall('gpt-4o', usage, 'openai').totalUsd;
    expect(direct).toBeCloseTo(perM(4_000, 2.5) + perM(6_000, 1.25) + perM(1_000, 10), 12);
    for (const model of ['openai/gpt-4o', 'openai/gpt-4o-2024-11-20']) expect(priceCall(model, usage, 'openrouter').totalUsd, model).toBeCloseTo(direct, 12);
    expect(unitPrices('openai/gpt-4o', 'openrouter')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
  });

  it('audio tokens of the audio-preview models at their audio rates, not as text', () => {
    const usage = { inputTokens: 1_000, outputTokens: 1_000, inputAudioTokens: 800, outputAudioTokens: 900 };
    const big = priceCall('gpt-4o-audio-preview-2025-06-03', usage, 'openai');
    expect(big.totalUsd).toBeCloseTo(perM(200, 2.5) + perM(800, 40) + perM(100, 10) + perM(900, 80), 12);
    const mini = priceCall('gpt-4o-mini-audio-preview', usage, 'openai');
    expect(mini.totalUsd).toBeCloseTo(perM(200, 0.15) + perM(800, 10) + perM(100, 0.6) + perM(900, 20), 12);
    // Text alone keeps the text rates.
    expect(unitPrices('gpt-4o-audio-preview', 'openai')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10 });
  });

  it('audio tokens of the first snapshots, gpt-4o-realtime-preview-2024-10-01 and gpt-4o-audio-preview-2024-10-01, at $100/$200 per million; later ones at $40/$80', () => {
    const usage = { inputTokens: 1_000, outputTokens: 1_000, inputAudioTokens: 800, outputAudioTokens: 900 };
    const audio = (input: number, output: number) => perM(800, input) + perM(900, output);
    expect(priceCall('gpt-4o-realtime-preview-2024-10-01', usage, 'openai').totalUsd).toBeCloseTo(perM(200, 5) + perM(100, 20) + audio(100, 200), 12);
    expect(priceCall('gpt-4o-audio-preview-2024-10-01', usage, 'openai').totalUsd).toBeCloseTo(perM(200, 2.5) + perM(100, 10) + audio(100, 200), 12);
    expect(priceCall('gpt-4o-realtime-preview-2024-12-17', usage, 'openai').totalUsd).toBeCloseTo(perM(200, 5) + perM(100, 20) + audio(40, 80), 12);
    expect(priceCall('gpt-4o-audio-preview-2024-12-17', usage, 'openai').totalUsd).toBeCloseTo(perM(200, 2.5) + perM(100, 10) + audio(40, 80), 12);
    // Cached audio of the realtime snapshot: $20 per million, not the later $2.50.
    const cached = { inputTokens: 1_000, outputTokens: 0, inputAudioTokens: 1_000, cachedTokens: 500 };
    expect(priceCall('gpt-4o-realtime-preview-2024-10-01', cached, 'openai').totalUsd).toBeCloseTo(perM(500, 100) + perM(500, 20), 12);
    // Its text keeps the family's rates.
    expect(unitPrices('gpt-4o-realtime-preview-2024-10-01', 'openai')).toEqual({ inputPerMTok: 5, outputPerMTok: 20 });
  });
});
