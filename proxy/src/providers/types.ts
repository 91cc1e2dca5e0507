/**
 * Declarative description of each provider endpoint the proxy serves: where it lives, how usage
 * is read, how a stream is assembled into a final body and replayed, and how errors look.
 * Pure data and functions over JSON: no HTTP here.
 */
import type { SseFrame } from './sse';

export type Protocol = 'openai' | 'anthropic';

export type EndpointId =
  | 'chat.completions'
  | 'completions'
  | 'responses'
  | 'responses.retrieve'
  | 'responses.input_items'
  | 'responses.delete'
  | 'responses.cancel'
  | 'conversations.create'
  | 'conversations.retrieve'
  | 'conversations.update'
  | 'conversations.delete'
  | 'conversations.items.list'
  | 'conversations.items.create'
  | 'conversations.items.retrieve'
  | 'conversations.items.delete'
  | 'chat.completions.list'
  | 'chat.completions.retrieve'
  | 'chat.completions.update'
  | 'chat.completions.delete'
  | 'chat.completions.messages'
  | 'embeddings'
  | 'moderations'
  | 'images.generations'
  | 'images.edits'
  | 'images.variations'
  | 'audio.speech'
  | 'audio.transcriptions'
  | 'audio.translations'
  | 'models'
  | 'models.retrieve'
  | 'messages'
  | 'messages.count_tokens';

export type Json = Record<string, unknown>;

/** Token usage normalised across providers. `inputTokens` includes cache reads and writes. */
export interface NormalizedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  /** Of `cacheWriteTokens`, those written with a 1-hour TTL (Anthropic; dearer than 5-minute writes). */
  cacheWrite1hTokens?: number;
  /** Web searches the provider ran server-side and bills per search (Anthropic `server_tool_use`). */
  webSearches?: number;
  /** File searches the provider ran over vector stores and bills per call (OpenAI Responses `file_search_call` items). */
  fileSearches?: number;
  /** Of `inputTokens`, audio tokens (OpenAI `prompt_tokens_details.audio_tokens`; audio models bill them at their audio rate). */
  inputAudioTokens?: number;
  /** Of `outputTokens`, audio tokens (OpenAI `completion_tokens_details.audio_tokens`). */
  outputAudioTokens?: number;
  /** Of `inputTokens`, image tokens (gpt-image-* `input_tokens_details.image_tokens`: the images sent to an edit, billed at their own rate). */
  inputImageTokens?: number;
  /** Of `outputTokens`, image tokens (gpt-image-* `output_tokens_details.image_tokens`: billed at an image-output rate). */
  outputImageTokens?: number;
  /** Seconds of audio a model bills by duration (whisper-1's `usage: {type: "duration", seconds}`). */
  audioSeconds?: number;
  /**
   * The $ the provider says it charged for the call (OpenRouter's `usage.cost`, plus
   * `cost_details.upstream_inference_cost` for a bring-your-own-key call). Read by pipeline/cost.ts
   * only for a provider known to report USD this way.
   */
  reportedCostUsd?: number;
}

/** Consumes a provider's SSE frames and builds the equivalent non-streaming body. */
export interface StreamAssembler {
  /** Returns false when the frame must not be forwarded to the client (e.g. a usage chunk it did not ask for). */
  accept(frame: SseFrame, json: Json | undefined): void;
  /** True once the provider's terminal event was seen (a normal, complete end). */
  readonly complete: boolean;
  /** An error event inside the stream. */
  readonly error: Json | undefined;
  /**
   * The upstream closed the stream cleanly (no reset, no half-sent frame) and `complete` is still
   * false: an assembler whose protocol lets a whole answer end without its terminal event decides
   * here, from what it assembled, whether the answer is complete.
   */
  endOfStream?(): void;
  result(): Json;
}

