/**
 * Turns a call's usage into tokens and $: upstream usage when given, else a js-tiktoken estimate
 * (marked as such); prices from @pydantic/genai-prices.
 */
import { flexTierOf } from '../batch/flex';
import { claimBackgroundResponse } from '../ledger/backgroundResponses';
import { billingProvider, priceAsModel, priceCall, pricedAs, type CallPrice, type TokenUsage } from '../pricing/price';
import { responsesUsage } from '../providers/openai';
import { arr, obj, type Json, type NormalizedUsage } from '../providers/types';
import { upperBoundTokens } from '../tokens/bound';
import { imagesRequestOutputTokens, imageToolOutput } from '../tokens/imageOutput';
import { MEDIA_PART_TOKENS, mediaTokens, messageText, type ChatMessageLike } from '../tokens/chat';
import { reservationTokenFactor } from '../tokens/models';
import { claudeToolPromptTokens } from '../tokens/toolPrompt';
import { toolDefinitionInput } from '../tokens/toolDefinitions';
import type { CallContext } from './context';

/** The provider id the call is priced under (by base URL, else name, else protocol: `pricedAs`). */
export function pricingProvider(ctx: CallContext): string | undefined {
  return ctx.provider ? pricedAs(ctx.provider) : undefined;
}

/**
 * The model the call is priced (and its images estimated) as: the name it was sent under, unless
 * the provider's `priceAs` maps that name (an Azure deployment such as `prod-4o`) to one genai-prices
 * prices; without it such a call was recorded unpriced, at $0, when its answer named no model.
 */
export function pricingModel(ctx: CallContext): string {
  return priceAsModel(ctx.provider, ctx.modelUsed);
}

/**
 * Providers that report each call's charge in USD in its usage block: OpenRouter (`usage.cost`, its
 * credits) and Perplexity (`usage.cost.total_cost`). Any other upstream's `cost` may be in credits
 * of its own and is not believed.
 */
const REPORTS_USD = new Set(['openrouter', 'perplexity']);

/** Whether the upstream of this call is one of REPORTS_USD: at its host, or named so. */
function reportsChargedCost(ctx: CallContext): boolean {
  const p = ctx.provider;
  if (!p) return false;
  if (REPORTS_USD.has(billingProvider(p) ?? '')) return true;
  try {
    const host = new URL(p.baseUrl).hostname.toLowerCase();
    return host.endsWith('.openrouter.ai');
  } catch {
    return false;
  }
}

/** A chat message as the token counter reads it: an OpenAI or Anthropic message, or a Responses input message. */
function asMessage(m: Json): ChatMessageLike {
  const content = typeof m.content === 'string' || Array.isArray(m.content) ? (m.content as ChatMessageLike['content']) : m.content == null ? null : JSON.stringify(m.content);
  // A message's `name` (multi-agent frameworks name every turn) is billed with its overhead (tokens/chat.ts).
  return { role: String(m.role ?? 'user'), content, ...(typeof m.name === 'string' ? { name: m.name } : {}) };
}

/**
 * Reasoning sent back sealed, as base64 — a Responses item's `encrypted_content` (reasoning or compaction), Anthropic's
 * `redacted_thinking` data and thinking `signature` — is billed as the reasoning it seals: as text, o200k made ~0.68 tokens
 * of each character, and skipped it was 0. Counted as OpenAI's Codex does: decoded bytes less a 650-byte envelope, 4 a token.
 */
const sealedTokens = (base64: string): number => Math.ceil(Math.max(0, (base64.length * 3) / 4 - 650) / 4);

/** A Responses item read as text: a base64 `data:` URL (a screenshot in a tool output) is media, `encrypted_content` counted apart. */
const readable = (key: string, v: unknown): unknown => (key === 'encrypted_content' ? undefined : typeof v === 'string' && v.startsWith('data:') ? '' : v);

/**
 * Text an Anthropic content list (or OpenRouter's `reasoning_details`) sends the model outside its text parts, which messageText does not
 * read: a plain-text document (`source: {type: "text", data}`, as used for citations), a custom
 * content document (`source: {type: "content", content}`) and a `search_result` block, also inside a
 * tool result, and the thinking of an assistant turn sent back (a tool-use loop must return it, and
 * it is billed as input). mediaTokens counts such a document as one medium of fixed size, however
 * long its text (a 40k-token document reserved 1.6k tokens against budgets and rate limits); the
 * result is the change to that count: -MEDIA_PART_TOKENS for each document read here as text, plus
 * the images a content document holds and the thinking sent back sealed (sealedTokens).
 */
