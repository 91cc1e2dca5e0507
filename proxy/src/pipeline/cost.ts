/**
 * Turns a call's usage into tokens and $: upstream usage when given, else a js-tiktoken estimate
 * (marked as such); prices from @pydantic/genai-prices.
 */
import { priceAtTier } from '../batch/rates';
import { isPricedProvider } from '../pricing/price';
import { arr, obj, type Json } from '../providers/types';
import { upperBoundTokens } from '../tokens/bound';
import type { ChatMessageLike } from '../tokens/chat';
import type { CallContext } from './context';

export function pricingProvider(ctx: CallContext): string | undefined {
  const p = ctx.provider;
  if (!p) return undefined;
  // A provider genai-prices knows by name (openrouter, groq…) is priced as itself; any other
  // OpenAI-compatible upstream as its protocol.
  return isPricedProvider(p.name) ? p.name : p.kind;
}

/** Input of a request as (chat messages, plain texts) for the token counter. */
export function inputParts(body: Json): { messages: ChatMessageLike[]; texts: string[] } {
  const messages = arr(body.messages)
    .map((m) => obj(m))
    .filter((m): m is Json => !!m)
    .map((m) => ({ role: String(m.role ?? 'user'), content: typeof m.content === 'string' || Array.isArray(m.content) ? (m.content as ChatMessageLike['content']) : JSON.stringify(m.content ?? '') }));
  const texts: string[] = [];
  const system = body.system ?? body.instructions;
  if (typeof system === 'string') texts.push(system);
  else if (Array.isArray(system)) texts.push(JSON.stringify(system));
  for (const field of ['input', 'prompt'] as const) {
    const v = body[field];
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) texts.push(JSON.stringify(v));
  }
  if (Array.isArray(body.tools)) texts.push(JSON.stringify(body.tools));
  return { messages, texts };
}

/** Input tokens, counted off the event loop (memoised on the context; routing clears it). */
export async function countInputTokens(ctx: CallContext): Promise<number> {
  if (ctx.countedInputTokens !== undefined) return ctx.countedInputTokens;
  const { messages, texts } = inputParts(ctx.body);
  const r = await ctx.services.tokens.count(ctx.modelUsed, messages, texts);
  ctx.countedInputTokens = r.tokens;
  return r.tokens;
}

/**
 * Input tokens for a budget or rate-limit reservation, without ever waiting for an encoder to be
 * built: the exact count (as countInputTokens) once the worker has this model's encoder, else an
 * upper bound (UTF-8 bytes plus chat overhead, tokens/bound.ts) while the encoder is built in the
 * background. Over-reserving is the safe side; settlement uses the provider's reported usage.
 */
export async function reservationInputTokens(ctx: CallContext): Promise<number> {
  const tokens = ctx.services.tokens;
  if (ctx.countedInputTokens !== undefined || tokens.isReady(ctx.modelUsed)) return countInputTokens(ctx);
  const { messages, texts } = inputParts(ctx.body);
  const bound = upperBoundTokens(ctx.modelUsed, messages, texts);
  void tokens.warm([ctx.modelUsed]);
  ctx.services.log.debug?.(`reserving an upper bound of ${bound} input tokens for ${ctx.modelUsed}: the token worker's encoder is not built yet`);
  return bound;
}

/**
 * Fill usage and cost. When the upstream gave no usage (some OpenAI-compatible servers, or a
 * broken stream) both sides are estimated locally. When an answer was cut short (reset, abort,
 * timeout: `complete` is false), the provider still bills what it generated, but a stream's
 * usage block (Anthropic's `message_delta`, OpenAI's final chunk) never came: the output is then
 * the larger of what was reported and what the text delivered so far counts.
 */
export async function settleCost(ctx: CallContext): Promise<void> {
  if (!ctx.endpoint.billable || ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic') return;
  // Nothing generated (refused before forwarding, an upstream error status, no byte of an answer): $0.
  if (!ctx.usage && !ctx.responseBody) return;
  const model = ctx.modelUsed;
  // The answer's text is only counted when usage is missing or the answer was cut.
  const outText = (!ctx.usage || !ctx.complete) && ctx.responseBody && ctx.endpoint.outputText ? ctx.endpoint.outputText(ctx.responseBody) : '';
  if (!ctx.usage) {
    const { messages, texts } = inputParts(ctx.body);
    const [input, output] = await Promise.all([
      ctx.services.tokens.count(model, messages, texts),
      outText ? ctx.services.tokens.count(model, undefined, [outText]) : Promise.resolve({ tokens: 0, exact: true }),
    ]);
    ctx.usage = { inputTokens: input.tokens, outputTokens: output.tokens, cachedTokens: 0, cacheWriteTokens: 0 };
    ctx.tokensEstimated = true;
  } else if (!ctx.complete && outText) {
    const output = await ctx.services.tokens.count(model, undefined, [outText]);
    if (output.tokens > ctx.usage.outputTokens) {
      ctx.usage = { ...ctx.usage, outputTokens: output.tokens };
      ctx.tokensEstimated = true;
    }
  }
  // Flex answers are billed at batch rates (the tier the provider says it used, else the one asked for).
  const tier = ctx.serviceTier === 'flex' && ctx.responseBody?.service_tier !== 'default' ? 'flex' : 'standard';
  const provider = pricingProvider(ctx) ?? 'openai';
  // Priced as the model that answered when the answer names one we can price: an Azure deployment
  // name ("prod-chat") answers as the snapshot it runs, a gateway alias as the model behind it.
  const answered = typeof ctx.responseBody?.model === 'string' && ctx.responseBody.model !== model ? ctx.responseBody.model : undefined;
  const asAnswered = answered !== undefined ? priceAtTier(answered, ctx.usage, provider, tier) : undefined;
  const price = asAnswered?.priced ? asAnswered : priceAtTier(model, ctx.usage, provider, tier);
  ctx.costUsd = price.totalUsd;
  ctx.priced = price.priced;
}
