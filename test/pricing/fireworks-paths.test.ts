/**
 * Fireworks lists its models by path (`accounts/fireworks/models/llama-v3p1-8b-instruct`), and
 * genai-prices matches only that. LiteLLM's `fireworks_ai/` prefix may be followed by the short name
 * (`fireworks_ai/mixtral-8x7b-instruct` in its docs), as pydantic-ai's `fireworks:` may: such calls were
 * unpriced ($0 to the ledger, refused by an `unpriced: block` budget).
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

const usage = { inputTokens: 20_000, outputTokens: 3_000 };
const fireworks = (name: string) => calcPrice({ input_tokens: 20_000, output_tokens: 3_000 }, `accounts/fireworks/models/${name}`, { providerId: 'fireworks' })!;

describe('Fireworks model ids without their path', () => {
  it.each([
    ['fireworks_ai/llama-v3p1-8b-instruct', undefined, 'llama-v3p1-8b-instruct'],
    ['fireworks_ai/deepseek-v3p2', undefined, 'deepseek-v3p2'],
    ['fireworks_ai/accounts/fireworks/models/deepseek-v3p2', undefined, 'deepseek-v3p2'],
    ['fireworks:llama-v3p1-8b-instruct', undefined, 'llama-v3p1-8b-instruct'],
    ['llama-v3p1-8b-instruct', 'fireworks', 'llama-v3p1-8b-instruct'],
  ])('%s (provider %s) is billed as Fireworks bills %s', (model, provider, name) => {
    const ref = fireworks(name);
    expect(ref.total_price).toBeGreaterThan(0);
    const p = priceCall(model, usage, provider);
    expect(p).toMatchObject({ priced: true, matchedModel: ref.model.id });
    expect(p.totalUsd).toBeCloseTo(ref.total_price, 12);
    expect(unitPrices(model, provider)?.inputPerMTok).toBeGreaterThan(0);
  });

  it('a name Fireworks does not list stays unpriced under its path too', () => {
    expect(priceCall('fireworks_ai/no-such-model-v9', usage)).toMatchObject({ priced: false, totalUsd: 0 });
  });
});
