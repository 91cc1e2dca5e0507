/**
 * $ cost of a call from token usage, using @pydantic/genai-prices' maintained price data
 * (no hand-written price table). Pure: no I/O.
 * Every usage figure genai-prices prices apart is passed under its own key: 1-hour cache writes
 * (`cache_write_1h_tokens`, a subset of `cache_write_tokens`) and server-side web searches
 * (`web_searches`), the keys its Anthropic extractor produces, and file searches (`storage_searches`,
 * OpenAI's file_search tool).
 */
import { calcPrice, findProvider, type MatchLogic } from '@pydantic/genai-prices';
import { globMatch } from '../routing/glob';
import { bedrockModelId, fineTuneBase, modelOwnName } from '../tokens/modelName';
import { encodingForModel } from '../tokens/models';

/**
 * Rates genai-prices (0.1.8) leaves out that the provider publishes as another listed model's, so
 * they are taken from that model's entry, not written here: Anthropic's long-context table has one
 * row for "Sonnet 4.5 / 4" ($6/$22.50 past 200k input tokens, where Sonnet 4 was billed $3/$15), as
 * have OpenRouter, Vertex AI and Bedrock, which resell both (Bedrock's list has no tiers at all: its
 * Sonnet 4 and 4.5 take Anthropic's, at their own base, its regional endpoints' 10 % above), and
 * OpenAI bills the audio-preview models' audio tokens as their realtime-preview siblings' ($40/$80,
 * $10/$20 per million, where they were billed as text). A rate is taken where the entry has none,
 * and a tier where it has the rate without tiers, so a price list that has them keeps its own.
 */
const models = (providerId: string) => findProvider({ providerId })?.models ?? [];
const entries = (providerId: string, id: string | RegExp) => models(providerId).filter((m) => (typeof id === 'string' ? m.id === id : id.test(m.id)));
for (const [providerId, model, fromProvider, from, keys] of [
  ['anthropic', 'claude-sonnet-4-0', 'anthropic', 'claude-sonnet-4-5', /_mtok$/],
  ['openrouter', 'anthropic/claude-sonnet-4', 'openrouter', 'anthropic/claude-sonnet-4.5', /_mtok$/],
  ['google', 'claude-4-sonnet', 'google', 'claude-sonnet-4-5', /_mtok$/],
  ['aws', /^(?:global|regional)\.anthropic\.claude-sonnet-4-(?:5-)?2025/, 'anthropic', 'claude-sonnet-4-5', /^(?:input|output|cache_read|cache_write)_mtok$/],
  ['openai', 'gpt-4o-audio-preview', 'openai', 'gpt-4o-realtime-preview', /^(?:input|output)_audio_mtok$/],
  ['openai', 'gpt-4o-mini-audio-preview', 'openai', 'gpt-4o-mini-realtime-preview', /^(?:input|output)_audio_mtok$/],
] as const) {
  const theirs = entries(fromProvider, from)[0]?.prices;
  if (!theirs || Array.isArray(theirs)) continue;
  for (const { prices: own } of entries(providerId, model)) {
    if (Array.isArray(own)) continue;
    for (const [key, rate] of Object.entries(theirs)) {
      const mine = own[key];
      if (!keys.test(key) || rate === undefined) continue;
      if (mine === undefined) own[key] = rate;
      else if (typeof rate === 'object' && typeof mine === 'number') own[key] = { base: mine, tiers: rate.tiers.map((t) => ({ start: t.start, price: t.price * (mine / rate.base) })) };
    }
  }
}

/**
 * Two cache rates genai-prices leaves out, where cached input was billed as full input. OpenRouter passes on
 * its vendor's (openrouter.ai/docs/features/prompt-caching): an entry billing the vendor's input and output
 * rates takes the vendor's cache rates (Claude 3.x, gpt-4o, o1-mini). OpenAI bills a fine-tune's cached
 * input at its base model's discount (openai.com/api/pricing: ft:gpt-4o-mini $0.30, cached $0.15).
 */