function anthropicBlockTexts(content: unknown, texts: string[], model: string): number {
  let media = 0;
  for (const p of arr(content)) {
    const part = obj(p);
    if (!part) continue;
    if (part.type === 'tool_result') media += anthropicBlockTexts(part.content, texts, model);
    // Thinking sent back: Anthropic's blocks, and OpenRouter's chat `reasoning_details` (its text, summary and sealed forms).
    const thought = part.type === 'thinking' ? part.thinking : part.type === 'reasoning.text' ? part.text : part.type === 'reasoning.summary' ? part.summary : undefined;
    if (typeof thought === 'string') texts.push(thought);
    const seal = part.type === 'redacted_thinking' || part.type === 'reasoning.encrypted' ? part.data : part.type === 'thinking' || part.type === 'reasoning.text' ? part.signature : undefined;
    if (typeof seal === 'string') media += sealedTokens(seal);
    const source = obj(part.source);
    const docText = part.type === 'document' && source?.type === 'text' && typeof source.data === 'string';
    const docContent = part.type === 'document' && source?.type === 'content';
    if (part.type !== 'search_result' && !docText && !docContent) continue;
    for (const field of ['title', 'context'] as const) if (typeof part[field] === 'string') texts.push(part[field]);
    if (part.type === 'search_result') texts.push(messageText(part.content));
    else if (docText) {
      texts.push(String(source?.data));
      media -= MEDIA_PART_TOKENS;
    } else {
      texts.push(messageText(source?.content));
      media += mediaTokens(source?.content, model) - MEDIA_PART_TOKENS;
    }
  }
  return media;
}

/** A prompt already tokenized: an array of token ids (OpenAI embeddings and completions accept one). */
const isTokenIds = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'number');

/**
 * Input of a request as (chat messages, plain texts) for the token counter, plus the tokens its
 * images, documents and audio are assumed to take. Content parts are read as the model reads them
 * (tokens/chat.ts): text, tool calls and tool results as text, an image as `model` bills it (its
 * pixels and detail, tokens/images.ts), other media as a fixed estimate, never as base64 bytes (a
 * photo read as text was 270k+ tokens) nor as nothing. `model` defaults to the body's.
 * `idTokens`: an `input` or `prompt` sent as token ids (`[9906, 1917]`, or a list of such arrays, as
 * LangChain's OpenAIEmbeddings sends by default) is that many tokens; counted as the text of its
 * digits it was 2.5 times that, and its upper bound nearly 5 times (a batch refused by a TPM limit it fits).
 */
