/**
 * What CodeLens shows for a model and what the ledger bills for it must agree. OpenAI's moderation
 * models are free: the ledger bills $0, priced, but CodeLens read any $0 as "no known price". A
 * fine-tune of a model genai-prices has no fine-tune rate for (gpt-4.1, o4-mini) is unpriced in the
 * ledger, but CodeLens showed its base model's rate, which OpenAI's fine-tuned inference exceeds.
 * The ledger billed DeepSeek on Azure AI Foundry at DeepSeek's own API rate, which Azure's is not.
 */
import { describe, expect, it } from 'vitest';
import { breakdownMarkdown, lensTitle } from '../../extension/src/lens/lensTitle';
import { analyzeFile } from '../../proxy/src/analysis/index';
import type { CostLens } from '../../proxy/src/analysis/types';
import { priceCall, pricedAs } from '../../proxy/src/pricing/price';

async function lensFor(model: string): Promise<CostLens> {
  const text = `---\nmodel: ${model}\n---\nIs the message below abusive? Answer yes or no.\n\nYou are all idiots and I will find you.\n`;
  const lens = (await analyzeFile({ path: '/w/prompts/t.prompt.md', text, languageId: 'prompt' })).calls[0];
  if (!lens) throw new Error('no lens');
  return lens;
}

const usage = { inputTokens: 40_000, outputTokens: 2_000 };

describe('CodeLens and the ledger agree on a model’s price', () => {
  it.each(['omni-moderation-latest', 'text-moderation-latest'])('%s is free in both, not of unknown price', async (model) => {
    expect(priceCall(model, usage, 'openai')).toMatchObject({ priced: true, totalUsd: 0 });
    const lens = await lensFor(model);
    expect(lens.inputTokens).toBeGreaterThan(0);
    expect(lens.priced).toBe(true);
    expect(lensTitle(lens)).toContain('$0/call');
    expect(lensTitle(lens)).not.toContain('no known price');
    expect(breakdownMarkdown(lens, 't.prompt.md')).toContain('$0 input per call');
  });

  it.each(['ft:gpt-4.1-2025-04-14:acme::9xYz1', 'ft:gpt-4.1-mini-2025-04-14:acme:support:9xYz2', 'ft:o4-mini-2025-04-16:acme::9xYz3'])(
    '%s, with no fine-tune rate on record, has no known price in both',
    async (model) => {
      expect(priceCall(model, usage, 'openai').priced).toBe(false);
      const lens = await lensFor(model);
      expect(lens).toMatchObject({ priced: false, inputUsd: 0 });
      expect(lens.worstCaseOutputUsd).toBeUndefined();
      expect(lensTitle(lens)).toContain('no known price');
    },
  );

  it('a fine-tune with a rate on record keeps it in both', async () => {
    const model = 'ft:gpt-4o-mini-2024-07-18:acme::9xYz4';
    const billed = priceCall(model, { inputTokens: 1_000_000, outputTokens: 0 }, 'openai');
    expect(billed.priced).toBe(true);
    const lens = await lensFor(model);
    expect(lens.priced).toBe(true);
    expect(lens.inputUsd).toBeCloseTo(lens.inputTokens * (billed.totalUsd / 1_000_000), 12);
  });

  // genai-prices (0.1.8) has no rate for these: Together and Fireworks list other DeepSeek models only (Fireworks'
  // deepseek-v3-0324 is another release), Bedrock no Cohere model, and OpenAI's TTS and image models bill per
  // character and per image. None may borrow a neighbour's rate or read as free.
  it.each([
    ['deepseek-ai/DeepSeek-V3', 'together'],
    ['accounts/fireworks/models/deepseek-v3', 'fireworks'],
    ['cohere.command-r-plus-v1:0', 'aws'],
    ['tts-1', 'openai'],
    ['tts-1-hd', 'openai'],
    ['dall-e-3', 'openai'],
  ])('%s (%s) has no known price in both, never $0', async (model, provider) => {
    expect(priceCall(model, usage, provider).priced).toBe(false);
    expect(priceCall(model, usage).priced).toBe(false);
    const lens = await lensFor(model);
    expect(lens.priced).toBe(false);
    expect(lensTitle(lens)).toContain('no known price');
    expect(lensTitle(lens)).not.toContain('$0');
  });

  it('DeepSeek on Azure AI Foundry is unpriced, not billed at DeepSeek’s own rate', () => {
    const foundry = pricedAs({ name: 'foundry', baseUrl: 'https://acme.services.ai.azure.com/models', kind: 'openai' });
    expect(foundry).toBe('azure');
    for (const model of ['DeepSeek-R1', 'deepseek-r1', 'DeepSeek-V3']) expect(priceCall(model, usage, foundry).priced).toBe(false);
    // LiteLLM's names for it, with no provider given.
    for (const model of ['azure_ai/deepseek-r1', 'azure/DeepSeek-R1']) expect(priceCall(model, usage).priced).toBe(false);
    // DeepSeek's own API, and Azure's OpenAI models, keep their prices.
    expect(priceCall('deepseek-r1', usage, 'deepseek').priced).toBe(true);
    expect(priceCall('gpt-4o', usage, foundry)).toMatchObject({ priced: true, matchedModel: 'gpt-4o' });
  });

  it.each(['azure_ai/deepseek-r1', 'azure/DeepSeek-R1', 'azure:deepseek-r1'])('a prompt file naming %s has no known price, as in the ledger', async (model) => {
    expect(priceCall(model, usage).priced).toBe(false);
    const lens = await lensFor(model);
    expect(lens.priced).toBe(false);
    expect(lensTitle(lens)).toContain('no known price');
  });

  it.each(['azure/gpt-4o', 'azure_openai:gpt-4o-mini'])('a prompt file naming %s keeps the price Azure OpenAI has', async (model) => {
    expect((await lensFor(model)).priced).toBe(true);
  });
});
