/**
 * The batch/flex discount table against the providers' published per-million-token figures
 * (OpenAI pricing page "Batch" and "Flex" columns; Anthropic pricing "Batch processing"), read
 * 2026-11-30. Standard prices come from @pydantic/genai-prices; only the discount is Tollgate's.
 */
import { describe, expect, it } from 'vitest';
import { BATCH_DISCOUNTS, flexSupported, priceAtTier } from '../../proxy/src/batch/rates';

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
