/**
 * Turns a call's usage into tokens and $: upstream usage when given, else a js-tiktoken estimate
 * (marked as such); prices from @pydantic/genai-prices.
 */
import { priceCall } from '../pricing/price';
import { arr, obj, type Json } from '../providers/types';
import { countChatTokens, countTextTokens, type ChatMessageLike } from '../tokens/count';
import type { CallContext } from './context';

/** genai-prices knows these gateways by name; any other OpenAI-compatible upstream is priced as its protocol. */
const PRICED_GATEWAYS = new Set(['openrouter', 'azure', 'groq', 'mistral', 'google', 'together', 'fireworks', 'deepseek']);

export function pricingProvider(ctx: CallContext): string | undefined {
  const p = ctx.provider;
  if (!p) return undefined;
  return PRICED_GATEWAYS.has(p.name) ? p.name : p.kind;
}

function estimateInput(body: Json, model: string): number {
  const messages = arr(body.messages).map((m) => obj(m)).filter((m): m is Json => !!m) as unknown as ChatMessageLike[];
  let tokens = messages.length ? countChatTokens(messages, model).tokens : 0;
  const system = body.system ?? body.instructions;
  if (typeof system === 'string') tokens += countTextTokens(system, model).tokens;
  for (const field of ['input', 'prompt'] as const) {
    const v = body[field];
    if (typeof v === 'string') tokens += countTextTokens(v, model).tokens;
    else if (Array.isArray(v)) tokens += countTextTokens(JSON.stringify(v), model).tokens;
  }
  return tokens;
}

/** Fill usage (estimating when absent) and cost for a successful or partially streamed call. */
export function settleCost(ctx: CallContext): void {
  if (!ctx.endpoint.billable || ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic') return;
  const model = ctx.modelUsed;
  if (!ctx.usage) {
    // No usage from the upstream (some OpenAI-compatible servers, or a broken stream): estimate locally.
    const input = estimateInput(ctx.body, model);
    const outText = ctx.responseBody && ctx.endpoint.outputText ? ctx.endpoint.outputText(ctx.responseBody) : '';
    ctx.usage = { inputTokens: input, outputTokens: outText ? countTextTokens(outText, model).tokens : 0, cachedTokens: 0, cacheWriteTokens: 0 };
    ctx.tokensEstimated = true;
  }
  const price = priceCall(model, ctx.usage, pricingProvider(ctx));
  ctx.costUsd = price.totalUsd;
  ctx.priced = price.priced;
}
