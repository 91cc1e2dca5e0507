/**
 * A `providers:` entry may be named anything ("fast", "llm", "prod"): the rates a call is billed at
 * follow the API its base URL points at, as each provider documents its OpenAI-compatible base URL.
 * Checked through the cost stage's own choice (pipeline/cost.ts pricingProvider) against
 * genai-prices' figure for that provider.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../proxy/src/pipeline/context';
import { pricingProvider } from '../../../proxy/src/pipeline/cost';
import { priceCall } from '../../../proxy/src/pricing/price';

/** The cost stage reads only the chosen provider off the call. */
const call = (name: string, baseUrl: string): CallContext => ({ provider: { name, kind: 'openai', baseUrl } }) as unknown as CallContext;

// Each provider's documented base URL for the openai SDK, a model it serves, and genai-prices' id for it.
const HOSTED: [string, string, string][] = [
  ['https://api.groq.com/openai/v1', 'llama-3.3-70b-versatile', 'groq'],
  ['https://api.groq.com/openai/v1', 'openai/gpt-oss-120b', 'groq'],
  ['https://api.together.xyz/v1', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together'],
  ['https://api.perplexity.ai', 'sonar-pro', 'perplexity'],
  ['https://api.cerebras.ai/v1', 'llama3.1-8b', 'cerebras'],
  ['https://api.deepseek.com', 'deepseek-reasoner', 'deepseek'],
  ['https://api.mistral.ai/v1', 'mistral-small-latest', 'mistral'],
  ['https://api.fireworks.ai/inference/v1', 'accounts/fireworks/models/llama-v3p1-8b-instruct', 'fireworks'],
  ['https://api.x.ai/v1', 'grok-3-mini', 'x-ai'],
  ['https://openrouter.ai/api/v1', 'meta-llama/llama-3.3-70b-instruct', 'openrouter'],
  ['https://generativelanguage.googleapis.com/v1beta/openai', 'gemini-2.5-flash', 'google'],
  ['https://my-resource.openai.azure.com/openai/v1', 'gpt-4o-mini', 'azure'],
];
const usage = { inputTokens: 200_000, outputTokens: 50_000 };

describe('the rates a call is billed at follow the upstream it went to, whatever the provider is called', () => {
  for (const [baseUrl, model, id] of HOSTED) {
    it(`${model} at ${new URL(baseUrl).host}, in a provider named "fast", costs what ${id} charges`, () => {
      const provider = pricingProvider(call('fast', baseUrl));
      expect(provider).toBe(id);
      const reference = calcPrice({ input_tokens: usage.inputTokens, output_tokens: usage.outputTokens }, model, { providerId: id });
      expect(reference).not.toBeNull();
      const price = priceCall(model, usage, provider);
      expect(price.priced).toBe(true);
      expect(price.totalUsd).toBeCloseTo(reference!.total_price, 9);
    });
  }

  it('a provider named like a priced one at another host (a gateway, a local fake) is priced by its name', () => {
    expect(pricingProvider(call('groq', 'http://127.0.0.1:8080/v1'))).toBe('groq');
    expect(pricingProvider(call('openrouter', 'https://llm-gateway.internal.example/v1'))).toBe('openrouter');
  });

  it('the built-in openai provider pointed at another API is billed as that API', () => {
    expect(pricingProvider(call('openai', 'https://api.groq.com/openai/v1'))).toBe('groq');
    expect(pricingProvider(call('openai', 'https://api.openai.com/v1'))).toBe('openai');
  });

  it('a local server or an unknown host keeps the protocol (its calls priced only where a model is known anywhere)', () => {
    expect(pricingProvider(call('ollama', 'http://localhost:11434/v1'))).toBe('openai');
    expect(pricingProvider(call('vllm', 'http://10.0.0.5:8000/v1'))).toBe('openai');
    expect(priceCall('llama3.1:8b', usage, pricingProvider(call('ollama', 'http://localhost:11434/v1'))).priced).toBe(false);
  });
});
