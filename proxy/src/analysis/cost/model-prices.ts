/** $ per token for a model (from genai-prices via pricing/price.ts) and its context window. */
import { calcPrice } from '@pydantic/genai-prices';
import { unitPrices } from '../../pricing/price';
import { fineTuneBase } from '../../tokens/modelName';

export interface ModelPrices {
  inputPerToken: number;
  outputPerToken: number;
}

/**
 * The id and provider a call is billed under when its client is another provider's SDK (a Groq
 * client serving `llama-3.3-70b-versatile`): that provider's rate, not the model maker's.
 */
export interface PriceAs {
  model: string;
  provider: string;
}

/** The first of `ids` (the call's model as written and as shown) that genai-prices prices under `provider`. */
export function priceAsFor(provider: string, ids: readonly string[]): PriceAs | undefined {
  const model = ids.find((id) => unitPrices(id, provider) !== undefined);
  return model === undefined ? undefined : { model, provider };
}

/**
 * $ per token as pricing/price.ts bills the call, so CodeLens and the ledger agree: an OpenAI fine-tune
 * at its own rate where genai-prices has one (ft:gpt-4o-mini), else unknown, not its base model's
 * rate (fine-tuned inference costs more). With `as`, the provider's rate for the model.
 */
export function modelPrices(model: string, as?: PriceAs): ModelPrices | undefined {
  const u = (as ? unitPrices(as.model, as.provider) : undefined) ?? unitPrices(model);
  return u ? { inputPerToken: u.inputPerMTok / 1e6, outputPerToken: u.outputPerMTok / 1e6 } : undefined;
}

const windows = new Map<string, number | undefined>();

function recordedWindow(model: string, providerId?: string): number | undefined {
  try {
    return calcPrice({ input_tokens: 1, output_tokens: 1 }, model, providerId ? { providerId } : undefined)?.model.context_window;
  } catch {
    return undefined;
  }
}

/**
 * The model's context window as genai-prices records it (the worst case for an unlimited reply);
 * with `as`, as the provider that serves it records it, when the model's own entry has none.
 */
export function contextWindow(model: string, as?: PriceAs): number | undefined {
  const own = ownContextWindow(model);
  return own ?? (as ? recordedWindow(as.model, as.provider) : undefined);
}

function ownContextWindow(model: string): number | undefined {
  if (windows.has(model)) return windows.get(model);
  const base = fineTuneBase(model);
  // genai-prices' fine-tune entries carry no window: a fine-tune has its base model's.
  const w = recordedWindow(model) ?? (base ? recordedWindow(model, 'openai') ?? recordedWindow(base) : undefined);
  windows.set(model, w);
  return w;
}

export function usd(n: number): string {
  if (n === 0) return '$0';
  if (n >= 100) return `$${n.toFixed(0)}`;
  if (n >= 1) return `$${n.toFixed(2)}`;
  if (n >= 0.01) return `$${n.toFixed(3)}`;
  return `$${n.toPrecision(2)}`;
}

export function tokensText(n: number): string {
  return n.toLocaleString('en-US');
}
