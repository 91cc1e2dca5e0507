/** $ per token for a model (from genai-prices via pricing/price.ts) and its context window. */
import { calcPrice } from '@pydantic/genai-prices';
import { unitPrices } from '../../pricing/price';

export interface ModelPrices {
  inputPerToken: number;
  outputPerToken: number;
}

export function modelPrices(model: string): ModelPrices | undefined {
  const u = unitPrices(model);
  return u ? { inputPerToken: u.inputPerMTok / 1e6, outputPerToken: u.outputPerMTok / 1e6 } : undefined;
}

const windows = new Map<string, number | undefined>();

/** The model's context window as genai-prices records it (the worst case for an unlimited reply). */
export function contextWindow(model: string): number | undefined {
  if (windows.has(model)) return windows.get(model);
  let w: number | undefined;
  try {
    w = calcPrice({ input_tokens: 1, output_tokens: 1 }, model)?.model.context_window;
  } catch {
    w = undefined;
  }
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
