/**
 * Prompt-cache writes reported in the OpenAI shape: OpenRouter (and gateways like it) in front of a
 * model that bills them (Claude: writes at 1.25× the input rate) reports them as
 * `prompt_tokens_details.cache_write_tokens` (Responses: `input_tokens_details`), the field
 * genai-prices' own extractors read. Tollgate read none, pricing the writes as plain input.
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { usageOf } from '../../proxy/src/providers';

const CHAT = {
  id: 'gen-1',
  object: 'chat.completion',
  model: 'anthropic/claude-sonnet-4',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12_000, completion_tokens: 200, total_tokens: 12_200, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 11_500 } },
};
const RESPONSES = {
  id: 'resp_1',
  object: 'response',
  model: 'anthropic/claude-sonnet-4',
  output: [],
  usage: { input_tokens: 12_000, output_tokens: 200, total_tokens: 12_200, input_tokens_details: { cached_tokens: 4_000, cache_write_tokens: 7_500 }, output_tokens_details: { reasoning_tokens: 0 } },
};

/**
 * genai-prices' own figure for the answer: its extractor for that API (OpenRouter's chat one; the
 * Responses shape has OpenAI's only), then calcPrice at OpenRouter's price.
 */
function reference(body: object, flavor: 'chat' | 'responses'): number {
  const { usage } = extractUsage(findProvider({ providerId: flavor === 'chat' ? 'openrouter' : 'openai' })!, body, flavor);
  return calcPrice(usage, 'anthropic/claude-sonnet-4', { providerId: 'openrouter' })!.total_price;
}

describe('cache writes in the OpenAI shape', () => {
  it.each([
    ['chat.completions', CHAT, 'chat', 11_500],
    ['responses', RESPONSES, 'responses', 7_500],
  ] as const)('%s: read, and priced as genai-prices prices the answer', (endpoint, body, flavor, writes) => {
    const usage = usageOf(endpoint, body)!;
    expect(usage.cacheWriteTokens).toBe(writes);
    const ours = priceCall('anthropic/claude-sonnet-4', usage, 'openrouter').totalUsd;
    expect(ours).toBeCloseTo(reference(body, flavor), 12);
    // Writes cost more than plain input: the old reading was lower.
    expect(ours).toBeGreaterThan(priceCall('anthropic/claude-sonnet-4', { ...usage, cacheWriteTokens: 0 }, 'openrouter').totalUsd);
  });
});
