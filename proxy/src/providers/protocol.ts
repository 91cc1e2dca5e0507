/**
 * Facts of each wire protocol, in one place: which header carries the key, which version header
 * a request needs, how an error looks inside a stream that already started, and how the usage
 * chunk Tollgate asked for is taken out again. Read by the pipeline, the policy schema and the
 * exporters. Pure data and functions: no HTTP here.
 */
import { withoutMember } from './jsonMembers';
import type { SseFrame } from './sse';
import { obj, type Json, type Protocol } from './types';

/** The ways a key travels: Bearer token (OpenAI), api-key (Azure), x-api-key (Anthropic). */
export const AUTH_HEADERS = ['authorization', 'api-key', 'x-api-key'] as const;
export type AuthHeader = (typeof AUTH_HEADERS)[number];

export interface ProtocolSpec {
  /** The provider's own API, as its SDKs' base URL (OpenAI's includes /v1, Anthropic's does not). */
  defaultBaseUrl: string;
  /** The environment variable its SDKs read the key from. */
  apiKeyEnv: string;
  /** The path of a chat turn. */
  chatPath: string;
  /** How this protocol's own SDKs send the key. */
  authHeader: AuthHeader;
  /** Headers a request must carry, with the value sent when the client gave none. */
  requiredHeaders: Record<string, string>;
  /** An in-band error event for a stream whose 200 status was already sent. */
  streamErrorFrame(message: string, type: string): string;
  /**
   * The client did not ask for usage but Tollgate did: drop the usage-only chunk, or rewrite a
   * chunk that carries usage besides content. Undefined when the protocol needs no stripping.
   */
  stripUsageChunk?(json: Json, frame: SseFrame): string | undefined;
}

/**
 * The routes Tollgate serves, as the providers' SDKs call them. Sent upstream after the provider's
 * base URL: OpenAI's without the /v1 (its base URLs end in /v1), Anthropic's as they are.
 */
export const OPENAI_PATHS = {
  'chat.completions': '/v1/chat/completions',
  completions: '/v1/completions',
  responses: '/v1/responses',
  'responses.retrieve': '/v1/responses/:id',
  'responses.input_items': '/v1/responses/:id/input_items',
  'responses.cancel': '/v1/responses/:id/cancel',
  conversations: '/v1/conversations',
  'conversations.one': '/v1/conversations/:id',
  'conversations.items': '/v1/conversations/:id/items',
  'conversations.item': '/v1/conversations/:id/items/:item',
  'chat.completions.one': '/v1/chat/completions/:id',
  'chat.completions.messages': '/v1/chat/completions/:id/messages',
  embeddings: '/v1/embeddings',
  moderations: '/v1/moderations',
  'images.generations': '/v1/images/generations',
  'images.edits': '/v1/images/edits',
  'images.variations': '/v1/images/variations',
  'audio.speech': '/v1/audio/speech',
  'audio.transcriptions': '/v1/audio/transcriptions',
  'audio.translations': '/v1/audio/translations',
  models: '/v1/models',
  'models.retrieve': '/v1/models/:model',
  files: '/v1/files',
  batches: '/v1/batches',
  uploads: '/v1/uploads',
  'uploads.parts': '/v1/uploads/:id/parts',
  vector_stores: '/v1/vector_stores',
} as const;
export const ANTHROPIC_PATHS = {
  messages: '/v1/messages',
  'messages.count_tokens': '/v1/messages/count_tokens',
  batches: '/v1/messages/batches',
  // The same paths as OpenAI's: app.ts tells the two apart by the headers the SDK sends.
  models: '/v1/models',
  'models.retrieve': '/v1/models/:model',
} as const;

/** The endpoints OpenAI's Batch API serves (a batch line's `url` is one of their paths). */
export const OPENAI_BATCH_ENDPOINTS = ['chat.completions', 'responses', 'completions', 'embeddings'] as const;

/** An endpoint's `path` and `upstreamPath` (see OPENAI_PATHS). */
export function routePaths(protocol: Protocol, path: string): { path: string; upstreamPath: string } {
  return { path, upstreamPath: protocol === 'openai' ? path.slice('/v1'.length) : path };
}

export const PROTOCOLS: Record<Protocol, ProtocolSpec> = {
  openai: {
    defaultBaseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    chatPath: OPENAI_PATHS['chat.completions'],
    authHeader: 'authorization',
    requiredHeaders: {},
    streamErrorFrame: (message, type) => `data: ${JSON.stringify({ error: { message, type, param: null, code: null } })}\n\n`,
    stripUsageChunk(json, frame) {
      if (!('usage' in json)) return frame.raw;
      if (Array.isArray(json.choices) && json.choices.length === 0 && json.usage) return undefined;
      // Taken out of the text as received (the chunk's other bytes unchanged): re-serialising every
      // chunk cost CPU on each one and failed on a field nested deeper than JSON.stringify recurses.
      const data = withoutMember(frame.data, 'usage') ?? frame.data;
      const at = frame.raw.indexOf(frame.data);
      // A chunk split over several `data:` lines (joined by \n, which JSON reads as a space) goes out
      // on as many: written on one line, the SDK read each line break as the end of the event.
      return at === -1 ? `data: ${data.replaceAll('\n', '\ndata: ')}\n\n` : frame.raw.slice(0, at) + data + frame.raw.slice(at + frame.data.length);
    },
  },
  anthropic: {
    defaultBaseUrl: 'https://api.anthropic.com',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    chatPath: ANTHROPIC_PATHS.messages,
    authHeader: 'x-api-key',
    requiredHeaders: { 'anthropic-version': '2023-06-01' },
    streamErrorFrame: (message) => `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`,
  },
};

/** The value for the configured auth header. */
export function authHeaderValue(header: AuthHeader, key: string): string {
  return header === 'authorization' ? `Bearer ${key}` : key;
}

/** The error type a provider's JSON error body names, if any. */
export function errorTypeOf(body: Json | undefined): string | undefined {
  const err = obj(body?.error);
  return typeof err?.type === 'string' ? err.type : undefined;
}

const AZURE_HOST = /\.(?:openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i;

/** An Azure OpenAI resource's host: it takes a resource key in `api-key`, not as a Bearer token. */
export function isAzureHost(baseUrl: string): boolean {
  try {
    return AZURE_HOST.test(new URL(baseUrl).hostname);
  } catch {
    return false;
  }
}