for (const { id, prices: own } of [...models('openrouter'), ...models('openai')]) {
  if (Array.isArray(own) || own.cache_read_mtok !== undefined || typeof own.input_mtok !== 'number') continue;
  const fineTune = id.startsWith('ft:');
  const [vendor, name] = fineTune ? ['openai', id.slice(3)] : id.split('/');
  const theirs = name && findProvider({ providerId: vendor! }) ? calcPrice({ input_tokens: 1 }, name, { providerId: vendor })?.model.prices : undefined;
  if (!theirs || Array.isArray(theirs) || typeof theirs.cache_read_mtok !== 'number' || typeof theirs.input_mtok !== 'number') continue;
  if (fineTune) own.cache_read_mtok = (own.input_mtok * theirs.cache_read_mtok) / theirs.input_mtok;
  else if (own.input_mtok === theirs.input_mtok && own.output_mtok === theirs.output_mtok) {
    own.cache_read_mtok = theirs.cache_read_mtok;
    if (theirs.cache_write_mtok !== undefined) own.cache_write_mtok ??= theirs.cache_write_mtok;
  }
}

/**
 * OpenAI's first snapshots of both, gpt-4o-realtime-preview-2024-10-01 and
 * gpt-4o-audio-preview-2024-10-01, bill audio at $100/$200 per million (cached audio $20), where
 * the later ones bill $40/$80; genai-prices matches them as their family. A narrow correction from
 * OpenAI's pricing page, until the price list has its own entry for them: one ahead of the family's.
 */
const openai = models('openai');
for (const family of ['gpt-4o-realtime-preview', 'gpt-4o-audio-preview']) {
  const [at, id] = [openai.findIndex((m) => m.id === family), `${family}-2024-10-01`];
  const prices = openai[at]?.prices;
  // Not twice: the price list is loaded once per process, this module may be loaded again (tests).
  if (!prices || Array.isArray(prices) || openai.some((m) => m.id === id)) continue;
  openai.splice(at, 0, { ...openai[at]!, id, match: { starts_with: id }, prices: { ...prices, input_audio_mtok: 100, output_audio_mtok: 200, ...(prices.cache_audio_read_mtok ? { cache_audio_read_mtok: 20 } : {}) } });
}

/**
 * genai-prices' Azure list falls back to DeepSeek's own for DeepSeek's models, which Azure AI Foundry bills at rates of
 * its own that no list has (DeepSeek-R1: $1.35/$5.40 per million, a multiple of DeepSeek's API): unpriced, not billed
 * at another company's rate.
 */
const deepseekModels = new Set(models('deepseek'));

export interface TokenUsage {
  /** All input tokens, including cache reads and cache writes. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cachedTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic). */
  cacheWriteTokens?: number;
  /** Of the cache writes, those with a 1-hour TTL (Anthropic; a dearer rate than 5-minute writes). */
  cacheWrite1hTokens?: number;
  /** Server-side web searches, billed per search (Anthropic `server_tool_use.web_search_requests`). */
  webSearches?: number;
  /** File (vector store) searches, billed per call (OpenAI `file_search`; genai-prices' `storage_searches`). */
  fileSearches?: number;
  /** Of the input, audio tokens (OpenAI audio models bill them at their own, dearer rate). */
  inputAudioTokens?: number;
  /** Of the output, audio tokens. */
  outputAudioTokens?: number;
  /** Of the input, image tokens (gpt-image-* edits: the images sent, at the image-input rate). */
  inputImageTokens?: number;
  /**
   * Of the output, image tokens (gpt-image-* `output_tokens_details.image_tokens`). Models such as
   * gpt-image-1.5 bill them at an image-output rate ($32/M) apart from text output ($10/M).
   */
  outputImageTokens?: number;
  /** Seconds of audio, for models billed by duration (whisper-1; genai-prices' `audio_seconds`). */
  audioSeconds?: number;
}

export interface CallPrice {
  /** false when genai-prices knows no price for this model; the figures are then 0. */
  priced: boolean;
  totalUsd: number;
  inputUsd: number;
  outputUsd: number;
  /** The model id genai-prices matched (e.g. a dated snapshot resolves to its family). */
  matchedModel?: string;
  /**
   * The family a snapshot newer than any the price list has is priced as (`gpt-4o-2026-11-20`: "priced
   * as gpt-4o"): a figure borrowed, not the snapshot's own; say so beside it.
   */
  as?: string;
  /**
   * false when the matched price has rates but none per token (whisper-1 by the hour of audio,
   * Mistral's OCR models by the page): such a model has no $ per million tokens, not a $0 one.
   */
  perToken?: boolean;
}

const NOT_PRICED: CallPrice = { priced: false, totalUsd: 0, inputUsd: 0, outputUsd: 0 };

const knownProviders = new Map<string, boolean>();

