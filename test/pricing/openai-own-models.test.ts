/**
 * genai-prices finds a model's provider, when it is not told one, by the provider's name rules: for
 * OpenAI `gpt-…`, `o1`/`o3`/`o4` and whisper-1. OpenAI's other models (chatgpt-4o-latest,
 * codex-mini-latest, the text-embedding models) matched no provider, so
 * whatever priced a call by its model alone (CodeLens and lint on an OpenAI SDK call) showed "no
 * price known" for models the proxy bills at OpenAI's list price.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../proxy/src/analysis';
import { priceCall, unitPrices } from '../../proxy/src/pricing/price';

const usage = { inputTokens: 12_000, outputTokens: 3_000, cachedTokens: 4_000 };

describe("OpenAI's models named without a provider", () => {
  it.each(['chatgpt-4o-latest', 'codex-mini-latest', 'text-embedding-3-small', 'ft:gpt-4o-mini-2024-07-18:acme::abc123', 'computer-use-preview', 'computer-use-preview-2025-03-11'])('%s is priced at OpenAI’s rate', (model) => {
    const own = calcPrice({ input_tokens: 12_000, output_tokens: 3_000, cache_read_tokens: 4_000 }, model, { providerId: 'openai' });
    expect(own?.total_price).toBeGreaterThan(0);
    const p = priceCall(model, usage);
    expect(p.priced).toBe(true);
    expect(p.totalUsd).toBeCloseTo(own!.total_price, 12);
    expect(unitPrices(model)).toEqual(unitPrices(model, 'openai'));
  });

  it('a model OpenAI does not make is still not priced as one', () => {
    expect(priceCall('acme-chat-7b', usage).priced).toBe(false);
    // Only containing the name of an OpenAI model (`moderation`) is no OpenAI model.
    expect(priceCall('acme-moderation-bot', usage).priced).toBe(false);
  });

  it.each(['omni-moderation-latest', 'omni-moderation-2024-09-26', 'text-moderation-latest'])('%s is OpenAI’s free moderation model, not unpriced', (model) => {
    expect(calcPrice({ input_tokens: 12_000, output_tokens: 0 }, model, { providerId: 'openai' })?.total_price).toBe(0);
    expect(priceCall(model, usage)).toMatchObject({ priced: true, totalUsd: 0 });
  });

  it('CodeLens prices a chatgpt-4o-latest and a codex-mini-latest call made with the OpenAI SDK', async () => {
    const text = [
      "import OpenAI from 'openai';",
      'const client = new OpenAI();',
      "export const a = await client.chat.completions.create({ model: 'chatgpt-4o-latest', messages: [{ role: 'user', content: 'Summarise the report in three bullet points.' }] });",
      "export const b = await client.responses.create({ model: 'codex-mini-latest', input: 'Write a function that adds two numbers.' });",
    ].join('\n');
    const r = await analyzeFile({ path: 'src/ask.ts', text });
    const lenses = r.kind === 'code' ? r.calls : [];
    expect(lenses.map((l) => l.model)).toEqual(['chatgpt-4o-latest', 'codex-mini-latest']);
    for (const lens of lenses) {
      const rate = unitPrices(lens.model, 'openai')!.inputPerMTok / 1e6;
      expect(lens.inputTokens).toBeGreaterThan(0);
      expect(lens.inputUsd).toBeCloseTo(lens.inputTokens * rate, 15);
      expect(lens.label).not.toContain('no known price');
    }
  });
});
