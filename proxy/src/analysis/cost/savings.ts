/** How findings state their saving: tokens, and $ per 1,000 calls at the file's model. */
import { modelPrices, type PriceAs, tokensText, usd } from './model-prices';

export interface Saving {
  tokensSaved: number;
  usdPer1kCalls?: number;
  /** "12 tokens ($0.030 per 1,000 calls at gpt-4o)" */
  text: string;
}

/** `as`: the provider the call is billed by, when not the model's maker (model-prices.ts). */
export function saving(model: string, tokens: number, kind: 'input' | 'output', estimate = false, as?: PriceAs): Saving {
  const prices = modelPrices(model, as);
  const t = `${estimate ? '≈' : ''}${tokensText(tokens)} ${kind} token${tokens === 1 ? '' : 's'}`;
  if (!prices) return { tokensSaved: tokens, text: `${t} (no known price for ${model})` };
  const perToken = kind === 'input' ? prices.inputPerToken : prices.outputPerToken;
  const usdPer1kCalls = tokens * perToken * 1000;
  return { tokensSaved: tokens, usdPer1kCalls, text: `${t}, ${usd(usdPer1kCalls)} per 1,000 calls at ${model}${as ? ` on ${as.provider}` : ''}` };
}
