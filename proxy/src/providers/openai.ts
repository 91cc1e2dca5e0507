/**
 * OpenAI wire protocol: chat completions, legacy completions, Responses API, embeddings, models,
 * images and audio.
 * Also used for every OpenAI-compatible upstream (Azure v1, OpenRouter, Ollama, vLLM).
 */
import { sseFrame } from './sse';
import { arr, num, obj, type EndpointId, type EndpointSpec, type Json, type NormalizedUsage, type StreamAssembler } from './types';
import { OPENAI_PATHS, routePaths } from './protocol';

/**
 * `usage` names its counts `prompt`/`completion` in chat and completions, `input`/`output` in the
 * Responses API; the output count includes reasoning (see below where a provider's does not). Audio tokens (gpt-audio, gpt-4o-audio-preview) are kept apart: audio models bill
 * them at several times the text rate. DeepSeek reports its prompt-cache hits as
 * `prompt_cache_hit_tokens` (billed at its cache-hit rate), without `prompt_tokens_details`.
 */
function usageNamed(input: 'prompt' | 'input', output: 'completion' | 'output'): (body: Json) => NormalizedUsage | undefined {
  return (body) => {
    const u = obj(body.usage);
    if (!u) return undefined;
    const inDetails = obj(u[`${input}_tokens_details`]);
    const outDetails = obj(u[`${output}_tokens_details`]);
    const inputAudio = num(inDetails?.audio_tokens);
    const outputAudio = num(outDetails?.audio_tokens);
    const inputTokens = num(u[`${input}_tokens`]);
    let outputTokens = num(u[`${output}_tokens`]);
    // OpenAI counts reasoning inside the output count; xAI (and some OpenAI-compatible shims) leave
    // it out, yet bill it as output. The total says which: prompt + output + reasoning = total.
    const reasoning = num(outDetails?.reasoning_tokens);
    if (reasoning > 0 && inputTokens + outputTokens + reasoning === num(u.total_tokens)) outputTokens += reasoning;
    // Gemini's OpenAI-compatible API leaves a thinking model's thoughts out of `completion_tokens`,
    // often without a `reasoning_tokens` detail, and counts them in `total_tokens`; Google bills them
    // as output (genai-prices' google extractor adds `thoughtsTokenCount` to the output).
    else if (reasoning === 0 && isGeminiModel(body.model)) outputTokens = Math.max(outputTokens, num(u.total_tokens) - inputTokens);
    // Perplexity (its usage has a `cost` breakdown) bills reasoning and citation tokens apart from
    // `completion_tokens` and outside `total_tokens`: they are output it generated (sonar-deep-research
    // reports ~100k reasoning tokens beside a few hundred completion tokens).
    if (usd(obj(u.cost)?.total_cost) !== undefined) outputTokens = Math.min(outputTokens + num(u.reasoning_tokens) + num(u.citation_tokens), 1e9);
    return {
      inputTokens,
      outputTokens,
      cachedTokens: typeof inDetails?.cached_tokens === 'number' ? num(inDetails.cached_tokens) : num(u.prompt_cache_hit_tokens),
      // Prompt-cache writes in the OpenAI shape: OpenRouter (and other gateways) in front of a model
      // that bills them (Claude: 1.25× input) report them in the details, as genai-prices reads them.
      // LiteLLM in front of Claude keeps Anthropic's name, `cache_creation_input_tokens`, at the top
      // level (and `cache_creation_tokens` in the details); its `prompt_tokens` includes them.
      cacheWriteTokens: num(inDetails?.cache_write_tokens) || num(u.cache_creation_input_tokens) || num(inDetails?.cache_creation_tokens),
      ...(inputAudio ? { inputAudioTokens: inputAudio } : {}),
      ...(outputAudio ? { outputAudioTokens: outputAudio } : {}),
      ...reportedCost(u),
    };
  };
}

/** A Gemini model, as Google's OpenAI-compatible API or a gateway in front of it names it (`gemini-2.5-flash`, `google/gemini-2.5-pro`). */
const isGeminiModel = (model: unknown): boolean => typeof model === 'string' && /(?:^|\/)gemini-/i.test(model);

/** A cost figure from an answer: a finite, non-negative number (0 is a real figure: a free model). */
const usd = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/**
 * OpenRouter's `usage.cost`: the credits (USD) the call was charged, at the rates of the host it was
 * routed to. With the user's own provider key (`is_byok`) that is OpenRouter's fee only, and the
 * host bills `cost_details.upstream_inference_cost` to that key. Perplexity's `usage.cost` is a
 * breakdown whose `total_cost` (USD) includes the request fee of the search context size used and
 * the per-search fees, which no price list can know from the tokens.
 */
function reportedCost(u: Json): { reportedCostUsd?: number } {
  const breakdown = usd(obj(u.cost)?.total_cost);
  if (breakdown !== undefined) return { reportedCostUsd: breakdown };
  const cost = usd(u.cost);
  if (cost === undefined) return {};
  const upstream = u.is_byok === true ? (usd(obj(u.cost_details)?.upstream_inference_cost) ?? 0) : 0;
  return { reportedCostUsd: cost + upstream };
}
const chatUsage = usageNamed('prompt', 'completion');

/**
 * Built-in tools the Responses API bills per call on top of tokens, which its usage block does
 * not count: each `web_search_call` item that searched (its `action` a `search`, or none in older
 * answers; opening or reading a page is part of that search) and each `file_search_call` item
 * (genai-prices' `web_searches` and `storage_searches`). A failed call is not billed.
 */
function responsesToolCalls(body: Json): Pick<NormalizedUsage, 'webSearches' | 'fileSearches'> {
  let webSearches = 0;
  let fileSearches = 0;
  for (const o of arr(body.output)) {
    const item = obj(o);
    if (!item || item.status === 'failed') continue;
    const action = obj(item.action)?.type;
    if (item.type === 'web_search_call' && (action === undefined || action === 'search')) webSearches++;
    else if (item.type === 'file_search_call') fileSearches++;
  }
  return { ...(webSearches ? { webSearches } : {}), ...(fileSearches ? { fileSearches } : {}) };
}

const responsesTokens = usageNamed('input', 'output');
export function responsesUsage(body: Json): NormalizedUsage | undefined {
  const u = responsesTokens(body);
  return u ? { ...u, ...responsesToolCalls(body) } : undefined;
}

/**
 * Upstreams that end every stream with its usage unasked and answer 422 ("Extra inputs are not
 * permitted") to a request carrying `stream_options`: Mistral's API. Asking them for usage would
 * fail every streamed call.
 */
const USAGE_UNASKED_HOSTS: ReadonlySet<string> = new Set(['api.mistral.ai', 'codestral.mistral.ai']);