export interface EndpointSpec {
  id: EndpointId;
  protocol: Protocol;
  method: 'GET' | 'POST' | 'DELETE';
  /** The request body is optional (DELETE, POST …/cancel, creating an empty conversation): an absent one is read as `{}`. */
  bodyless?: boolean;
  /**
   * The request is `multipart/form-data` (an upload: image edits, audio transcription). Its text
   * fields stand in for the JSON body (model, stream, user…); it is sent upstream as multipart,
   * its files as they came (pipeline/multipart.ts).
   */
  multipart?: boolean;
  /** The largest request body this route takes, when the uploads it carries exceed the policy's `server.maxBodyBytes`. */
  maxBodyBytes?: number;
  /** The request asks for a stream by a field other than `stream: true` (speech's `stream_format: "sse"`). */
  streams?: (body: Json) => boolean;
  /**
   * A successful answer may be other than JSON (speech audio, a `text`/`srt`/`vtt` transcript): it
   * is relayed byte-exact with its content type, and the call is recorded unpriced (no usage).
   */
  rawAnswers?: boolean;
  /**
   * Billed only from the usage its answer reports: its input is an upload (images, audio) no
   * tokenizer counts, so an answer without usage is recorded unpriced rather than estimated.
   */
  usageOnly?: boolean;
  /** The largest JSON answer relayed, when more than the default 64 MB (float embeddings of a large batch). */
  maxAnswerBytes?: number;
  /**
   * An Azure OpenAI deployment route (providers/azure.ts): the model is the `:deployment` path
   * segment (Azure ignores the body's `model`), and only an Azure provider serves it.
   */
  azureDeployment?: true;
  /** Route on the proxy. */
  path: string;
  /** Appended to the provider base URL (OpenAI-style base URLs include `/v1`, Anthropic's do not). */
  upstreamPath: string;
  /**
   * Routing (`model: "auto"`, a policy rule) and a budget's downgrade may rewrite the model: a
   * text-generation turn, since the routing tiers name chat models. False for every other endpoint
   * (embeddings, images, audio, moderations, state and listing routes): an embedding model swapped
   * for a chat model, or `dall-e-3` for a tier's `gpt-4o-mini`, is a call the upstream refuses or
   * an answer of another kind. Read by pipeline/governanceStages.ts.
   */
  routable: boolean;
  /**
   * The call generates no tokens (embeddings): a budget or TPM limit reserves its input only, not
   * `defaults.maxOutputTokens` of output it can never produce.
   */
  noOutput?: true;
  /** Model calls that cost money and can be cached. */
  billable: boolean;
  cacheable: boolean;
  /** Reads usage from a final (JSON or assembled) body. */
  usage(body: Json): NormalizedUsage | undefined;
  /** For streamable endpoints. */
  assembler?: () => StreamAssembler;
  /** Replays a final body as SSE frames; `opts.includeUsage` for OpenAI chat/completions. */
  replay?: (body: Json, opts: { includeUsage: boolean }) => string[];
  /**
   * Adjusts an outgoing streaming request so the upstream reports usage; returns whether it changed
   * it. Given the upstream's base URL, leaves the request alone for an upstream that reports usage
   * unasked and refuses the field (Mistral).
   */
  requestUsageInStream?: (body: Json, upstreamBaseUrl?: string) => boolean;
  /** The generated text of a final body (for previews and estimates). */
  outputText?: (body: Json) => string;
  /**
   * Tool calls the provider ran server-side and bills per call, as its answer shows them (OpenAI's
   * Responses usage block does not count them). Also read for a cut stream whose usage never came.
   */
  billedToolCalls?: (body: Json) => Pick<NormalizedUsage, 'webSearches' | 'fileSearches'>;
}

/**
 * Far above any real count (a usage figure, an index, a status): a bigger one is a broken upstream.
 * Without the bound, `prompt_tokens: 1e308` became a $1e301 ledger row charged to the budget.
 */
const MAX_COUNT = 1e9;
/** A count read from an upstream body: a finite number clamped to [0, MAX_COUNT], else 0. */
export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.min(v, MAX_COUNT) : 0);
export const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Whether `v` nests arrays and objects more than `limit` levels deep (`v` is level 1), requests and answers alike.
 * Bounded recursion (never past `limit + 1` levels: hostile nesting cannot overflow the stack), nothing allocated per value.
 */
export function nestsDeeperThan(v: unknown, limit: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (limit <= 0) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (nestsDeeperThan(v[i], limit - 1)) return true;
    return false;
  }
  for (const k in v) if (nestsDeeperThan((v as Json)[k], limit - 1)) return true;
  return false;
}

const UTF8 = new TextDecoder();
/**
 * An upstream body as text, decoded as fetch's `json()` decodes it (every SDK reads answers so): a
 * leading byte order mark is dropped. Kept, JSON.parse refused a gateway's answer after the provider
 * had billed it (a 502 on the relay, an untracked batch). Used wherever an upstream answer is parsed.
 */
export const upstreamText = (bytes: Uint8Array): string => UTF8.decode(bytes);
