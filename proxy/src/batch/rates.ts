/**
 * Batch and flex prices: genai-prices' standard price (per-token rates, cache reads, model
 * matching) scaled by the discount table (discounts.ts, apart so the ledger's read worker can read
 * it without the pricing code). Pure.
 */
import type { ResolvedProvider } from '../policy/schema';
import { billingProvider, priceCall, type CallPrice, type TokenUsage } from '../pricing/price';
import { isAzureProvider } from '../providers/azure';
import { batchDiscount, FLEX_TIERS, flexSupported } from './discounts';

export type PriceTier = 'standard' | 'batch' | 'flex';

/** OpenAI's API hosts: api.openai.com and its data-residency hosts (eu.api.openai.com). */
function isOpenAIHost(host: string): boolean {
  return host === 'api.openai.com' || host.endsWith('.api.openai.com');
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Which discounting batch API this configured provider's upstream is (a BATCH_DISCOUNTS key), or
 * undefined for any other server. By what it is, not what the policy calls it: an Azure OpenAI
 * resource named `azure-prod` (its host, or Azure's `api-key` header in front of a gateway) runs
 * Global Batch at half price, and a vLLM server named `openai-eu` is not OpenAI. A provider on a
 * host no price list knows, named exactly `openai` or `anthropic`, is taken at its name (a gateway
 * or relay in front of that API), as billingProvider takes such names for prices.
 */
export function batchUpstream(p: Pick<ResolvedProvider, 'name' | 'baseUrl' | 'kind' | 'authHeader'>): string | undefined {
  if (isAzureProvider(p)) return 'azure';
  const host = hostOf(p.baseUrl);
  if (p.kind === 'openai' && isOpenAIHost(host)) return 'openai';
  if (p.kind === 'anthropic' && host === 'api.anthropic.com') return 'anthropic';
  const name = p.name.toLowerCase();
  // A known host of another provider (api.groq.com) wins over the name, as it does for prices.
  return name === p.kind && billingProvider(p) === name ? name : undefined;
}

/**
 * batchUpstream of the configured provider a batch or ledger row names; a provider since removed
 * from the policy has only its name to go by.
 */
export function batchUpstreamOf(provider: Parameters<typeof batchUpstream>[0] | undefined, name: string): string | undefined {
  return provider ? batchUpstream(provider) : name;
}

/**
 * Scales a standard price by the tier's discount (standard, or a tier the provider lacks: unchanged).
 * `provider` is the id the call is priced under (pricedAs); a batch's discount is looked up by
 * `at.upstream` when given (batchUpstream of the provider it went to: undefined for no discount),
 * else by that id.
 */
export function priceAtTier(model: string, usage: TokenUsage, provider: string, tier: PriceTier, at?: { upstream: string | undefined }): CallPrice & { tier: PriceTier } {
  const base = priceCall(model, usage, provider);
  const discount = tier === 'batch' ? batchDiscount(at ? at.upstream : provider) : tier === 'flex' && flexSupported(provider, model) ? FLEX_TIERS[provider.toLowerCase()] : undefined;
  if (!discount || !base.priced) return { ...base, tier: discount ? tier : 'standard' };
  const f = discount.factor;
  return { ...base, totalUsd: base.totalUsd * f, inputUsd: base.inputUsd * f, outputUsd: base.outputUsd * f, tier };
}
