/**
 * The batch/flex discount table against the providers' published per-million-token figures
 * (OpenAI pricing page "Batch" and "Flex" columns; Anthropic pricing "Batch processing"), read
 * 2026-11-30. Standard prices come from @pydantic/genai-prices; only the discount is Tollgate's.
 */
import { describe, expect, it } from 'vitest';
import { BATCH_DISCOUNTS, batchDiscount, flexSupported } from '../../proxy/src/batch/discounts';
import { batchUpstream, priceAtTier } from '../../proxy/src/batch/rates';
import { pricedAs } from '../../proxy/src/pricing/price';
import type { AuthHeader } from '../../proxy/src/providers/protocol';

// 100k tokens keeps every model below long-context price tiers; figures are $ per 1M tokens.
const perMTok = (model: string, provider: string, tier: 'batch' | 'flex', kind: 'in' | 'out') =>
  priceAtTier(model, kind === 'in' ? { inputTokens: 100_000, outputTokens: 0 } : { inputTokens: 0, outputTokens: 100_000 }, provider, tier).totalUsd * 10;

describe('batch and flex rates', () => {
  it.each([
    ['gpt-4o-mini', 'openai', 'batch', 0.075, 0.3],
    ['gpt-4o', 'openai', 'batch', 1.25, 5],
    ['claude-3-5-haiku-latest', 'anthropic', 'batch', 0.4, 2],
    ['claude-sonnet-4-5', 'anthropic', 'batch', 1.5, 7.5],
    ['o4-mini', 'openai', 'flex', 0.55, 2.2],
    ['o3', 'openai', 'flex', 1, 4],
    ['gpt-5', 'openai', 'flex', 0.625, 5],
  ] as const)('%s (%s, %s) = $%s in / $%s out per 1M tokens', (model, provider, tier, input, output) => {
    expect(perMTok(model, provider, tier, 'in')).toBeCloseTo(input, 9);
    expect(perMTok(model, provider, tier, 'out')).toBeCloseTo(output, 9);
  });

  it('flex exists only where the provider offers it; elsewhere the standard price stands', () => {
    expect(flexSupported('openai', 'o4-mini-2025-04-16')).toBe(true);
    expect(flexSupported('openai', 'gpt-4o-mini')).toBe(false);
    expect(flexSupported('anthropic', 'claude-3-5-haiku-latest')).toBe(false);
    const p = priceAtTier('gpt-4o-mini', { inputTokens: 100_000, outputTokens: 0 }, 'openai', 'flex');
    expect(p.tier).toBe('standard');
    expect(p.totalUsd * 10).toBeCloseTo(0.15, 9);
  });

  it('every discount names its source and the date it was read', () => {
    for (const d of Object.values(BATCH_DISCOUNTS)) {
      expect(d.source).toMatch(/^https:\/\//);
      expect(d.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

/**
 * The discount follows what the upstream is, not what the policy calls it: Azure OpenAI's Global
 * Batch is 50 % off global standard ("at 50% less cost than global standard",
 * learn.microsoft.com/azure/ai-foundry/openai/how-to/batch), whatever the provider's name, and an
 * OpenAI-compatible server that is none of the three discounting APIs bills a batch at its own price.
 */
describe('the batch discount by upstream', () => {
  const provider = (name: string, baseUrl: string, kind: 'openai' | 'anthropic' = 'openai', authHeader: AuthHeader = kind === 'openai' ? 'authorization' : 'x-api-key') => ({ name, baseUrl, kind, authHeader });
  // What a batch line costs ($ per 1M input tokens of gpt-4o-mini, $0.15 standard) through this provider.
  const batchPerMTok = (p: ReturnType<typeof provider>, model = 'gpt-4o-mini'): number =>
    priceAtTier(model, { inputTokens: 100_000, outputTokens: 0 }, pricedAs(p), 'batch', { upstream: batchUpstream(p) }).totalUsd * 10;

  it.each([
    ['azure-prod on an Azure OpenAI host', provider('azure-prod', 'https://contoso.openai.azure.com/openai/v1'), 'azure', 0.075],
    ['an AI Foundry resource', provider('foundry', 'https://contoso.services.ai.azure.com/openai/v1'), 'azure', 0.075],
    ['a gateway in front of Azure (authHeader: api-key)', provider('apim', 'https://apim.contoso.com/openai/v1', 'openai', 'api-key'), 'azure', 0.075],
    ['OpenAI under another name', provider('oai', 'https://api.openai.com/v1'), 'openai', 0.075],
    ['OpenAI EU data residency named openai-eu', provider('openai-eu', 'https://eu.api.openai.com/v1'), 'openai', 0.075],
    ['a gateway the policy names openai', provider('openai', 'http://127.0.0.1:4000/v1'), 'openai', 0.075],
    ['a local server named openai-eu', provider('openai-eu', 'http://127.0.0.1:8000/v1'), undefined, 0.15],
    ['a custom OpenAI-compatible server', provider('vllm', 'http://10.0.0.5:8000/v1'), undefined, 0.15],
    ['Groq named openai', provider('openai', 'https://api.groq.com/openai/v1'), undefined, undefined],
  ] as const)('%s', (_what, p, upstream, perMTok) => {
    expect(batchUpstream(p)).toBe(upstream);
    expect(batchDiscount(batchUpstream(p))?.factor).toBe(upstream ? 0.5 : undefined);
    if (perMTok !== undefined) expect(batchPerMTok(p)).toBeCloseTo(perMTok, 9);
  });

  it('Anthropic Message Batches are half price under any provider name', () => {
    const p = provider('claude-prod', 'https://api.anthropic.com', 'anthropic');
    expect(batchUpstream(p)).toBe('anthropic');
    expect(batchPerMTok(p, 'claude-sonnet-4-5')).toBeCloseTo(1.5, 9);
  });
});