export function inputParts(body: Json, model = typeof body.model === 'string' ? body.model : ''): { messages: ChatMessageLike[]; texts: string[]; mediaTokens: number; idTokens: number } {
  const messages: ChatMessageLike[] = [];
  const texts: string[] = [];
  let sourceMedia = 0;
  let idTokens = 0;
  for (const m of arr(body.messages)) {
    const message = obj(m);
    if (!message) continue;
    messages.push(asMessage(message));
    sourceMedia += anthropicBlockTexts(message.content, texts, model) + anthropicBlockTexts(message.reasoning_details, texts, model);
    // An OpenAI assistant turn's tool calls are sent back as input on the next call.
    if (Array.isArray(message.tool_calls)) texts.push(JSON.stringify(message.tool_calls));
  }
  const system = body.system ?? body.instructions;
  if (typeof system === 'string') texts.push(system);
  else if (Array.isArray(system)) texts.push(messageText(system));
  for (const field of ['input', 'prompt'] as const) {
    const v = body[field];
    if (typeof v === 'string') texts.push(v);
    else if (isTokenIds(v)) idTokens += v.length;
    else if (Array.isArray(v)) {
      for (const item of v) {
        const it = obj(item);
        // Responses input: messages (with image and file parts), and items such as function calls and their outputs.
        if (it && typeof it.role === 'string') messages.push(asMessage(it));
        else if (isTokenIds(item)) idTokens += item.length;
        else {
          texts.push(typeof item === 'string' ? item : JSON.stringify(item, readable));
          if (typeof it?.encrypted_content === 'string') idTokens += sealedTokens(it.encrypted_content);
          // A tool's output sent back may be images: a `function_call_output` list of input_image
          // parts, a `computer_call_output` screenshot (one per step of a computer-use loop).
          // Read as text with its data URL blanked, each was 0 tokens.
          if (it && it.output !== null && typeof it.output === 'object') sourceMedia += mediaTokens(Array.isArray(it.output) ? it.output : [it.output], model);
        }
      }
    }
  }
  // Tool definitions are input, as the model reads them (tokens/toolDefinitions.ts), and so are chat's legacy `functions`.
  const tools = toolDefinitionInput(model, body);
  texts.push(...tools.texts);
  idTokens += tools.tokens;
  // Claude is also billed for the tool-use system prompt Anthropic adds, and its own tools' definitions.
  idTokens += claudeToolPromptTokens(model, body.tools ?? body.functions);
  // So is a structured-output schema (constrained decoding puts it in the prompt): chat's
  // `response_format.json_schema.schema`, the Responses API's `text.format.schema`, Anthropic's
  // `output_format.schema` (beta) or `output_config.format.schema`. A long schema was reserved and
  // estimated as nothing.
  const schema =
    obj(obj(body.response_format)?.json_schema)?.schema ?? obj(obj(body.text)?.format)?.schema ?? obj(body.output_format)?.schema ?? obj(obj(body.output_config)?.format)?.schema;
  if (schema !== undefined) texts.push(JSON.stringify(schema));
  const media = messages.reduce((n, m) => n + mediaTokens(m.content, model), 0) + (Array.isArray(system) ? mediaTokens(system, model) : 0) + sourceMedia;
  return { messages, texts, mediaTokens: media, idTokens };
}

/** Input tokens, counted off the event loop (memoised on the context; routing clears it). */
export async function countInputTokens(ctx: CallContext): Promise<number> {
  if (ctx.countedInputTokens !== undefined) return ctx.countedInputTokens;
  const { messages, texts, mediaTokens, idTokens } = inputParts(ctx.body, pricingModel(ctx));
  const r = await ctx.services.tokens.count(ctx.modelUsed, messages, texts);
  ctx.countedInputTokens = r.tokens + mediaTokens + idTokens;
  return ctx.countedInputTokens;
}

/**
 * Input tokens for a budget or rate-limit reservation, without ever waiting for an encoder to be
 * built: the count (as countInputTokens) once the worker has this model's encoder, else an
 * upper bound (UTF-8 bytes plus chat overhead, tokens/bound.ts) while the encoder is built in the
 * background. Over-reserving is the safe side; settlement uses the provider's reported usage.
 *
 * A model whose own tokenizer counts more than the estimate's (Claude: tokens/models.ts
 * reservationTokenFactor) has its text counted up by that factor, never past the upper bound:
 * reserved at the o200k count, a Claude call was held at 70–85 % of the tokens it is billed for.
 */
export async function reservationInputTokens(ctx: CallContext): Promise<number> {
  const tokens = ctx.services.tokens;
  const factor = Math.max(reservationTokenFactor(ctx.modelUsed), reservationTokenFactor(pricingModel(ctx)));
  if (ctx.countedInputTokens !== undefined || tokens.isReady(ctx.modelUsed)) {
    const counted = await countInputTokens(ctx);
    if (factor === 1) return counted;
    const { messages, texts, mediaTokens, idTokens } = inputParts(ctx.body, pricingModel(ctx));
    const text = Math.max(0, counted - mediaTokens - idTokens);
    return Math.min(Math.ceil(text * factor), upperBoundTokens(ctx.modelUsed, messages, texts)) + mediaTokens + idTokens;
  }
  const { messages, texts, mediaTokens, idTokens } = inputParts(ctx.body, pricingModel(ctx));
  const bound = upperBoundTokens(ctx.modelUsed, messages, texts) + mediaTokens + idTokens;
  void tokens.warm([ctx.modelUsed]);
  ctx.services.log.debug?.(`reserving an upper bound of ${bound} input tokens for ${ctx.modelUsed}: the token worker's encoder is not built yet`);
  return bound;
}