/** Whether genai-prices has price data under this provider id (openai, anthropic, openrouter, groq…). */
export function isPricedProvider(provider: string): boolean {
  const id = provider.toLowerCase();
  let known = knownProviders.get(id);
  if (known === undefined) {
    known = findProvider({ providerId: id }) !== undefined;
    knownProviders.set(id, known);
  }
  return known;
}

const urlProviders = new Map<string, string | undefined>();

/** The genai-prices provider whose API this base URL is (api.groq.com is groq, *.openai.azure.com azure), if any. */
function providerAtUrl(baseUrl: string): string | undefined {
  if (urlProviders.has(baseUrl)) return urlProviders.get(baseUrl);
  const id = findProvider({ providerApiUrl: baseUrl })?.id;
  urlProviders.set(baseUrl, id);
  return id;
}

/**
 * The provider whose rates bill a call to an upstream, as genai-prices names it: the one whose API
 * the base URL points at, whatever the policy calls it (a provider named "fast" at api.groq.com
 * bills at Groq's rates; priced by its name as OpenAI, a Groq llama was unpriced and Groq's
 * gpt-oss-120b a third of its price), else the one its name names (a gateway or a local server
 * called "openrouter" or "xai"), else undefined: the caller prices it as its protocol.
 */
export function billingProvider(p: { name: string; baseUrl: string }): string | undefined {
  return providerAtUrl(p.baseUrl) ?? (isPricedProvider(p.name) ? p.name.toLowerCase() : undefined);
}

/**
 * The provider id a call to this upstream is priced under: its billing provider, else its protocol
 * (any other OpenAI-compatible server is priced as OpenAI). The one way the ledger, a budget's
 * downgrade and a price-capped fallback chain price a configured provider, so they agree.
 */
export function pricedAs(p: { name: string; baseUrl: string; kind: string }): string {
  return billingProvider(p) ?? p.kind;
}

/**
 * The model a provider's `priceAs` says to price this name as: an Azure deployment (`prod-4o`) or a
 * gateway alias is a name the provider's owner chose, which no price list knows (unpriced: $0 to the
 * ledger, refused by an `unpriced: block` budget). An exact key first, else the first glob that
 * matches; else the name itself.
 */
export function priceAsModel(p: { priceAs?: Record<string, string> | undefined } | undefined, model: string): string {
  const map = p?.priceAs;
  if (!map) return model;
  // Own keys only: a model named `constructor` or `toString` is no key of the map.
  if (Object.hasOwn(map, model)) return map[model]!;
  for (const [pattern, target] of Object.entries(map)) if (pattern.includes('*') && globMatch(pattern, model)) return target;
  return model;
}

/** Whether genai-prices prices this model by the token, as priceCall looks it up for this provider (a `priceAs` target must be). */
export function isPricedModel(model: string, provider?: string): boolean {
  const p = priceCall(model, { inputTokens: UNIT_SAMPLE_TOKENS, outputTokens: UNIT_SAMPLE_TOKENS }, provider);
  return p.priced && p.perToken !== false;
}

function providerIdFor(provider: string | undefined): string | undefined {
  return provider && isPricedProvider(provider) ? provider.toLowerCase() : undefined;
}

/**
 * A fine-tune with no rate of its own stays unpriced rather than billed as its cheaper base, and an
 * OpenRouter `:free` variant rather than billed at the paid model's rate.
 */
const soldApart = (model: string): boolean => fineTuneBase(model) !== undefined || /:free$/i.test(model);

/**
 * Other names to price a model under when its own is unknown: a Bedrock id at Bedrock's rates; a
 * gateway's `vendor/model` id (LiteLLM, Vercel AI Gateway, Together…, or Gemini's `models/…`) as the
 * model its vendor sells, under the vendor when genai-prices knows it; last, the model's own name
 * (tokens/modelName.ts: `openai:gpt-4o`, `azure_openai:…`, a Vertex resource name), under the
 * provider written before it when that is one (`groq:llama-3.3-70b-versatile`).
 */
