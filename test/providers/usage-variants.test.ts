/**
 * The ledger's $ for usage blocks as real OpenAI-compatible providers send them, through the real
 * proxy and the real openai SDK, against genai-prices' own figure for the same usage (its
 * extractUsage + calcPrice) or, where its extractor does not read a provider's field, the
 * provider's published rule priced at genai-prices' rates.
 */
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { startUsageUpstream, type UsageScenario, type UsageUpstream } from './usageUpstream';

type Json = Record<string, unknown>;

const AUDIO_USAGE = {
  prompt_tokens: 2_000,
  completion_tokens: 1_000,
  total_tokens: 3_000,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 1_500 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 800, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};
// DeepSeek's own usage block: hits and misses, no prompt_tokens_details (api-docs.deepseek.com, "Create Chat Completion").
const DEEPSEEK_USAGE = { prompt_tokens: 2_000, completion_tokens: 100, total_tokens: 2_100, prompt_cache_hit_tokens: 1_500, prompt_cache_miss_tokens: 500 };
// xAI: completion_tokens leaves the reasoning out; total_tokens has it (genai-prices' x-ai extractor adds it back).
const XAI_USAGE = {
  prompt_tokens: 32,
  completion_tokens: 9,
  total_tokens: 352,
  prompt_tokens_details: { text_tokens: 32, audio_tokens: 0, image_tokens: 0, cached_tokens: 6 },
  completion_tokens_details: { reasoning_tokens: 311, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  num_sources_used: 0,
};
// OpenAI: reasoning is inside completion_tokens.
const O_SERIES_USAGE = { prompt_tokens: 100, completion_tokens: 900, total_tokens: 1_000, completion_tokens_details: { reasoning_tokens: 700 } };
// OpenRouter: the credits charged, at the rates of the host the call was routed to (openrouter.ai/docs, "Usage Accounting").
const OPENROUTER_USAGE = { prompt_tokens: 10_000, completion_tokens: 2_000, total_tokens: 12_000, cost: 0.0061, is_byok: false, prompt_tokens_details: { cached_tokens: 0 }, cost_details: { upstream_inference_cost: null }, completion_tokens_details: { reasoning_tokens: 0 } };
const OPENROUTER_BYOK_USAGE = { ...OPENROUTER_USAGE, cost: 0.0003, is_byok: true, cost_details: { upstream_inference_cost: 0.006 } };
const TIER_USAGE = { prompt_tokens: 20_000, completion_tokens: 3_000, total_tokens: 23_000, prompt_tokens_details: { cached_tokens: 8_000 }, completion_tokens_details: { reasoning_tokens: 0 } };
const GROQ_USAGE = { queue_time: 0.01, prompt_tokens: 3_000, prompt_time: 0.002, completion_tokens: 400, completion_time: 0.3, total_tokens: 3_400, total_time: 0.302 };

// Gemini's OpenAI-compatible API: a thinking model's thoughts are in total_tokens, not in completion_tokens, with no detail naming them.
const GEMINI_USAGE = { prompt_tokens: 8, completion_tokens: 44, total_tokens: 1_146 };
// LiteLLM in front of Claude: prompt_tokens includes cache reads and writes; the writes keep Anthropic's top-level name.
const LITELLM_CLAUDE_USAGE = {
  prompt_tokens: 3_000,
  completion_tokens: 100,
  total_tokens: 3_100,
  cache_creation_input_tokens: 2_000,
  cache_read_input_tokens: 500,
  prompt_tokens_details: { cached_tokens: 500 },
};

const SCENARIOS: Record<string, UsageScenario> = {
  gemini: { usage: GEMINI_USAGE, model: 'gemini-2.5-flash' },
  geministream: { usage: GEMINI_USAGE, model: 'gemini-2.5-flash' },
  litellm: { usage: LITELLM_CLAUDE_USAGE, model: 'claude-sonnet-4-5' },
  litellmstream: { usage: LITELLM_CLAUDE_USAGE, model: 'claude-sonnet-4-5' },
  audio: { usage: AUDIO_USAGE },
  audiostream: { usage: AUDIO_USAGE },
  deepseek: { usage: DEEPSEEK_USAGE },
  deepseekstream: { usage: DEEPSEEK_USAGE },
  groqstream: { usage: GROQ_USAGE, streamUsage: 'x_groq' },
  xai: { usage: XAI_USAGE },
  xaistream: { usage: XAI_USAGE },
  reasoning: { usage: O_SERIES_USAGE },
  openrouter: { usage: OPENROUTER_USAGE },
  openrouterstream: { usage: OPENROUTER_USAGE },
  openrouterbyok: { usage: OPENROUTER_BYOK_USAGE },
  openrouterfree: { usage: { ...OPENROUTER_USAGE, cost: 0 } },
  tier: { usage: TIER_USAGE },
  tierstream: { usage: TIER_USAGE },
  downgraded: { usage: TIER_USAGE, servedTier: 'default' },
  longprompt: { usage: { ...TIER_USAGE, prompt_tokens: 150_000, total_tokens: 153_000 } },
  gateway: { usage: { prompt_tokens: 4_000, completion_tokens: 500, total_tokens: 4_500 } },
};

/** genai-prices' own $ for a raw answer's usage block. */
function referenceUsd(providerId: string, flavor: string, model: string, usage: Json): number {
  const extracted = extractUsage(findProvider({ providerId })!, { model, usage }, flavor);
  return calcPrice(extracted.usage, model, { providerId })!.total_price;
}

describe('ledger $ for provider usage variants (real proxy, openai SDK)', () => {
  let upstream: UsageUpstream;
  let h: Harness;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startUsageUpstream(SCENARIOS);
    h = await startHarness({
      providers: {
        deepseek: { kind: 'openai', baseUrl: upstream.baseUrl },
        groq: { kind: 'openai', baseUrl: upstream.baseUrl },
        // A LiteLLM-style gateway that takes vendor-prefixed model ids.
        gateway: { kind: 'openai', baseUrl: upstream.baseUrl },
        'x-ai': { kind: 'openai', baseUrl: upstream.baseUrl },
        google: { kind: 'openai', baseUrl: upstream.baseUrl },
        openrouter: { kind: 'openai', baseUrl: upstream.baseUrl },
      },
    }, { openai: { baseUrl: upstream.baseUrl } });
    client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-usage-variants', maxRetries: 0 });
  });
  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  type Row = ReturnType<Harness['proxy']['services']['ledger']['page']>['calls'][number];
  async function rowFor(prompt: string): Promise<Row> {
    for (let i = 0; i < 300; i++) {
      const row = h.proxy.services.ledger.page({}, 50).calls.find((c) => c.promptPreview === prompt);
      if (row) return row;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ledger row for "${prompt}"`);
  }

  async function ask(model: string, prompt: string, stream: boolean, serviceTier?: 'flex' | 'priority'): Promise<Row> {
    const tier = serviceTier ? { service_tier: serviceTier } : {};
    if (stream) {
      const s = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: prompt }], ...tier });
      for await (const _ of s) {
        // drain
      }
    } else {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], ...tier });
    }
    return rowFor(prompt);
  }

  it('audio tokens of an audio model are billed at its audio rates (JSON and stream)', async () => {
    const expected = referenceUsd('openai', 'chat', 'gpt-audio', AUDIO_USAGE);
    // 500 text + 1,500 audio in at $2.50/$32 per M, 200 text + 800 audio out at $10/$64: far above all-text.
    expect(expected).toBeGreaterThan(0.1);
    for (const [prompt, stream] of [['audio json', false], ['audiostream please', true]] as const) {
      const row = await ask('gpt-audio', prompt, stream);
      expect(row.priced).toBe(true);
      expect(row.tokensEstimated).toBe(false);
      expect(row.costUsd).toBeCloseTo(expected, 10);
    }
  });

  it("DeepSeek's prompt_cache_hit_tokens are billed at its cache-hit rate (JSON and stream)", async () => {
    // DeepSeek's rule: hits at the cache-hit price, misses at the input price, at genai-prices' rates.
    const expected = calcPrice({ input_tokens: 2_000, cache_read_tokens: 1_500, output_tokens: 100 }, 'deepseek-chat', { providerId: 'deepseek' })!.total_price;
    const allMiss = calcPrice({ input_tokens: 2_000, output_tokens: 100 }, 'deepseek-chat', { providerId: 'deepseek' })!.total_price;
    expect(expected).toBeLessThan(allMiss);
    for (const [prompt, stream] of [['deepseek json', false], ['deepseekstream please', true]] as const) {
      const row = await ask('deepseek/deepseek-chat', prompt, stream);
      expect(row.priced).toBe(true);
      expect(row.cachedTokens).toBe(1_500);
      expect(row.costUsd).toBeCloseTo(expected, 10);
    }
  });

  it("xAI's reasoning tokens, left out of completion_tokens, are billed as output; OpenAI's are not counted twice", async () => {
    for (const [prompt, stream] of [['xai json', false], ['xaistream please', true]] as const) {
      const row = await ask('x-ai/grok-3-mini', prompt, stream);
      expect(row.outputTokens).toBe(320);
      expect(row.costUsd).toBeCloseTo(referenceUsd('x-ai', 'chat', 'grok-3-mini', XAI_USAGE), 12);
    }
    const row = await ask('o3', 'reasoning json', false);
    expect(row.outputTokens).toBe(900);
    expect(row.costUsd).toBeCloseTo(referenceUsd('openai', 'chat', 'o3', O_SERIES_USAGE), 12);
  });

  it("OpenRouter's usage.cost is what the ledger bills (not its list price), with a BYOK call's host cost added", async () => {
    const listPrice = calcPrice({ input_tokens: 10_000, output_tokens: 2_000 }, 'deepseek/deepseek-chat', { providerId: 'openrouter' })!.total_price;
    expect(listPrice).not.toBeCloseTo(0.0061, 6);
    for (const [prompt, stream] of [['openrouter json', false], ['openrouterstream please', true]] as const) {
      const row = await ask('openrouter/deepseek/deepseek-chat', prompt, stream);
      expect(row).toMatchObject({ priced: true, tokensEstimated: false });
      expect(row.costUsd).toBeCloseTo(0.0061, 12);
    }
    expect((await ask('openrouter/deepseek/deepseek-chat', 'openrouterbyok json', false)).costUsd).toBeCloseTo(0.0063, 12);
    // A free model's charge is a real $0, priced.
    expect(await ask('openrouter/meta-llama/llama-3.3-70b-instruct:free', 'openrouterfree json', false)).toMatchObject({ priced: true, costUsd: 0 });
    // The same field from another provider is not taken on trust: priced from the price list.
    const other = await ask('gateway/openai/gpt-4o', 'openrouter json from a gateway', false);
    expect(other.costUsd).toBeCloseTo(calcPrice({ input_tokens: 10_000, output_tokens: 2_000 }, 'gpt-4o', { providerId: 'openai' })!.total_price, 12);
  });

  it('a flex call is billed at batch rates, also when the client asked for flex itself', async () => {
    const standard = calcPrice({ input_tokens: 20_000, cache_read_tokens: 8_000, output_tokens: 3_000 }, 'gpt-5', { providerId: 'openai' })!.total_price;
    // A client asking for flex itself (no routing rule): OpenAI bills flex "at Batch API rates", half of standard.
    for (const [prompt, stream] of [['tier flex', false], ['tierstream flex', true]] as const) {
      expect((await ask('gpt-5', prompt, stream, 'flex')).costUsd).toBeCloseTo(standard / 2, 12);
    }
  });

  it("a gateway's vendor-prefixed model id is priced as the vendor's model, not left unpriced", async () => {
    const row = await ask('gateway/openai/gpt-4o', 'gateway json', false);
    expect(upstream.requests.at(-1)?.model).toBe('openai/gpt-4o');
    expect(row.priced).toBe(true);
    expect(row.costUsd).toBeCloseTo(calcPrice({ input_tokens: 4_000, output_tokens: 500 }, 'gpt-4o', { providerId: 'openai' })!.total_price, 10);
  });

  it('a Bedrock model id on the Anthropic protocol is priced at Bedrock rates, not left unpriced', async () => {
    const anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-test-usage-variants', maxRetries: 0 });
    for (const model of ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0']) {
      const prompt = `bedrock ${model}`;
      await anthropic.messages.create({ model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
      const row = await rowFor(prompt);
      expect(row.priced).toBe(true);
      expect(row.costUsd).toBeGreaterThan(0);
      expect(row.costUsd).toBeCloseTo(calcPrice({ input_tokens: row.inputTokens, output_tokens: row.outputTokens }, model, { providerId: 'aws' })!.total_price, 12);
    }
  });

  it("Gemini's thinking tokens, counted in total_tokens only, are billed as output (JSON and stream)", async () => {
    const expected = calcPrice({ input_tokens: 8, output_tokens: 1_138 }, 'gemini-2.5-flash', { providerId: 'google' })!.total_price;
    for (const [prompt, stream] of [['gemini json', false], ['geministream please', true]] as const) {
      const row = await ask('google/gemini-2.5-flash', prompt, stream);
      expect(row).toMatchObject({ inputTokens: 8, outputTokens: 1_138, priced: true, tokensEstimated: false });
      expect(row.costUsd).toBeCloseTo(expected, 12);
    }
  });

  it("LiteLLM's top-level cache_creation_input_tokens are priced as prompt-cache writes (JSON and stream)", async () => {
    const expected = calcPrice({ input_tokens: 3_000, cache_read_tokens: 500, cache_write_tokens: 2_000, output_tokens: 100 }, 'claude-sonnet-4-5', { providerId: 'anthropic' })!.total_price;
    const asPlainInput = calcPrice({ input_tokens: 3_000, cache_read_tokens: 500, output_tokens: 100 }, 'claude-sonnet-4-5', { providerId: 'anthropic' })!.total_price;
    expect(expected).toBeGreaterThan(asPlainInput);
    for (const [prompt, stream] of [['litellm json', false], ['litellmstream please', true]] as const) {
      const row = await ask('gateway/anthropic/claude-sonnet-4-5', prompt, stream);
      expect(row).toMatchObject({ inputTokens: 3_000, cachedTokens: 500, priced: true });
      expect(row.costUsd).toBeCloseTo(expected, 12);
    }
  });

  it("a Groq stream is billed from x_groq.usage, not a local estimate", async () => {
    const row = await ask('groq/llama-3.3-70b-versatile', 'groqstream please', true);
    expect(row.tokensEstimated).toBe(false);
    expect(row).toMatchObject({ inputTokens: 3_000, outputTokens: 400, priced: true });
    expect(row.costUsd).toBeCloseTo(referenceUsd('groq', 'default', 'llama-3.3-70b-versatile', GROQ_USAGE), 10);
  });
});