function streamsUsageUnasked(baseUrl: string | undefined): boolean {
  try {
    return baseUrl !== undefined && USAGE_UNASKED_HOSTS.has(new URL(baseUrl).hostname.toLowerCase());
  } catch {
    return false;
  }
}

function includeUsageInStream(body: Json, upstreamBaseUrl?: string): boolean {
  if (streamsUsageUnasked(upstreamBaseUrl)) return false;
  const so = obj(body.stream_options);
  if (so?.include_usage === true) return false;
  body.stream_options = { ...(so ?? {}), include_usage: true };
  return true;
}

interface ToolCallAcc {
  index: number;
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
  /**
   * A provider's own fields on the call, their last value: Gemini's `extra_content.google.thought_signature`
   * (ai.google.dev/gemini-api/docs/thought-signatures), which Gemini 3 refuses a next turn without (400).
   */
  extras: Json;
}

/** Tool-call fields OpenAI defines in a delta, assembled apart. */
const TOOL_CALL_FIELDS: ReadonlySet<string> = new Set(['index', 'id', 'type', 'function']);

interface ChoiceAcc {
  index: number;
  role?: string;
  content: string | null;
  /** Content as typed chunks (Mistral's reasoning models: `thinking` then `text`), once a delta sends a list. */
  parts?: Json[];
  refusal: string | null;
  toolCalls: Map<number, ToolCallAcc>;
  /** The tool call the last delta went to: where a delta without an `index` (Gemini) belongs. */
  lastToolCall?: number;
  /** The legacy `function_call` (the `functions` parameter), as its deltas spell it. */
  functionCall?: { name: string; arguments: string };
  finishReason: unknown;
  logprobs: unknown;
  /** Audio output (`modalities: ["audio"]`): its id and expiry, and the transcript and base64 data the deltas spell out. */
  audio?: Json;
  /** `url_citation` annotations (search models, `web_search_options`), which a stream sends in `delta.annotations`. */
  annotations?: unknown[];
  /** A provider's own message fields, as its deltas spell them (see appendExtra). */
  extras: Json;
  /** A provider's own fields on the choice beside its delta (Azure `content_filter_results`, vLLM `stop_reason`): the last value. */
  choiceExtras: Json;
}

/** The text chunks of a `thinking` part, adjacent text chunks joined. */
function joinTextChunks(chunks: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const c of chunks) {
    const chunk = obj(c);
    const last = obj(out[out.length - 1]);
    if (chunk?.type === 'text' && last?.type === 'text' && typeof chunk.text === 'string' && typeof last.text === 'string') out[out.length - 1] = { ...last, text: last.text + chunk.text };
    else out.push(c);
  }
  return out;
}

/**
 * Content sent as a list of typed chunks (Mistral's Magistral and reasoning-effort models stream
 * `[{type: "thinking", thinking: [{type: "text", text}]}]`, then `text` chunks) onto the message's
 * parts, a chunk of the same type as the last one joined to it, as the JSON answer has them. Read
 * as text only, such an answer was assembled with no content and cached empty.
 */
function appendParts(parts: Json[], delta: unknown[]): void {
  for (const p of delta) {
    const part = obj(p);
    if (!part) continue;
    const last = parts[parts.length - 1];
    if (last?.type === 'text' && part.type === 'text' && typeof part.text === 'string') last.text = String(last.text ?? '') + part.text;
    else if (last?.type === 'thinking' && part.type === 'thinking' && Array.isArray(part.thinking)) last.thinking = joinTextChunks([...arr(last.thinking), ...part.thinking]);
    else parts.push({ ...part });
  }
}

/** Delta fields OpenAI defines, assembled one by one in ChatAssembler.accept. */
const DELTA_FIELDS: ReadonlySet<string> = new Set(['role', 'content', 'refusal', 'audio', 'annotations', 'tool_calls', 'function_call']);
/** Choice fields OpenAI defines in a chunk. */
const CHUNK_CHOICE_FIELDS: ReadonlySet<string> = new Set(['index', 'delta', 'finish_reason', 'logprobs']);
/**
 * Chunk fields OpenAI defines, read apart; `obfuscation` pads each chunk to a random length and
 * says nothing about the answer.
 */
const CHUNK_FIELDS: ReadonlySet<string> = new Set(['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier', 'choices', 'usage', 'obfuscation']);

/**
 * A provider's own delta field onto the message: text in pieces is joined (DeepSeek's, xAI's and
 * vLLM's `reasoning_content`, OpenRouter's and Groq's `reasoning`), OpenRouter's
 * `reasoning_details` fragments are merged into the entries its JSON answer has
 * (mergeReasoningDetails), other lists are joined, anything else keeps its last value. A null is
 * "nothing in this chunk". Without this an answer replayed from the cache lacked what the client
 * got the first time.
 */
function appendExtra(extras: Json, key: string, v: unknown): void {
  if (v === null || v === undefined) return;
  const cur = extras[key];
  if (typeof v === 'string') extras[key] = (typeof cur === 'string' ? cur : '') + v;
  else if (key === 'reasoning_details' && Array.isArray(v)) extras[key] = mergeReasoningDetails(arr(cur), v);
  else if (Array.isArray(v)) extras[key] = [...arr(cur), ...v];
  else extras[key] = v;
}

/** The pieces of a `reasoning_details` entry a stream spells out across chunks. */
const REASONING_DETAIL_TEXT: ReadonlySet<string> = new Set(['text', 'summary', 'data']);

/**
 * OpenRouter streams `reasoning_details` as fragments of the entries of its JSON answer
 * (openrouter.ai/docs, "Reasoning Tokens": `reasoning.text` {text, signature},
 * `reasoning.summary` {summary}, `reasoning.encrypted` {data}, each with `index` and `format`):
 * every chunk carries a piece of the entry at its `index`; one index may hold entries of two types
 * (OpenAI models: the `reasoning.summary` at index 0, then its `reasoning.encrypted`). A fragment is
 * joined to the entry of the same index and type (or, without an index, to the last entry of its
 * type): its text pieces concatenated, other fields (`signature`, `id`, `format`) their last
 * non-null value. Kept as a list, a cached answer had one entry per chunk, and a client that sends
 * them back next turn (Anthropic needs the signed thinking whole) was refused.
 */