function alternatives(model: string): { model: string; providerId?: string }[] {
  const out: { model: string; providerId?: string }[] = [];
  // genai-prices files Bedrock ids (with a cross-region prefix, or inside an inference-profile ARN)
  // under provider aws, at Bedrock's own rates (regional endpoints of newer models cost 10 % more).
  if (bedrockModelId(model)) out.push({ model, providerId: 'aws' });
  const slash = model.indexOf('/');
  if (slash > 0 && slash < model.length - 1 && !model.startsWith('arn:')) {
    // LiteLLM spells some providers with `_ai` (`fireworks_ai/`, `together_ai/`, `vertex_ai/`).
    const vendor = model.slice(0, slash).toLowerCase().replace(/_ai$/, '');
    const rest = model.slice(slash + 1);
    const providerId = vendor === 'models' ? 'google' : isPricedProvider(vendor) ? vendor : undefined;
    out.push(providerId ? { model: rest, providerId } : { model: rest });
  }
  if (soldApart(model)) return out;
  const own = modelOwnName(model);
  const head = /^([a-z][a-z_-]*):/i.exec(model.trim())?.[1];
  if (head && isPricedProvider(head)) out.push({ model: own, providerId: head.toLowerCase() });
  out.push({ model: own });
  return out;
}

/**
 * OpenRouter's routing variants (`openai/gpt-4o:nitro`, `:floor`, `:exacto`, and the web-search
 * `:online`): accepted on any model id, they only choose which host serves it, and the model's
 * price is the base model's (openrouter.ai/docs/guides/routing/model-variants). genai-prices lists
 * only the catalog variants that have prices of their own (`:free`, `:thinking`, `:extended`), so a
 * routing variant was unpriced: refused by an `unpriced: block` budget, $0 to the others.
 */
const ROUTING_VARIANT = /:(?:nitro|floor|exacto|online)$/i;

/**
 * Whether what follows the name a loose rule matched still names that model: words of a date, a
 * version (`v2`, `27b`, `@20241022`), `-latest`, `-preview`, `-exp`, Gemma's `-it`; after a colon
 * comes no model name (Bedrock's `:0`, a fine-tune's `:org::id`).
 */
const sameModelTail = (tail: string): boolean =>
  tail
    .split(':')[0]!
    .split(/[^a-z0-9]+/).every((w) => !/[a-z]/.test(w) || /^(?:latest|preview|exp|experimental|it|v\d+|\d+[a-z]+)$/.test(w));

/** A match rule's name conditions, each with whether an `and` holds it (there it only guards a loose rule: gemini-2.5-pro's "not -tts"). */
type Condition = Exclude<MatchLogic, { or: MatchLogic[] } | { and: MatchLogic[] }>;
const conditions = (c: MatchLogic, guard = false): [Condition, boolean][] =>
  'or' in c ? c.or.flatMap((d) => conditions(d, guard)) : 'and' in c ? c.and.flatMap((d) => conditions(d, true)) : [[c, guard]];

/**
 * Whether genai-prices matched `id` only by a prefix or substring of another model's name, and the
 * id goes on to name a model of its own: `deepseek-r1-distill-llama-70b`, a Llama distilled from
 * R1, starts with deepseek-reasoner's `deepseek-r1` and was billed at its rates. Its exact names
 * (`equals`) and patterns (`regex`) are the price list's own choices and stand.
 */
function crossesModel(id: string, m: { id: string; match: MatchLogic }): boolean {
  const name = id.trim().toLowerCase();
  let loose = false;
  let exact = name === m.id.toLowerCase();
  for (const [c, guard] of conditions(m.match)) {
    if ('equals' in c) exact ||= c.equals.toLowerCase() === name;
    else if ('regex' in c || 'ends_with' in c) exact ||= !guard;
    else {
      const v = ('starts_with' in c ? c.starts_with : c.contains).toLowerCase();
      const at = 'starts_with' in c ? (name.startsWith(v) ? 0 : -1) : name.indexOf(v);
      // What comes before a contained name is a namespace (`us.anthropic.`); what follows qualifies it.
      if (at >= 0 && sameModelTail(name.slice(at + v.length))) exact = true;
      else if (at >= 0) loose = true;
    }
  }
  return loose && !exact;
}

/**
 * A dated snapshot's family and date (YYYYMMDD): `gpt-4o-2026-11-20` or `claude-sonnet-4-20261001`,
 * one spelling, not mixed; none for a day no calendar has (`gpt-4o-2026-02-30`), which is no snapshot.
 */
function snapshotOf(id: string): { family: string; date: string } | undefined {
  const [, family, y, , m, d] = /^(.+)-(20\d{2})(-?)(\d{2})\3(\d{2})$/.exec(id) ?? [];
  if (!family || new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).toISOString().slice(0, 10) !== `${y}-${m}-${d}`) return undefined;
  return { family, date: `${y}${m}${d}` };
}

