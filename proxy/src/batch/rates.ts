/**
 * Batch and flex prices. @pydantic/genai-prices (the project's price source) has no batch or flex
 * rates, so this is the one documented discount table: each entry says which published page it
 * comes from and when it was read. Everything else about a price (the standard per-token rates,
 * cache reads, model matching) still comes from genai-prices; this file only scales it. Pure.
 */
import { priceCall, type CallPrice, type TokenUsage } from '../pricing/price';
import { globMatch } from '../routing/glob';

export type PriceTier = 'standard' | 'batch' | 'flex';

export interface Discount {
  /** Multiplier applied to the standard price (0.5 = half price). */
  factor: number;
  /** Where the figure is published. */
  source: string;
  /** When the source was read (YYYY-MM-DD). */
  checked: string;
}

/**
 * Batch APIs: 50 % of the standard input and output price on every model that accepts batches.
 * OpenAI: "Batch API … 50% cost discount compared to synchronous APIs" (platform.openai.com/docs/guides/batch).
 * Anthropic: "Message Batches … 50% of standard API prices" (docs.anthropic.com/en/docs/build-with-claude/batch-processing#pricing).
 */
export const BATCH_DISCOUNTS: Readonly<Record<string, Discount>> = {
  openai: { factor: 0.5, source: 'https://platform.openai.com/docs/guides/batch', checked: '2026-11-30' },
  anthropic: { factor: 0.5, source: 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing#pricing', checked: '2026-11-30' },
};

/**
 * OpenAI flex processing (`service_tier: "flex"`): "Tokens are priced at Batch API rates", for the
 * models listed under "Flex" on the pricing page (developers.openai.com/api/docs/guides/flex-processing,
 * read 2026-11-30). Models are globs over the request's model name; dated snapshots match their family.
 */
export const FLEX_TIERS: Readonly<Record<string, Discount & { models: readonly string[] }>> = {
  openai: {
    factor: 0.5,
    models: ['o3', 'o3-2*', 'o4-mini', 'o4-mini-2*', 'gpt-5', 'gpt-5-2*', 'gpt-5-mini*', 'gpt-5-nano*', 'gpt-5.*'],
    source: 'https://developers.openai.com/api/docs/guides/flex-processing',
    checked: '2026-11-30',
  },
};

/** The discount a batch of this provider gets, or undefined when the provider has no batch API. */
export function batchDiscount(provider: string): Discount | undefined {
  return BATCH_DISCOUNTS[provider.toLowerCase()];
}

/** True when this provider offers flex processing for this model. */
export function flexSupported(provider: string, model: string): boolean {
  const tier = FLEX_TIERS[provider.toLowerCase()];
  return !!tier && tier.models.some((g) => globMatch(g, model));
}

/** Scales a standard price by the tier's discount (standard, or a tier the provider lacks: unchanged). */
export function priceAtTier(model: string, usage: TokenUsage, provider: string, tier: PriceTier): CallPrice & { tier: PriceTier } {
  const base = priceCall(model, usage, provider);
  const discount = tier === 'batch' ? batchDiscount(provider) : tier === 'flex' && flexSupported(provider, model) ? FLEX_TIERS[provider.toLowerCase()] : undefined;
  if (!discount || !base.priced) return { ...base, tier: discount ? tier : 'standard' };
  const f = discount.factor;
  return { ...base, totalUsd: base.totalUsd * f, inputUsd: base.inputUsd * f, outputUsd: base.outputUsd * f, tier };
}