function mergeReasoningDetails(entries: unknown[], fragments: unknown[]): unknown[] {
  // The entries are the assembler's own copies (made below), so they are merged into in place.
  const out = [...entries];
  for (const f of fragments) {
    const frag = obj(f);
    if (!frag) {
      out.push(f);
      continue;
    }
    const sameType = (e: unknown): e is Json => obj(e)?.type === frag.type;
    const target =
      frag.index !== undefined && frag.index !== null
        ? out.find((e): e is Json => sameType(e) && obj(e)?.index === frag.index)
        : out.findLast((e): e is Json => sameType(e));
    if (!target) {
      out.push({ ...frag });
      continue;
    }
    for (const [k, v] of Object.entries(frag)) {
      if (v === null || v === undefined) continue;
      if (REASONING_DETAIL_TEXT.has(k) && typeof v === 'string') target[k] = (typeof target[k] === 'string' ? target[k] : '') + v;
      else target[k] = v;
    }
  }
  return out;
}

/** A chunk's `delta.audio` onto the answer's: `transcript` and `data` arrive in pieces, `id` and `expires_at` once. */
function appendAudio(acc: Json | undefined, delta: Json): Json {
  const out: Json = { ...(acc ?? {}) };
  for (const [k, v] of Object.entries(delta)) {
    if ((k === 'transcript' || k === 'data') && typeof v === 'string') out[k] = (typeof out[k] === 'string' ? out[k] : '') + v;
    else if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/** A chunk's `logprobs` cover its own tokens only: the answer's are the concatenation, per kind. */
function appendLogprobs(acc: Json | undefined, chunk: Json): Json {
  const out: Json = { content: null, refusal: null, ...(acc ?? {}) };
  for (const [k, v] of Object.entries(chunk)) {
    if (k === 'content' || k === 'refusal') {
      if (Array.isArray(v)) out[k] = [...arr(out[k]), ...v];
    } else out[k] = v;
  }
  return out;
}

/**
 * A function name in a delta onto the name so far. OpenAI sends it once, in a call's first delta;
 * Fireworks, NVIDIA NIM (MiniMax) and some OpenAI models send it again in every delta, and the
 * OpenAI SDK keeps the last one: joined, a cached call named `get_weatherget_weather` was replayed
 * to every later client. A piece that repeats, or extends, the name so far replaces it; another is
 * appended (a name sent in pieces).
 */
function joinName(sofar: string, piece: string): string {
  if (piece === '') return sofar;
  return piece.startsWith(sofar) ? piece : sofar + piece;
}

/**
 * The tool call a delta belongs to: its `index`. Gemini's OpenAI-compatible API sends none: each
 * call comes with its own `id` (parallel calls one after another), and a delta without an id goes
 * on the call before it. Read as index 0, parallel calls were merged into one whose arguments were
 * their JSON objects end to end.
 */
function toolCallIndex(acc: ChoiceAcc, tc: Json): number {
  if (typeof tc.index === 'number') return num(tc.index);
  const last = acc.lastToolCall;
  if (last === undefined) return 0;
  const lastId = acc.toolCalls.get(last)?.id;
  if (typeof tc.id === 'string' && lastId !== undefined && tc.id !== lastId) return Math.max(...acc.toolCalls.keys()) + 1;
  return last;
}

/** At least one choice, and a finish_reason on each. */
function allFinished(finishReasons: unknown[]): boolean {
  return finishReasons.length > 0 && finishReasons.every((f) => typeof f === 'string' && f.length > 0);
}

class ChatAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private base: Json = {};
  /** A provider's own top-level fields (Perplexity `citations`, Azure `prompt_filter_results`, llama.cpp `timings`): the last value. No prototype (nor any bag here): a `__proto__` field stays a field. */
  private extras: Json = Object.create(null);
  private usage: unknown;
  private choices = new Map<number, ChoiceAcc>();

  accept(_frame: unknown, json: Json | undefined): void {
    if (_frame && (_frame as { data: string }).data === '[DONE]') {
      this.complete = true;
      return;
    }
    if (!json) return;
    if (json.error) {
      this.error = obj(json.error) ?? { message: String(json.error) };
      return;
    }
    for (const k of ['id', 'created', 'model', 'system_fingerprint', 'service_tier']) if (json[k] !== undefined && json[k] !== null) this.base[k] = json[k];
    for (const [k, v] of Object.entries(json)) if (!CHUNK_FIELDS.has(k) && v !== null && v !== undefined) this.extras[k] = v;
    // Groq streams its usage as `x_groq.usage` on the last chunk rather than a `usage` chunk.
    if (json.usage) this.usage = json.usage;
    else if (obj(json.x_groq)?.usage) this.usage = obj(json.x_groq)?.usage;
    for (const c of arr(json.choices)) {
      const choice = obj(c);
      if (!choice) continue;
      const index = num(choice.index);
      let acc = this.choices.get(index);
      if (!acc) {
        acc = { index, content: null, refusal: null, toolCalls: new Map(), finishReason: null, logprobs: null, extras: Object.create(null), choiceExtras: Object.create(null) };
        this.choices.set(index, acc);
      }
      const delta = obj(choice.delta) ?? {};
      if (typeof delta.role === 'string') acc.role = delta.role;
      if (Array.isArray(delta.content)) {
        // Text streamed before the first list becomes its first text part.
        acc.parts ??= acc.content ? [{ type: 'text', text: acc.content }] : [];
        appendParts(acc.parts, delta.content);
      } else if (typeof delta.content === 'string') {
        if (acc.parts) appendParts(acc.parts, delta.content ? [{ type: 'text', text: delta.content }] : []);
        else acc.content = (acc.content ?? '') + delta.content;
      }
      if (typeof delta.refusal === 'string') acc.refusal = (acc.refusal ?? '') + delta.refusal;
      const audio = obj(delta.audio);
      if (audio) acc.audio = appendAudio(acc.audio, audio);
      if (Array.isArray(delta.annotations)) acc.annotations = [...(acc.annotations ?? []), ...delta.annotations];
      for (const [k, v] of Object.entries(delta)) if (!DELTA_FIELDS.has(k)) appendExtra(acc.extras, k, v);
      for (const [k, v] of Object.entries(choice)) if (!CHUNK_CHOICE_FIELDS.has(k) && v !== null && v !== undefined) acc.choiceExtras[k] = v;
      for (const t of arr(delta.tool_calls)) {
        const tc = obj(t);
        if (!tc) continue;
        const ti = toolCallIndex(acc, tc);
        const cur = acc.toolCalls.get(ti) ?? { index: ti, function: { name: '', arguments: '' }, extras: Object.create(null) as Json };
        if (typeof tc.id === 'string') cur.id = tc.id;
        for (const [k, v] of Object.entries(tc)) if (!TOOL_CALL_FIELDS.has(k) && v !== null && v !== undefined) cur.extras[k] = v;
        if (typeof tc.type === 'string') cur.type = tc.type;
        const fn = obj(tc.function);
        if (typeof fn?.name === 'string') cur.function.name = joinName(cur.function.name, fn.name);
        if (typeof fn?.arguments === 'string') cur.function.arguments += fn.arguments;
        acc.toolCalls.set(ti, cur);
        acc.lastToolCall = ti;
      }
      const fc = obj(delta.function_call);
      if (fc) {
        const cur = acc.functionCall ?? { name: '', arguments: '' };
        if (typeof fc.name === 'string') cur.name = joinName(cur.name, fc.name);
        if (typeof fc.arguments === 'string') cur.arguments += fc.arguments;
        acc.functionCall = cur;
      }
      if (choice.finish_reason) acc.finishReason = choice.finish_reason;
      const logprobs = obj(choice.logprobs);
      if (logprobs) acc.logprobs = appendLogprobs(obj(acc.logprobs), logprobs);
    }
  }

  /**
   * `data: [DONE]` is not the only complete end: vLLM, llama.cpp and other OpenAI-compatible
   * servers may close the stream after the finish_reason (and usage) chunk without it, and the
   * OpenAI SDKs read such a stream as whole. Every choice having its finish_reason is what a whole
   * answer looks like; a stream cut mid-answer has a choice without one (or none at all).
   */
  endOfStream(): void {
    this.complete = !this.error && allFinished([...this.choices.values()].map((c) => c.finishReason));
  }

  result(): Json {
    const choices = [...this.choices.values()]
      .sort((a, b) => a.index - b.index)
      .map((c) => {
        const message: Json = { role: c.role ?? 'assistant', content: c.parts ?? c.content, refusal: c.refusal, ...c.extras };
        if (c.annotations) message.annotations = c.annotations;
        if (c.audio) message.audio = c.audio;
        if (c.functionCall) message.function_call = c.functionCall;
        if (c.toolCalls.size > 0) {
          message.tool_calls = [...c.toolCalls.values()]
            .sort((a, b) => a.index - b.index)
            .map((t) => ({ id: t.id, type: t.type ?? 'function', function: t.function, ...t.extras }));
        }
        return { index: c.index, message, logprobs: c.logprobs, finish_reason: c.finishReason, ...c.choiceExtras };
      });
    return { ...this.extras, ...this.base, object: 'chat.completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

/**
 * A stored text cut into the chunks a stream would carry it in, each with its tokens' logprobs:
 * one chunk per token when the tokens spell the text (as OpenAI streams them), else one chunk
 * with all of them. Without logprobs, the text in one chunk.
 */
function textPieces(text: string, logprobs: unknown[]): { text: string; logprobs?: unknown[] }[] {
  if (logprobs.length === 0) return [{ text }];
  const tokens = logprobs.map((l) => obj(l)?.token);
  if (tokens.every((t): t is string => typeof t === 'string' && t.length > 0) && tokens.join('') === text) {
    return tokens.map((t, i) => ({ text: t, logprobs: [logprobs[i]] }));
  }
  return [{ text, logprobs }];
}

/** The fields of `body` not named in `known` and not null: what a provider adds to OpenAI's shape. */
function othersThan(body: Json, known: ReadonlySet<string>): Json {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => !known.has(k) && v !== null && v !== undefined));
}

/** Message fields OpenAI defines, replayed one by one in replayChat. */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set(['role', 'content', 'refusal', 'annotations', 'audio', 'tool_calls', 'function_call']);
const ANSWER_CHOICE_FIELDS: ReadonlySet<string> = new Set(['index', 'message', 'finish_reason', 'logprobs']);

function replayChat(body: Json, opts: { includeUsage: boolean }): string[] {
  const base = {
    // A provider's own top-level fields (Perplexity `citations` and `search_results`, Azure
    // `prompt_filter_results`) on every chunk, as Perplexity sends them: a client may read any chunk.
    ...othersThan(body, CHUNK_FIELDS),
    id: body.id,
    object: 'chat.completion.chunk',
    created: body.created,
    model: body.model,
    ...(body.system_fingerprint !== undefined ? { system_fingerprint: body.system_fingerprint } : {}),
    ...(body.service_tier !== undefined ? { service_tier: body.service_tier } : {}),
  };
  const frames: string[] = [];
  const u = opts.includeUsage ? { usage: null } : {};
  for (const c of arr(body.choices)) {
    const choice = obj(c) ?? {};
    const msg = obj(choice.message) ?? {};
    const index = num(choice.index);
    // A tool-call-only answer has content null, and its first chunk says so (as OpenAI's does).
    const first = { role: msg.role ?? 'assistant', content: msg.content === null ? null : '' };
    frames.push(sseFrame({ ...base, choices: [{ index, delta: first, logprobs: null, finish_reason: null }], ...u }));
    // A provider's own message fields (DeepSeek's `reasoning_content`, OpenRouter's `reasoning`)
    // before the content, as reasoning models stream them.
    for (const [k, v] of Object.entries(othersThan(msg, MESSAGE_FIELDS))) {
      frames.push(sseFrame({ ...base, choices: [{ index, delta: { [k]: v }, logprobs: null, finish_reason: null }], ...u }));
    }
    // Content as typed chunks (Mistral's reasoning models) in one delta, as the list it is.
    if (Array.isArray(msg.content) && msg.content.length > 0) frames.push(sseFrame({ ...base, choices: [{ index, delta: { content: msg.content }, logprobs: null, finish_reason: null }], ...u }));
    const logprobs = obj(choice.logprobs);
    for (const kind of ['content', 'refusal'] as const) {
      const text = msg[kind];
      if (typeof text !== 'string' || text.length === 0) continue;
      for (const piece of textPieces(text, arr(logprobs?.[kind]))) {
        const lp = piece.logprobs ? { content: null, refusal: null, [kind]: piece.logprobs } : null;
        frames.push(sseFrame({ ...base, choices: [{ index, delta: { [kind]: piece.text }, logprobs: lp, finish_reason: null }], ...u }));
      }
    }
    const annotations = arr(msg.annotations);
    if (annotations.length > 0) frames.push(sseFrame({ ...base, choices: [{ index, delta: { annotations }, logprobs: null, finish_reason: null }], ...u }));
    // Audio as OpenAI streams it: the id with the transcript, then the data, then its expiry.
    const audio = obj(msg.audio);
    if (audio) {
      const { transcript, data, expires_at: expiresAt, ...rest } = audio;
      for (const part of [{ ...rest, transcript: transcript ?? '' }, { data: data ?? '' }, ...(expiresAt !== undefined ? [{ expires_at: expiresAt }] : [])]) {
        frames.push(sseFrame({ ...base, choices: [{ index, delta: { audio: part }, logprobs: null, finish_reason: null }], ...u }));
      }
    }
    // The legacy `function_call` (the `functions` parameter), whole in one delta.
    const functionCall = obj(msg.function_call);
    if (functionCall) frames.push(sseFrame({ ...base, choices: [{ index, delta: { function_call: functionCall }, logprobs: null, finish_reason: null }], ...u }));
    const toolCalls = arr(msg.tool_calls).map((t, i) => ({ index: i, ...(obj(t) ?? {}) }));
    if (toolCalls.length > 0) frames.push(sseFrame({ ...base, choices: [{ index, delta: { tool_calls: toolCalls }, logprobs: null, finish_reason: null }], ...u }));
    frames.push(sseFrame({ ...base, choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop', ...othersThan(choice, ANSWER_CHOICE_FIELDS) }], ...u }));
  }
  if (opts.includeUsage && body.usage) frames.push(sseFrame({ ...base, choices: [], usage: body.usage }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

class CompletionAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private base: Json = {};
  private usage: unknown;
  private texts = new Map<number, { text: string; finish: unknown; logprobs?: Json }>();

  accept(frame: unknown, json: Json | undefined): void {
    if ((frame as { data: string }).data === '[DONE]') {
      this.complete = true;
      return;
    }
    if (!json) return;
    if (json.error) {
      this.error = obj(json.error) ?? {};
      return;
    }
    for (const k of ['id', 'created', 'model', 'system_fingerprint']) if (json[k] !== undefined && json[k] !== null) this.base[k] = json[k];
    if (json.usage) this.usage = json.usage;
    for (const c of arr(json.choices)) {
      const ch = obj(c);
      if (!ch) continue;
      const i = num(ch.index);
      const cur = this.texts.get(i) ?? { text: '', finish: null };
      if (typeof ch.text === 'string') cur.text += ch.text;
      if (ch.finish_reason) cur.finish = ch.finish_reason;
      const logprobs = obj(ch.logprobs);
      if (logprobs) cur.logprobs = appendCompletionLogprobs(cur.logprobs, logprobs);
      this.texts.set(i, cur);
    }
  }

  /** As ChatAssembler.endOfStream: a stream closed without `[DONE]` is whole when every choice finished. */
  endOfStream(): void {
    this.complete = !this.error && allFinished([...this.texts.values()].map((c) => c.finish));
  }

  result(): Json {
    const choices = [...this.texts.entries()].sort((a, b) => a[0] - b[0]).map(([index, c]) => ({ text: c.text, index, logprobs: c.logprobs ?? null, finish_reason: c.finish }));
    return { ...this.base, object: 'text_completion', choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}

/**
 * A completions chunk's `logprobs` (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`, one
 * entry per token of its text) onto the answer's: each list the concatenation. Without this a
 * streamed answer was stored with `logprobs: null`, and an eval harness reading the cached answer
 * found none.
 */
function appendCompletionLogprobs(acc: Json | undefined, chunk: Json): Json {
  // In place: copying the accumulated lists for every chunk made a long stream quadratic.
  const out: Json = acc ?? {};
  for (const [k, v] of Object.entries(chunk)) {
    if (!Array.isArray(v)) out[k] = v;
    else if (Array.isArray(out[k])) for (const x of v) (out[k] as unknown[]).push(x);
    else out[k] = [...v];
  }
  return out;
}

function replayCompletion(body: Json, opts: { includeUsage: boolean }): string[] {
  const base = { id: body.id, object: 'text_completion', created: body.created, model: body.model };
  const u = opts.includeUsage ? { usage: null } : {};
  const frames: string[] = [];
  for (const c of arr(body.choices)) {
    const ch = obj(c) ?? {};
    frames.push(sseFrame({ ...base, choices: [{ text: ch.text ?? '', index: num(ch.index), logprobs: ch.logprobs ?? null, finish_reason: null }], ...u }));
    frames.push(sseFrame({ ...base, choices: [{ text: '', index: num(ch.index), logprobs: null, finish_reason: ch.finish_reason ?? 'stop' }], ...u }));
  }
  if (opts.includeUsage && body.usage) frames.push(sseFrame({ ...base, choices: [], usage: body.usage }));
  frames.push('data: [DONE]\n\n');
  return frames;
}

/** The string fields an event's `delta` extends (and its `.done` sets) on an output item. */
const ITEM_DELTAS: Record<string, { itemType: string; field: string }> = {
  'response.function_call_arguments': { itemType: 'function_call', field: 'arguments' },
  'response.custom_tool_call_input': { itemType: 'custom_tool_call', field: 'input' },
  'response.mcp_call_arguments': { itemType: 'mcp_call', field: 'arguments' },
  'response.code_interpreter_call_code': { itemType: 'code_interpreter_call', field: 'code' },
};

/** The same for a part of an item's `content` (a message's, a reasoning item's text) or `summary` list. */
const PART_DELTAS: Record<string, { list: 'content' | 'summary'; partType: string; field: string }> = {
  'response.output_text': { list: 'content', partType: 'output_text', field: 'text' },
  'response.refusal': { list: 'content', partType: 'refusal', field: 'refusal' },
  'response.reasoning_text': { list: 'content', partType: 'reasoning_text', field: 'text' },
  'response.reasoning_summary_text': { list: 'summary', partType: 'summary_text', field: 'text' },
};

/**
 * The Responses API's terminal event carries the whole response: that is the assembled body.
 * `response.incomplete` is such an end too (a billed answer cut by max_output_tokens or a content
 * filter, as the JSON answer with status "incomplete" is). Until one arrives, the output items are
 * built from the deltas, so a stream cut short (reset, `error` event) keeps what was generated.
 */
class ResponsesAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private final: Json | undefined;
  private snapshot: Json = {};
  private output: Json[] = [];

  accept(_frame: unknown, json: Json | undefined): void {
    if (!json) return;
    const type = typeof json.type === 'string' ? json.type : '';
    const at = num(json.output_index);
    switch (type) {
      case 'response.completed':
      case 'response.incomplete':
        this.final = obj(json.response) ?? {};
        this.complete = true;
        return;
      case 'response.failed': {
        this.final = obj(json.response) ?? {};
        // What went wrong is the error's `code` (`server_error`, `rate_limit_exceeded`): the ledger's errorType.
        const err = obj(this.final.error);
        this.error = { ...(err ?? { message: type }), type: typeof err?.code === 'string' ? err.code : 'response_failed' };
        return;
      }
      case 'error':
        // The event's own `type` is "error"; what went wrong is its `code` (the ledger's errorType).
        this.error = { ...json, type: typeof json.code === 'string' ? json.code : 'stream_error' };
        return;
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.snapshot = obj(json.response) ?? this.snapshot;
        return;
      // Kept, not copied: each frame's JSON is parsed for this stream alone (a copy recursed, and
      // failed mid-relay, on an item nested deeper than the stack).
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const item = obj(json.item);
        if (item) this.output[at] = item;
        return;
      }
      case 'response.content_part.added':
      case 'response.content_part.done': {
        const part = obj(json.part);
        if (part) this.list(at, 'content')[num(json.content_index)] = part;
        return;
      }
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_part.done': {
        const part = obj(json.part);
        if (part) this.list(at, 'summary')[num(json.summary_index)] = part;
        return;
      }
    }
    const base = type.slice(0, type.lastIndexOf('.'));
    const p = PART_DELTAS[base];
    const d = ITEM_DELTAS[base];
    const target = p ? this.part(at, p.list, num(json[`${p.list}_index`]), p.partType) : d && this.item(at, d.itemType);
    const field = (p ?? d)?.field;
    if (!target || !field) return;
    if (type.endsWith('.delta')) this.append(target, field, json.delta);
    else if (type.endsWith('.done')) this.set(target, field, json[field]);
  }

  result(): Json {
    const built = this.output.filter((o): o is Json => !!o);
    // The terminal event's response is the answer, but ChatGPT's Codex backend and several gateways
    // send it with an empty (or no) `output` after streaming the items: kept as it came, the answer
    // was empty to the cache (never stored) and its web and file searches went unbilled.
    if (this.complete && this.final) return arr(this.final.output).length > 0 || built.length === 0 ? this.final : { ...this.final, output: built };
    // Cut short (or failed): what was generated so far, on the last snapshot of the response.
    const final = this.final ?? {};
    return { ...this.snapshot, ...final, output: arr(final.output).length > 0 ? final.output : built };
  }

  private item(at: number, type: string): Json {
    let item = this.output[at];
    if (!item) {
      item = { type };
      this.output[at] = item;
    }
    return item;
  }

  private list(at: number, key: 'content' | 'summary'): Json[] {
    const item = this.item(at, key === 'summary' ? 'reasoning' : 'message');
    if (!Array.isArray(item[key])) item[key] = [];
    return item[key] as Json[];
  }

  private part(at: number, key: 'content' | 'summary', index: number, type: string): Json {
    const list = this.list(at, key);
    let part = list[index];
    if (!part) {
      part = { type };
      list[index] = part;
    }
    return part;
  }

  private append(target: Json, field: string, delta: unknown): void {
    if (typeof delta === 'string') target[field] = (typeof target[field] === 'string' ? target[field] : '') + delta;
  }

  private set(target: Json, field: string, value: unknown): void {
    if (typeof value === 'string') target[field] = value;
  }
}

/** The lifecycle events a real stream sends for a tool item, around its deltas, after `added`. */
const ITEM_PROGRESS: Record<string, { before: string[]; deltas?: { event: string; field: string }; after: string[] }> = {
  function_call: { before: [], deltas: { event: 'response.function_call_arguments', field: 'arguments' }, after: [] },
  custom_tool_call: { before: [], deltas: { event: 'response.custom_tool_call_input', field: 'input' }, after: [] },
  mcp_call: { before: ['in_progress'], deltas: { event: 'response.mcp_call_arguments', field: 'arguments' }, after: ['completed'] },
  code_interpreter_call: { before: ['in_progress'], deltas: { event: 'response.code_interpreter_call_code', field: 'code' }, after: ['interpreting', 'completed'] },
  web_search_call: { before: ['in_progress', 'searching'], after: ['completed'] },
  file_search_call: { before: ['in_progress', 'searching'], after: ['completed'] },
  image_generation_call: { before: ['in_progress', 'generating'], after: ['completed'] },
  mcp_list_tools: { before: ['in_progress'], after: ['completed'] },
};

/**
 * A stored Responses body as the event stream the API sends: each output item with the events of
 * its type (text, refusal and reasoning deltas, function-call arguments, tool-call progress), and
 * the terminal event the stream ended with (`response.incomplete` for an incomplete answer).
 */
function replayResponses(body: Json): string[] {
  let seq = 0;
  const frames: string[] = [];
  const ev = (type: string, o: Json) => {
    frames.push(sseFrame({ type, sequence_number: seq++, ...o }, type));
  };
  const inProgress: Json = { ...body, status: 'in_progress', output: [], usage: null };
  for (const k of ['error', 'incomplete_details', 'completed_at']) if (k in body) inProgress[k] = null;
  ev('response.created', { response: inProgress });
  ev('response.in_progress', { response: inProgress });
  arr(body.output).forEach((item, outputIndex) => {
    const it = obj(item) ?? {};
    const itemId = it.id;
    const at = { item_id: itemId, output_index: outputIndex };
    const status = 'status' in it ? { status: 'in_progress' } : {};
    if (it.type === 'message') {
      ev('response.output_item.added', { output_index: outputIndex, item: { ...it, ...status, content: [] } });
      arr(it.content).forEach((part, contentIndex) => {
        const p = obj(part) ?? {};
        const pa = { ...at, content_index: contentIndex };
        if (p.type === 'output_text' && typeof p.text === 'string') {
          const logprobs = arr(p.logprobs);
          ev('response.content_part.added', { ...pa, part: { ...p, annotations: [], ...('logprobs' in p ? { logprobs: [] } : {}), text: '' } });
          if (p.text.length > 0) ev('response.output_text.delta', { ...pa, delta: p.text, logprobs });
          arr(p.annotations).forEach((annotation, annotationIndex) => {
            ev('response.output_text.annotation.added', { ...pa, annotation_index: annotationIndex, annotation });
          });
          ev('response.output_text.done', { ...pa, text: p.text, logprobs });
        } else if (p.type === 'refusal' && typeof p.refusal === 'string') {
          ev('response.content_part.added', { ...pa, part: { ...p, refusal: '' } });
          if (p.refusal.length > 0) ev('response.refusal.delta', { ...pa, delta: p.refusal });
          ev('response.refusal.done', { ...pa, refusal: p.refusal });
        } else {
          ev('response.content_part.added', { ...pa, part: p });
        }
        ev('response.content_part.done', { ...pa, part: p });
      });
    } else if (it.type === 'reasoning') {
      const content = arr(it.content);
      ev('response.output_item.added', { output_index: outputIndex, item: { ...it, ...status, summary: [], ...('content' in it ? { content: [] } : {}) } });
      arr(it.summary).forEach((part, summaryIndex) => {
        const p = obj(part) ?? {};
        const text = typeof p.text === 'string' ? p.text : '';
        const sa = { ...at, summary_index: summaryIndex };
        ev('response.reasoning_summary_part.added', { ...sa, part: { ...p, text: '' } });
        if (text.length > 0) ev('response.reasoning_summary_text.delta', { ...sa, delta: text });
        ev('response.reasoning_summary_text.done', { ...sa, text });
        ev('response.reasoning_summary_part.done', { ...sa, part: p });
      });
      content.forEach((part, contentIndex) => {
        const p = obj(part) ?? {};
        const text = typeof p.text === 'string' ? p.text : '';
        const pa = { ...at, content_index: contentIndex };
        ev('response.content_part.added', { ...pa, part: { ...p, text: '' } });
        if (text.length > 0) ev('response.reasoning_text.delta', { ...pa, delta: text });
        ev('response.reasoning_text.done', { ...pa, text });
        ev('response.content_part.done', { ...pa, part: p });
      });
    } else {
      const progress = ITEM_PROGRESS[String(it.type)];
      const d = progress?.deltas;
      const value = d && typeof it[d.field] === 'string' ? (it[d.field] as string) : undefined;
      ev('response.output_item.added', { output_index: outputIndex, item: { ...it, ...status, ...(d && value !== undefined ? { [d.field]: '' } : {}) } });
      for (const step of progress?.before ?? []) ev(`response.${it.type}.${step}`, at);
      if (d && value !== undefined) {
        if (value.length > 0) ev(`${d.event}.delta`, { ...at, delta: value });
        ev(`${d.event}.done`, { ...at, [d.field]: value, ...(it.type === 'function_call' ? { name: it.name } : {}) });
      }
      const failed = (it.type === 'mcp_call' || it.type === 'mcp_list_tools') && (it.status === 'failed' || !!it.error); // only MCP items have a .failed event
      for (const step of progress?.after ?? []) ev(`response.${it.type}.${step === 'completed' && failed ? 'failed' : step}`, at);
    }
    ev('response.output_item.done', { output_index: outputIndex, item: it });
  });
  ev(body.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: body });
  return frames;
}

/** A message's content as text: a string, or the text of its typed chunks (thinking included: it is billed as output). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return arr(content)
    .flatMap((p) => {
      const part = obj(p);
      if (typeof part?.text === 'string') return [part.text];
      return arr(part?.thinking).flatMap((t) => (typeof obj(t)?.text === 'string' ? [String(obj(t)?.text)] : []));
    })
    .join('');
}

function chatOutputText(body: Json): string {
  return arr(body.choices)
    .map((c) => {
      const m = obj(obj(c)?.message);
      const tools = [...arr(m?.tool_calls).map((t) => obj(t)?.function ?? {}), ...(m?.function_call ? [m.function_call] : [])].map((f) => JSON.stringify(f));
      return [contentText(m?.content), ...tools].join('\n');
    })
    .join('\n');
}

/** What a Responses body generated: text, refusals, reasoning, and tool-call arguments and inputs. */
function responsesOutputText(body: Json): string {
  // A cut JSON body is estimated from its text fragments (pipeline/forward.ts partialBodyFromText).
  if (!Array.isArray(body.output) && typeof body.output_text === 'string') return body.output_text;
  const str = (v: unknown): string[] => (typeof v === 'string' && v.length > 0 ? [v] : []);
  return arr(body.output)
    .flatMap((item) => {
      const it = obj(item) ?? {};
      const parts = [...arr(it.summary), ...arr(it.content)].flatMap((p) => [...str(obj(p)?.text), ...str(obj(p)?.refusal)]);
      if (it.type === 'function_call') parts.push(JSON.stringify({ name: it.name ?? '', arguments: it.arguments ?? '' }));
      return [...parts, ...str(it.input), ...str(it.code), ...(it.type === 'mcp_call' ? str(it.arguments) : [])];
    })
    .join('\n');
}

/**
 * Image usage (gpt-image-*): `input_tokens` with `input_tokens_details.{text_tokens,image_tokens}`
 * (the images an edit sends, billed at the image-input rate) and `output_tokens` with
 * `output_tokens_details.{text_tokens,image_tokens}` (openai-node's ImagesResponse.Usage): models
 * such as gpt-image-1.5 bill image output at $32/M against $10/M for text output, so priced as text
 * an image cost about a third of its price. DALL·E answers carry none.
 */
const imageTokens = usageNamed('input', 'output');
function imagesUsage(body: Json): NormalizedUsage | undefined {
  const u = imageTokens(body);
  if (!u) return undefined;
  const usage = obj(body.usage);
  const imageIn = num(obj(usage?.input_tokens_details)?.image_tokens);
  const imageOut = num(obj(usage?.output_tokens_details)?.image_tokens);
  return { ...u, ...(imageIn ? { inputImageTokens: imageIn } : {}), ...(imageOut ? { outputImageTokens: imageOut } : {}) };
}

/**
 * Transcription and translation usage: `{type: "tokens", input_tokens, input_token_details:
 * {audio_tokens, text_tokens}, output_tokens}` (gpt-4o-*transcribe) or `{type: "duration",
 * seconds}` (whisper-1, billed by the minute). Also the `usage` of a speech stream's
 * `speech.audio.done` event (`input_tokens`, `output_tokens`).
 */
function audioUsage(body: Json): NormalizedUsage | undefined {
  const u = obj(body.usage);
  if (!u) return undefined;
  if (u.type === 'duration') return { inputTokens: 0, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, audioSeconds: num(u.seconds) };
  const details = obj(u.input_token_details) ?? obj(u.input_tokens_details);
  const audio = num(details?.audio_tokens);
  return { inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens), cachedTokens: 0, cacheWriteTokens: 0, ...(audio ? { inputAudioTokens: audio } : {}) };
}

/**
 * The event streams of the media endpoints (`image_generation.*` / `image_edit.*`,
 * `speech.audio.*`, `transcript.text.*`): each event is a whole JSON object, and the terminal one
 * (`*.completed`, `*.done`) carries the final image or text and the usage. Its body is that event;
 * a stream cut short has the transcript text its deltas spelled so far.
 */
class TerminalEventAssembler implements StreamAssembler {
  complete = false;
  error: Json | undefined;
  private final: Json | undefined;
  private text = '';

  constructor(private readonly terminal: ReadonlySet<string>) {}

  accept(_frame: unknown, json: Json | undefined): void {
    if (!json) return;
    const type = typeof json.type === 'string' ? json.type : '';
    if (type === 'error' || obj(json.error)) {
      this.error = obj(json.error) ?? json;
      return;
    }
    if (type === 'transcript.text.delta' && typeof json.delta === 'string') this.text += json.delta;
    if (this.terminal.has(type)) {
      this.final = json;
      this.complete = true;
    }
  }

  result(): Json {
    return this.final ?? { text: this.text };
  }
}

const IMAGE_EVENTS_DONE: ReadonlySet<string> = new Set(['image_generation.completed', 'image_edit.completed']);
const SPEECH_EVENTS_DONE: ReadonlySet<string> = new Set(['speech.audio.done']);
const TRANSCRIPT_EVENTS_DONE: ReadonlySet<string> = new Set(['transcript.text.done']);

/** Transcription and translation uploads: OpenAI takes audio files up to 25 MB (plus the form around them). */
const AUDIO_UPLOAD_BYTES = 32 * 1024 * 1024;
/** Image edit and variation uploads: up to 50 MB an image (plus the form around them). */
const IMAGE_UPLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Images and audio: model calls (an OpenAI POST each) that cost money, billed from the usage the
 * answer reports, but are never routed or cached: an image or a voice is drawn anew each time, and
 * uploads are not keyed.
 */
const media = (id: EndpointId & keyof typeof OPENAI_PATHS, spec: Pick<EndpointSpec, 'usage' | 'assembler'> & Partial<EndpointSpec>): EndpointSpec => ({
  id,
  protocol: 'openai',
  method: 'POST',
  ...routePaths('openai', OPENAI_PATHS[id]),
  routable: false,
  billable: true,
  cacheable: false,
  usageOnly: true,
  ...spec,
});

const MEDIA_ENDPOINTS: EndpointSpec[] = [
  media('images.generations', { usage: imagesUsage, assembler: () => new TerminalEventAssembler(IMAGE_EVENTS_DONE) }),
  ...(['images.edits', 'images.variations'] as const).map((id) =>
    media(id, { multipart: true, maxBodyBytes: IMAGE_UPLOAD_BYTES, usage: imagesUsage, assembler: () => new TerminalEventAssembler(IMAGE_EVENTS_DONE) }),
  ),
  media('audio.speech', { rawAnswers: true, usage: audioUsage, assembler: () => new TerminalEventAssembler(SPEECH_EVENTS_DONE), streams: (b) => b.stream_format === 'sse' }),
  ...(['audio.transcriptions', 'audio.translations'] as const).map((id) =>
    media(id, {
      multipart: true,
      rawAnswers: true,
      maxBodyBytes: AUDIO_UPLOAD_BYTES,
      usage: audioUsage,
      assembler: () => new TerminalEventAssembler(TRANSCRIPT_EVENTS_DONE),
      outputText: (b) => (typeof b.text === 'string' ? b.text : ''),
    }),
  ),
];

/** Id, method, path (a key of OPENAI_PATHS), and whether its body is optional. */
const STATE_ROUTES: readonly (readonly [EndpointId, EndpointSpec['method'], keyof typeof OPENAI_PATHS, boolean])[] = [
  ['responses.retrieve', 'GET', 'responses.retrieve', false],
  ['responses.input_items', 'GET', 'responses.input_items', false],
  ['responses.delete', 'DELETE', 'responses.retrieve', true],
  ['responses.cancel', 'POST', 'responses.cancel', true],
  ['conversations.create', 'POST', 'conversations', true],
  ['conversations.retrieve', 'GET', 'conversations.one', false],
  ['conversations.update', 'POST', 'conversations.one', false],
  ['conversations.delete', 'DELETE', 'conversations.one', true],
  ['conversations.items.list', 'GET', 'conversations.items', false],
  ['conversations.items.create', 'POST', 'conversations.items', false],
  ['conversations.items.retrieve', 'GET', 'conversations.item', false],
  ['conversations.items.delete', 'DELETE', 'conversations.item', true],
  ['chat.completions.list', 'GET', 'chat.completions', false],
  ['chat.completions.retrieve', 'GET', 'chat.completions.one', false],
  ['chat.completions.update', 'POST', 'chat.completions.one', false],
  ['chat.completions.delete', 'DELETE', 'chat.completions.one', true],
  ['chat.completions.messages', 'GET', 'chat.completions.messages', false],
];

export const OPENAI_ENDPOINTS: EndpointSpec[] = [
  {
    id: 'chat.completions',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS['chat.completions']),
    routable: true,
    billable: true,
    cacheable: true,
    usage: chatUsage,
    assembler: () => new ChatAssembler(),
    replay: replayChat,
    requestUsageInStream: includeUsageInStream,
    outputText: chatOutputText,
  },
  {
    id: 'completions',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.completions),
    routable: true,
    billable: true,
    cacheable: true,
    usage: chatUsage,
    assembler: () => new CompletionAssembler(),
    replay: replayCompletion,
    requestUsageInStream: includeUsageInStream,
    outputText: (b) => arr(b.choices).map((c) => String(obj(c)?.text ?? '')).join('\n'),
  },
  {
    id: 'responses',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.responses),
    routable: true,
    billable: true,
    cacheable: true,
    usage: responsesUsage,
    assembler: () => new ResponsesAssembler(),
    replay: (b) => replayResponses(b),
    outputText: responsesOutputText,
    billedToolCalls: responsesToolCalls,
  },
  {
    id: 'embeddings',
    protocol: 'openai',
    method: 'POST',
    ...routePaths('openai', OPENAI_PATHS.embeddings),
    routable: false,
    noOutput: true,
    billable: true,
    cacheable: true,
    // `encoding_format: "float"` (the API's default but for the official SDKs, which ask for base64)
    // is pretty-printed, ~22 bytes a number: 2,048 inputs of 3,072 dimensions are ~140 MB.
    maxAnswerBytes: 256 << 20,
    usage: (b) => {
      const u = obj(b.usage);
      return u ? { inputTokens: num(u.prompt_tokens), outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0 } : undefined;
    },
  },
  // Moderations are free (genai-prices prices them at $0) and the model behind
  // `omni-moderation-latest` changes: relayed, recorded, never cached.
  { id: 'moderations', protocol: 'openai', method: 'POST', ...routePaths('openai', OPENAI_PATHS.moderations), routable: false, billable: false, cacheable: false, usage: () => undefined },
  ...MEDIA_ENDPOINTS,
  // Routes over objects the provider stores, which an app calls with the same base URL: stored
  // responses (background mode polls retrieve, and `?stream=true` resumes a background stream),
  // the conversations a Responses call names in `conversation`, and stored chat completions
  // (`store: true`). They read or change state the provider keeps and cost nothing themselves:
  // relayed with the caller's key and recorded, never cached.
  ...STATE_ROUTES.map(
    ([id, method, path, bodyless]): EndpointSpec => ({
      id,
      protocol: 'openai',
      method,
      ...routePaths('openai', OPENAI_PATHS[path]),
      routable: false,
      billable: false,
      cacheable: false,
      usage: () => undefined,
      ...(bodyless ? { bodyless } : {}),
      ...(id === 'responses.retrieve' ? { assembler: () => new ResponsesAssembler() } : {}),
    }),
  ),
  ...(['models', 'models.retrieve'] as const).map(
    (id): EndpointSpec => ({ id, protocol: 'openai', method: 'GET', ...routePaths('openai', OPENAI_PATHS[id]), routable: false, billable: false, cacheable: false, usage: () => undefined }),
  ),
];