/**
 * The images a call can draw, for its budget reservation (governance/governor.ts `imageOutput`):
 * an Images API generation or edit by its `n`, `quality` and `size`, as the model it is priced as;
 * a Responses request's `image_generation` tool by the tool's own model and settings. Undefined for
 * other calls, and for image models without a token table (tokens/imageOutput.ts).
 */
export function reservationImageOutput(ctx: CallContext): { model: string; tokens: number } | undefined {
  const id = ctx.endpoint.id;
  if (id === 'images.generations' || id === 'images.edits') {
    const model = pricingModel(ctx);
    const tokens = imagesRequestOutputTokens(model, ctx.body);
    return tokens === undefined ? undefined : { model, tokens };
  }
  return id === 'responses' ? imageToolOutput(ctx.body) : undefined;
}

/**
 * True for an Images API generation or edit whose images reservationImageOutput estimates: its
 * output is those images (the usage's `text_tokens` of output are none or a handful), so it reserves
 * no text output on top. An image model without a table keeps the text-output default instead.
 */
export function imagesOnlyOutput(ctx: CallContext): boolean {
  const id = ctx.endpoint.id;
  return (id === 'images.generations' || id === 'images.edits') && reservationImageOutput(ctx) !== undefined;
}

/** The `cache_control` marks of a request: on the request itself, its tools, its system blocks and its messages' parts. */
function cacheMarks(body: Json): Json[] {
  const marks: Json[] = [];
  const add = (v: unknown): void => {
    const c = obj(obj(v)?.cache_control);
    if (c) marks.push(c);
  };
  add(body);
  for (const t of arr(body.tools)) add(t);
  for (const b of arr(body.system)) add(b);
  for (const m of arr(body.messages)) {
    add(m);
    for (const p of arr(obj(m)?.content)) {
      add(p);
      // A tool result's own parts may carry the breakpoint.
      for (const q of arr(obj(p)?.content)) add(q);
    }
  }
  return marks;
}

/**
 * Input a request may write to Anthropic's prompt cache, for its reservation: a request with a
 * `cache_control` mark may write all of its input before the last mark (at most all its input), at
 * the 1-hour rate when any mark asks `ttl: "1h"`. An upper bound: a prompt already cached reads
 * instead, at a tenth of the rate; settlement uses the usage the answer reports.
 */
export function reservationCacheWrites(body: Json, inputTokens: number): { cacheWriteTokens?: number; cacheWrite1hTokens?: number } {
  const marks = cacheMarks(body);
  if (marks.length === 0 || inputTokens <= 0) return {};
  const hour = marks.some((c) => c.ttl === '1h');
  return { cacheWriteTokens: inputTokens, ...(hour ? { cacheWrite1hTokens: inputTokens } : {}) };
}

/** What a call's reservation holds beyond its input and output limit (see governor.ts `GovernedRequest`). */
export function reservationExtras(ctx: CallContext, inputTokens: number): { imageOutput?: { model: string; tokens: number }; cacheWriteTokens?: number; cacheWrite1hTokens?: number } {
  const imageOutput = reservationImageOutput(ctx);
  return { ...(imageOutput ? { imageOutput } : {}), ...reservationCacheWrites(ctx.body, inputTokens) };
}

/** Endpoints whose answer is a Responses API response object (create, poll, resumed stream, cancel). */
const RESPONSE_OBJECT_ENDPOINTS: ReadonlySet<string> = new Set(['responses', 'responses.retrieve', 'responses.cancel']);

/** The answer's background response (`background: true`, with its id), if it is one. */
function backgroundResponse(ctx: CallContext): { id: string; model: string | undefined } | undefined {
  const b = ctx.responseBody;
  if (!RESPONSE_OBJECT_ENDPOINTS.has(ctx.endpoint.id) || b?.background !== true || typeof b.id !== 'string') return undefined;
  return { id: b.id, model: typeof b.model === 'string' ? b.model : undefined };
}

/**
 * A background response is billed once, from the first answer that carries its usage
 * (ledger/backgroundResponses.ts), never estimated: a `queued` answer, an `in_progress` poll or a
 * resumed stream cut short says nothing about what the provider goes on generating. Returns
 * whether to price this answer (its usage, as the response's model); otherwise it is $0 and its
 * tokens are not counted again.
 */
