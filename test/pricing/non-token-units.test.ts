/**
 * Models genai-prices prices by something other than tokens: whisper-1 and gpt-transcribe by the
 * hour of audio, Mistral's OCR models by the page, xAI's voice models by the hour. Their per-token
 * rate is not $0, it does not exist: read as $0 per million, a CodeLens showed whisper-1 as free and
 * a price-capped fallback or downgrade took it for the cheapest model. A free model (`{}` prices,
 * OpenRouter's `:free` ids) still reads $0.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

describe('models not billed per token', () => {
  it.each([
    ['whisper-1', 'openai'],
    ['gpt-transcribe', 'openai'],
    ['mistral-ocr-latest', 'mistral'],
    ['whisper-large-v3', 'groq'],
  ])('%s (%s) has no unit price per million tokens', (model, provider) => {
    // The premise: genai-prices knows the model, at a rate that is not per token.
    const ref = calcPrice({ input_tokens: 1_000, output_tokens: 1_000 }, model, { providerId: provider });
    expect(ref).not.toBeNull();
    expect(Object.keys(ref!.model_price).some((k) => k.endsWith('_mtok'))).toBe(false);
    expect(unitPrices(model, provider)).toBeUndefined();
  });

  it('a call is still priced by what genai-prices bills (whisper-1: its audio seconds)', () => {
    const ref = calcPrice({ audio_seconds: 90 }, 'whisper-1', { providerId: 'openai' })!;
    const ours = priceCall('whisper-1', { inputTokens: 0, outputTokens: 0, audioSeconds: 90 }, 'openai');
    expect(ours).toMatchObject({ priced: true });
    expect(ours.totalUsd).toBeCloseTo(ref.total_price, 12);
    expect(ours.totalUsd).toBeGreaterThan(0);
  });

  it('a free model still reads $0, and a per-token model its rates', () => {
    expect(unitPrices('deepseek/deepseek-r1:free', 'openrouter')).toEqual({ inputPerMTok: 0, outputPerMTok: 0 });
    expect(unitPrices('gpt-4o-mini-tts', 'openai')).toEqual({ inputPerMTok: 0.6, outputPerMTok: 12 });
  });
});
