/**
 * Batch and flex discounts by upstream: the one documented discount table (rates.ts scales a
 * genai-prices price by it). Apart from the pricing code so the ledger's read worker (the batch
 * opportunities scan) loads only this. Pure.
 */
import { globMatch } from '../routing/glob';

export interface Discount {
  /** Multiplier applied to the standard price (0.5 = half price). */
  factor: number;
  /** Where the figure is published. */
  source: string;
  /** When the source was read (YYYY-MM-DD). */
  checked: string;
}

/**
 * Batch APIs: 50 % of the standard input and output price on every model that accepts batches,
 * keyed by the upstream (batchUpstream), not by the policy's name for it. Other providers' batch
 * endpoints, where they exist, are billed here at the standard price (the safe side for a budget).
 * OpenAI: "Batch API … 50% cost discount compared to synchronous APIs" (platform.openai.com/docs/guides/batch).
 * Anthropic: "Message Batches … 50% of standard API prices" (docs.anthropic.com/en/docs/build-with-claude/batch-processing#pricing).
 * Azure OpenAI Global Batch: "at 50% less cost than global standard" (learn.microsoft.com/azure/ai-foundry/openai/how-to/batch).
 */
export const BATCH_DISCOUNTS: Readonly<Record<string, Discount>> = {
  openai: { factor: 0.5, source: 'https://platform.openai.com/docs/guides/batch', checked: '2026-11-30' },
  anthropic: { factor: 0.5, source: 'https://docs.anthropic.com/en/docs/build-with-claude/batch-processing#pricing', checked: '2026-11-30' },
  azure: { factor: 0.5, source: 'https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/batch', checked: '2026-12-02' },
};

/**
 * Flex processing (`service_tier: "flex"`) by upstream, keyed as BATCH_DISCOUNTS. Models are globs
 * over the request's model name; dated snapshots match their family. `ask`: whether a `routing.flex`
 * rule sends requests there at flex; otherwise only answers the upstream says it served at flex are
 * billed at the discount.
 * OpenAI: "Tokens are priced at Batch API rates", for the models listed under "Flex" on the pricing
 * page (developers.openai.com/api/docs/guides/flex-processing, read 2026-11-30).
 * Azure OpenAI (preview): "inference at a 50% discount compared with Standard processing", for
 * supported models on Global Standard deployments; an unsupported one answers 400 and does not fall
 * back to Standard (learn.microsoft.com/azure/foundry/openai/how-to/flex-processing, read
 * 2026-12-03). The model is a deployment name there and the page gives no model list Tollgate could
 * match it against, so Tollgate never asks Azure for flex; an answer Azure served at flex was billed
 * at the standard price, twice what Azure charges.
 */
export const FLEX_TIERS: Readonly<Record<string, Discount & { models: readonly string[]; ask: boolean }>> = {
  openai: {
    factor: 0.5,
    models: ['o3', 'o3-2*', 'o4-mini', 'o4-mini-2*', 'gpt-5', 'gpt-5-2*', 'gpt-5-mini*', 'gpt-5-nano*', 'gpt-5.*'],
    ask: true,
    source: 'https://developers.openai.com/api/docs/guides/flex-processing',
    checked: '2026-11-30',
  },
  azure: {
    factor: 0.5,
    models: ['*'],
    ask: false,
    source: 'https://learn.microsoft.com/en-us/azure/foundry/openai/how-to/flex-processing',
    checked: '2026-12-03',
  },
};

/** The discount a batch sent to this upstream (batchUpstream) gets, or undefined: the standard price. */
export function batchDiscount(upstream: string | undefined): Discount | undefined {
  return upstream === undefined ? undefined : BATCH_DISCOUNTS[upstream.toLowerCase()];
}

/** True when this provider offers flex processing for this model. */
export function flexSupported(provider: string, model: string): boolean {
  const tier = FLEX_TIERS[provider.toLowerCase()];
  return !!tier && tier.models.some((g) => globMatch(g, model));
}

/**
 * The flex tier this upstream (batchUpstream) bills this model at, or undefined: no flex tier.
 * `ask` says whether Tollgate may send requests there at flex (FLEX_TIERS).
 */
export function flexDiscount(upstream: string | undefined, model: string): (Discount & { ask: boolean }) | undefined {
  return upstream !== undefined && flexSupported(upstream, model) ? FLEX_TIERS[upstream.toLowerCase()] : undefined;
}