function settleBackground(ctx: CallContext, r: { id: string; model: string | undefined }): boolean {
  const usage = ctx.responseBody ? responsesUsage(ctx.responseBody) : undefined;
  if (!usage || !ctx.complete || !claimBackgroundResponse(ctx.services.db, r.id, Date.now())) {
    ctx.usage = undefined;
    return false;
  }
  ctx.usage = usage;
  if (!ctx.modelUsed && r.model) ctx.modelUsed = r.model;
  return true;
}

/**
 * Fill usage and cost. When the upstream gave no usage (some OpenAI-compatible servers, or a
 * broken stream) both sides are estimated locally. When an answer was cut short (reset, abort,
 * timeout: `complete` is false), the provider still bills what it generated, but a stream's
 * usage block (Anthropic's `message_delta`, OpenAI's final chunk) never came: the output is then
 * the larger of what was reported and what the text delivered so far counts.
 */
/** How long a count may still take once the proxy is stopping, before a quick estimate stands in. */
const STOPPING_COUNT_GRACE_MS = 250;

/**
 * The token worker's count; once the proxy is stopping, at most STOPPING_COUNT_GRACE_MS more of it.
 * A call cut by the stop is settled while the proxy has ~1.5 s before its database closes, and a
 * worker still building an encoder (a loaded machine, a model not warmed) answered later than that:
 * the call's row was never written. Then the estimate is a quarter of the UTF-8 bytes (about what
 * the BPE tokenizers give for English; the row is marked estimated either way).
 */
async function countBeforeStop(ctx: CallContext, model: string, messages: ChatMessageLike[] | undefined, texts: string[]): Promise<{ tokens: number }> {
  const count = ctx.services.tokens.count(model, messages, texts);
  const stopping = ctx.services.stopping;
  let timer: NodeJS.Timeout | undefined;
  let forgetStop = (): void => {};
  const quick = new Promise<{ tokens: number }>((resolve) => {
    const stopped = () => {
      timer = setTimeout(() => resolve({ tokens: Math.ceil(upperBoundTokens(model, messages, texts) / 4) }), STOPPING_COUNT_GRACE_MS);
    };
    if (stopping.aborted) stopped();
    else forgetStop = ctx.services.onStop(stopped);
  });
  try {
    return await Promise.race([count, quick]);
  } finally {
    forgetStop();
    clearTimeout(timer);
  }
}

/** Proxies already told that priority-tier calls are recorded below their bill. */
const warnedOfPriority = new WeakSet<object>();

/**
 * OpenAI's priority processing (`service_tier: "priority"`) and Anthropic's Priority Tier
 * (`usage.service_tier: "priority"`) bill above standard rates, and genai-prices (0.1.x) has no rates
 * for them: such a call's $ is its standard price, below the bill. Said once per proxy, in the log,
 * so the ledger's figure is not taken for the invoice's.
 */
function warnPriority(ctx: CallContext): void {
  if (warnedOfPriority.has(ctx.services)) return;
  warnedOfPriority.add(ctx.services);
  ctx.services.log.warn(
    `calls served at the priority tier (${ctx.modelUsed}) are recorded at standard rates: genai-prices publishes no priority prices, so their $ is below what the provider bills`,
  );
}