/**
 * Whether `date` (YYYYMMDD) is later than every snapshot of `family` the provider's price list names,
 * exactly (`gpt-4o-2024-05-13`, priced apart) or by a prefix (`claude-sonnet-4-2025`: any of 2025).
 * genai-prices matches some families' snapshots by pattern (gpt-5-mini: any date) but others only as
 * listed, so a snapshot released after the list was unpriced ($0, or refused by `unpriced: block`).
 * One it lists none after is the family's current model, priced as the family; one between listed
 * snapshots may have had a price of its own (gpt-4o-2024-05-13 was twice gpt-4o's) and stays unpriced.
 */
function newerThanListed(provider: { models: { match: MatchLogic }[] }, family: string, date: string): boolean {
  const prefix = `${family.toLowerCase()}-`;
  const names = provider.models.flatMap((m) => conditions(m.match)).map(([c]) => ('equals' in c ? c.equals : 'starts_with' in c ? c.starts_with : '').toLowerCase());
  const listed = names.map((n) => (n.startsWith(prefix) ? n.slice(prefix.length).replace(/-/g, '') : '')).filter((d) => /^20\d{2,6}$/.test(d));
  return listed.every((d) => date.slice(0, d.length) > d);
}

const memo = new Map<string, CallPrice>();

export function priceCall(model: string, usage: TokenUsage, provider?: string): CallPrice {
  const cached = Math.max(0, Math.min(usage.cachedTokens ?? 0, usage.inputTokens));
  const write = Math.max(0, Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens - cached));
  // genai-prices rejects a 1-hour share larger than all cache writes.
  const write1h = Math.max(0, Math.min(usage.cacheWrite1hTokens ?? 0, write));
  const searches = Math.max(0, usage.webSearches ?? 0);
  const fileSearches = Math.max(0, usage.fileSearches ?? 0);
  const audioIn = Math.max(0, Math.min(usage.inputAudioTokens ?? 0, usage.inputTokens));
  const audioOut = Math.max(0, Math.min(usage.outputAudioTokens ?? 0, usage.outputTokens));
  const imageIn = Math.max(0, Math.min(usage.inputImageTokens ?? 0, usage.inputTokens - audioIn));
  const imageOut = Math.max(0, Math.min(usage.outputImageTokens ?? 0, usage.outputTokens - audioOut));
  const seconds = Math.max(0, usage.audioSeconds ?? 0);
  const key = `${provider ?? ''}|${model}|${usage.inputTokens}|${usage.outputTokens}|${cached}|${write}|${write1h}|${searches}|${fileSearches}|${audioIn}|${audioOut}|${imageIn}|${imageOut}|${seconds}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const providerId = providerIdFor(provider);
  const genaiUsage = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    ...(cached ? { cache_read_tokens: cached } : {}),
    ...(write ? { cache_write_tokens: write } : {}),
    ...(write1h ? { cache_write_1h_tokens: write1h } : {}),
    ...(searches ? { web_searches: searches } : {}),
    ...(fileSearches ? { storage_searches: fileSearches } : {}),
  };
  const mediaUsage = {
    ...genaiUsage,
    ...(imageIn ? { input_image_tokens: imageIn } : {}),
    ...(imageOut ? { output_image_tokens: imageOut } : {}),
    ...(seconds ? { audio_seconds: seconds } : {}),
    ...(audioIn ? { input_audio_tokens: audioIn } : {}),
    ...(audioOut ? { output_audio_tokens: audioOut } : {}),
    // genai-prices needs the cached share of the audio when both are reported; OpenAI's chat usage
    // does not split it, so the overlap is the least the counts imply (audio mostly at its full rate).
    ...(audioIn && cached ? { cache_audio_read_tokens: Math.max(0, cached + audioIn - usage.inputTokens) } : {}),
  };
  // The family a newer snapshot than the price list's is priced as (set by lookUp).
  let borrowed: string | undefined;
  const lookUp = (u: Record<string, number>, id = model): ReturnType<typeof calcPrice> => {
    const find = (name: string, providerId?: string): ReturnType<typeof calcPrice> => {
      // Fireworks lists its models by path, which LiteLLM's `fireworks_ai/llama-v3p1-8b-instruct` and pydantic-ai's `fireworks:…` leave out.
      if (providerId === 'fireworks' && !name.startsWith('accounts/')) name = `accounts/fireworks/models/${name}`;
      const r = calcPrice(u, name, providerId ? { providerId } : undefined);
      return r && !crossesModel(name, r.model) ? r : null;
    };
    let r = find(id, providerId);
    // An OpenAI-compatible gateway (OpenRouter, vLLM…) may serve a model genai-prices files elsewhere.
    if (!r && providerId) r = find(id);
    // genai-prices finds openai unasked only for `gpt-`, `o1`…, not chatgpt-4o-latest, computer-use-preview or
    // omni-moderation-latest, and files fine-tunes under openai only: a name no provider claims is tried as OpenAI's,
    // as is an OpenAI model (OpenAI's tokenizer: tokens/models.ts) whoever passes it on.
    if (!r && providerId !== 'openai' && (!providerId || encodingForModel(id).exact)) r = find(id, 'openai');
    // A routing variant is its base model, at the base model's price where the call was made.
    const base = id.trim().replace(ROUTING_VARIANT, '');
    if (!r && base !== id.trim()) return lookUp(u, base);
    for (const alt of r ? [] : alternatives(id)) {
      r = find(alt.model, alt.providerId);
      if (r) break;
    }
    const snapshot = r || soldApart(id) ? undefined : snapshotOf(modelOwnName(id));
    if (snapshot) {
      const family = lookUp(u, snapshot.family);
      if (family && newerThanListed(family.provider, snapshot.family, snapshot.date)) borrowed = snapshot.family;
      return borrowed ? family : null;
    }
    return r;
  };
  let result: ReturnType<typeof calcPrice> = null;
  try {
    result = lookUp(mediaUsage);
  } catch {
    // Audio or image figures genai-prices cannot reconcile for this model: price the tokens as text
    // rather than leave the call unpriced.
    try {
      result = audioIn || audioOut || imageIn || imageOut ? lookUp(genaiUsage) : null;
    } catch {
      result = null;
    }
  }
  if (result && deepseekModels.has(result.model) && (providerId === 'azure' || /^azure(?:_ai)?[/:]/i.test(model.trim()))) result = null;
  const price: CallPrice = result
    ? { priced: true, totalUsd: result.total_price, inputUsd: result.input_price, outputUsd: result.output_price, matchedModel: result.model.id, perToken: billsTokens(result.model_price), ...(borrowed ? { as: borrowed } : {}) }
    : NOT_PRICED;
  // Some prices depend on when the call is made (genai-prices' conditional prices: DeepSeek's
  // off-peak hours, a price change from a start date). Such a figure holds only for this moment:
  // memoised, a proxy kept billing the rate of whatever hour first priced that usage.
  if (result && Array.isArray(result.model.prices)) return price;
  if (memo.size > 10_000) memo.clear();
  memo.set(key, price);
  return price;
}

/** Whether a genai-prices price bills tokens: a rate per million (`*_mtok`), or no rate at all (a free model). */
function billsTokens(price: Record<string, unknown>): boolean {
  const units = Object.keys(price).filter((k) => price[k] !== undefined);
  return units.length === 0 || units.some((k) => k.endsWith('_mtok'));
}

/** Tokens a unit price is measured on: a typical call's size, far below any long-context tier. */
const UNIT_SAMPLE_TOKENS = 1_000;

/**
 * Price per million tokens of input and output at a typical call's size (for CodeLens, lint and
 * downgrade comparisons). Measured on 1,000 tokens, not a million: models with long-context tiers
 * (claude-sonnet-4-5, gemini-2.5-pro) charge more once a prompt passes 200k tokens, and a million
 * input tokens would report that rate for every prompt. A fee charged per call whatever its tokens
 * (Perplexity's sonar models: $12–14 per 1,000 requests) is no per-token rate and is left out:
 * counted in, sonar-pro's $3/$15 per million read as $17/$29. A model billed by another unit only
 * (audio hours, pages) has no unit price: read as $0 per million, whisper-1 looked free.
 */
export function unitPrices(model: string, provider?: string): { inputPerMTok: number; outputPerMTok: number } | undefined {
  const p = priceCall(model, { inputTokens: UNIT_SAMPLE_TOKENS, outputTokens: 0 }, provider);
  const q = priceCall(model, { inputTokens: 0, outputTokens: UNIT_SAMPLE_TOKENS }, provider);
  if (!p.priced || !q.priced || p.perToken === false) return undefined;
  const perCall = priceCall(model, { inputTokens: 0, outputTokens: 0 }, provider).totalUsd;
  const perMTok = (usd: number) => Math.round((Math.max(0, usd - perCall) * 1e6) / UNIT_SAMPLE_TOKENS * 1e9) / 1e9;
  return { inputPerMTok: perMTok(p.totalUsd), outputPerMTok: perMTok(q.totalUsd) };
}
