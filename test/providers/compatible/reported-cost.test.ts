/**
 * What a call to an OpenAI-compatible provider costs in the ledger, through the real proxy and the
 * real openai SDK, JSON and streamed: one row per call with the provider's own counts, and for the
 * providers that report the USD they charged in the usage block (OpenRouter `usage.cost`,
 * Perplexity `usage.cost.total_cost`), that figure. Perplexity's request fee depends on the search
 * context size and sonar-deep-research bills reasoning, citation tokens and searches apart from the
 * completion: priced from `completion_tokens` alone, a deep-research call was $0.004 of $0.55.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';
import { type CompatibleUpstream, startCompatibleUpstream } from './compatibleUpstream';
import { DEEP_RESEARCH_USAGE, llamacpp, openrouter, perplexity } from './flavours';

describe('ledger rows for OpenAI-compatible providers (real proxy, openai SDK)', () => {
  const ups: Record<string, CompatibleUpstream> = {};
  let h: Harness;
  const flavours = { perplexity, openrouter, llamacpp };

  beforeAll(async () => {
    for (const [name, f] of Object.entries(flavours)) ups[name] = await startCompatibleUpstream(f);
    h = await startHarness({
      retries: { attempts: 0 },
      cache: { enabled: false },
      providers: Object.fromEntries(Object.keys(flavours).map((name) => [name, { kind: 'openai' as const, baseUrl: ups[name]!.baseUrl }])),
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    for (const u of Object.values(ups)) await u.close();
  });

  type Row = ReturnType<Harness['proxy']['services']['ledger']['page']>['calls'][number];
  async function rowsFor(prompt: string): Promise<Row[]> {
    for (let i = 0; i < 300; i++) {
      const rows = h.proxy.services.ledger.page({}, 200).calls.filter((c) => c.promptPreview === prompt);
      if (rows.length > 0) {
        await new Promise((r) => setTimeout(r, 100));
        return h.proxy.services.ledger.page({}, 200).calls.filter((c) => c.promptPreview === prompt);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ledger row for "${prompt}"`);
  }

  async function call(provider: string, model: string, stream: boolean): Promise<Row> {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: `sk-${provider}`, maxRetries: 0, defaultHeaders: { 'x-tollgate-provider': provider } });
    const prompt = `${provider} ${model} ${stream ? 'stream' : 'json'} ${process.pid}`;
    if (stream) {
      const s = await client.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: prompt }] });
      for await (const _ of s) void _;
    } else {
      await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }] });
    }
    const rows = await rowsFor(prompt);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  }

  for (const stream of [false, true]) {
    const how = stream ? 'streamed' : 'JSON';
    it(`Perplexity sonar-deep-research (${how}): the $ Perplexity reports, reasoning and citation tokens as output`, async () => {
      const row = await call('perplexity', 'sonar-deep-research', stream);
      expect(row.costUsd).toBeCloseTo(DEEP_RESEARCH_USAGE.cost.total_cost, 9);
      expect(row.priced).toBe(true);
      expect(row.inputTokens).toBe(19);
      expect(row.outputTokens).toBe(498 + 95_305 + 10_175);
      expect(row.tokensEstimated).toBe(false);
    });

    it(`Perplexity sonar (${how}): the request fee of the search context size used, not the dearest one`, async () => {
      const row = await call('perplexity', 'sonar', stream);
      // $1 / M tokens each way and a low-context request fee of $5 / 1,000 (genai-prices lists the $12 high one).
      expect(row.costUsd).toBeCloseTo(0.005021, 9);
      expect(row.outputTokens).toBe(12);
    });

    it(`OpenRouter (${how}): the credits it charged`, async () => {
      const row = await call('openrouter', 'deepseek/deepseek-r1', stream);
      expect(row.costUsd).toBeCloseTo(0.0000912, 10);
      expect([row.inputTokens, row.outputTokens]).toEqual([14, 52]);
    });

    it(`a local llama.cpp server (${how}): its usage, and no price made up for a self-hosted model`, async () => {
      const row = await call('llamacpp', 'qwen2.5-7b-instruct', stream);
      expect([row.inputTokens, row.outputTokens, row.tokensEstimated]).toEqual([12, 7, false]);
      expect(row.priced).toBe(false);
      expect(row.costUsd).toBe(0);
    });
  }
});