export async function settleCost(ctx: CallContext): Promise<void> {
  if (ctx.cacheStatus === 'exact' || ctx.cacheStatus === 'semantic') return;
  const background = backgroundResponse(ctx);
  if (background && !settleBackground(ctx, background)) return;
  if (!ctx.endpoint.billable && !background) return;
  // Nothing generated (refused before forwarding, an upstream error status, no byte of an answer): $0.
  if (!ctx.usage && !ctx.responseBody) return;
  // An upload (an image to edit, audio to transcribe) is no text a tokenizer can count, and the
  // answer is an image or a voice: without the usage it reports, the call is recorded unpriced.
  // An estimate would be wrong by orders of magnitude, and `whisper-1` at 0 tokens prices at $0.
  if (!ctx.usage && ctx.endpoint.usageOnly) return;
  const model = ctx.modelUsed;
  // The answer's text is only counted when usage is missing or the answer was cut.
  const outText = (!ctx.usage || !ctx.complete) && ctx.responseBody && ctx.endpoint.outputText ? ctx.endpoint.outputText(ctx.responseBody) : '';
  if (!ctx.usage) {
    const { messages, texts, mediaTokens, idTokens } = inputParts(ctx.body, pricingModel(ctx));
    const [input, output] = await Promise.all([
      countBeforeStop(ctx, model, messages, texts),
      outText ? countBeforeStop(ctx, model, undefined, [outText]) : Promise.resolve({ tokens: 0, exact: true }),
    ]);
    // Server-side tool calls that ran before the cut are billed all the same (a Responses stream
    // cut after its web searches carries no usage block, but its search items arrived).
    const toolCalls = ctx.responseBody && ctx.endpoint.billedToolCalls ? ctx.endpoint.billedToolCalls(ctx.responseBody) : {};
    ctx.usage = { inputTokens: input.tokens + mediaTokens + idTokens, outputTokens: output.tokens, cachedTokens: 0, cacheWriteTokens: 0, ...toolCalls };
    ctx.tokensEstimated = true;
  } else if (!ctx.complete && outText) {
    const output = await countBeforeStop(ctx, model, undefined, [outText]);
    if (output.tokens > ctx.usage.outputTokens) {
      ctx.usage = { ...ctx.usage, outputTokens: output.tokens };
      ctx.tokensEstimated = true;
    }
  }
  // A provider that reports what it charged (OpenRouter's `usage.cost`) is believed: it priced the
  // call at the rates of the host it routed to, which a price list cannot know. Not for a cut answer
  // whose output was estimated (the figure then covers less than was generated).
  const reported = ctx.usage.reportedCostUsd;
  if (reported !== undefined && !ctx.tokensEstimated && reportsChargedCost(ctx)) {
    ctx.costUsd = reported;
    ctx.priced = true;
    return;
  }
  // The tier the provider says served the call, else the one Tollgate asked for: flex answers are
  // billed at batch rates. A client may ask for a tier
  // itself (`service_tier` in its own request), so the answer's word comes first.
  const served = ctx.responseBody?.service_tier;
  const tier = served === 'flex' || (ctx.serviceTier === 'flex' && served !== 'default') ? 'flex' : 'standard';
  const provider = pricingProvider(ctx) ?? 'openai';
  // "priority" answers are priced at standard rates: genai-prices publishes none for that tier, and
  // prices are never hand-written here (docs/proxy.md says so). The log says so once (warnPriority).
  if (served === 'priority' || obj(ctx.responseBody?.usage)?.service_tier === 'priority') warnPriority(ctx);
  const priceAs = (name: string, usage: NormalizedUsage & TokenUsage): CallPrice => {
    // The discount of the upstream the call went to (flexTierOf), whatever the policy names it.
    const flex = tier === 'flex' && ctx.provider ? flexTierOf(ctx.provider, name) : undefined;
    if (!flex) return priceCall(name, usage, provider);
    // Flex discounts tokens ("priced at Batch API rates"), not per-call tool fees: those are added
    // at their full rate, as the standard price's share above the same tokens without them.
    const { webSearches, fileSearches, ...tokens } = usage;
    const base = priceCall(name, tokens, provider);
    if (!base.priced) return base;
    const fees = webSearches || fileSearches ? priceCall(name, usage, provider).totalUsd - base.totalUsd : 0;
    const f = flex.factor;
    return { ...base, totalUsd: base.totalUsd * f + fees, inputUsd: base.inputUsd * f, outputUsd: base.outputUsd * f };
  };
  // Priced as the model that answered when the answer names one we can price: an Azure deployment
  // name ("prod-chat") answers as the snapshot it runs, a gateway alias as the model behind it.
  const answered = typeof ctx.responseBody?.model === 'string' && ctx.responseBody.model !== model ? ctx.responseBody.model : undefined;
  const usage = ctx.usage;
  const asAnswered = answered !== undefined ? priceAs(answered, usage) : undefined;
  const price = asAnswered?.priced ? asAnswered : priceAs(pricingModel(ctx), usage);
  ctx.costUsd = price.totalUsd;
  ctx.priced = price.priced;
  ctx.pricedAs = price.as;
}
