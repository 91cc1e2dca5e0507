/**
 * Relays one batch-API request to the provider: the provider's base URL, its auth header with the
 * caller's key (or the provider's key variable), and the protocol headers the client sent.
 * Buffers the answer (batch objects and result files are small next to the request they stand for).
 */
import { request, type FormData } from 'undici';
import { DEFAULT_FIRST_BYTE_MS, type ResolvedProvider } from '../policy/schema';
import type { ProxyServices } from '../pipeline/services';
import { decodedBody } from '../pipeline/contentEncoding';
import { obj, upstreamText, type Json } from '../providers';
import { authHeaderValue, PROTOCOLS } from '../providers/protocol';
import { sendOnLiveConnection } from '../http/staleConnection';

const PASSED_HEADERS = ['openai-organization', 'openai-project', 'openai-beta', 'anthropic-version', 'anthropic-beta'];

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string>;
  /** The bytes as received (what is relayed). */
  body: Buffer;
  /**
   * The body as text, decoded as fetch's `json()` (every SDK) and the main path's relay decode an
   * answer: a leading byte-order mark is dropped. Read with `toString`, a gateway's mark made
   * JSON.parse throw after the provider had created the batch, which then went untracked.
   */
  text: string;
}

/** The answer's JSON object, or undefined when it is not one (a proxy's HTML page, say). */
export function answerObject(up: UpstreamAnswer): Json | undefined {
  try {
    return obj(JSON.parse(up.text));
  } catch {
    return undefined;
  }
}

export interface UpstreamCall {
  provider: ResolvedProvider;
  apiKey: string | undefined;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the provider's base URL, e.g. `/files` (OpenAI base URLs end in /v1) or `/v1/messages/batches`. */
  path: string;
  query?: string;
  clientHeaders: Record<string, string | string[] | undefined>;
  /** A FormData body sets its own multipart content type. */
  body?: Buffer | string | FormData;
  contentType?: string;
}

/** The path of a batch endpoint relative to this provider's base URL. */
export function upstreamPath(provider: ResolvedProvider, v1Path: string): string {
  // OpenAI-style base URLs already end in /v1; Anthropic's do not.
  return provider.kind === 'openai' && /\/v1$/.test(provider.baseUrl) ? v1Path.replace(/^\/v1/, '') : v1Path;
}

export async function callUpstream(services: ProxyServices, call: UpstreamCall): Promise<UpstreamAnswer> {
  const p = call.provider;
  const headers: Record<string, string> = {};
  for (const name of PASSED_HEADERS) {
    const v = call.clientHeaders[name];
    if (typeof v === 'string') headers[name] = v;
  }
  Object.assign(headers, p.headers);
  for (const [name, value] of Object.entries(PROTOCOLS[p.kind].requiredHeaders)) headers[name] ??= value;
  if (call.contentType) headers['content-type'] = call.contentType;
  if (call.apiKey) {
    headers[p.authHeader] = authHeaderValue(p.authHeader, call.apiKey);
  }
  const url = `${p.baseUrl}${call.path}${call.query ? `?${call.query}` : ''}`;
  // An upload or a batch create is sent again too when a reused connection was closed under it
  // (nothing read it); never after a reset on a fresh connection or once an answer began: that
  // create may exist, and be billed, already.
  const res = await sendOnLiveConnection(() =>
    request(url, { method: call.method, headers, body: call.body, dispatcher: services.dispatcher, headersTimeout: p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS, bodyTimeout: p.timeoutMs ?? DEFAULT_FIRST_BYTE_MS }),
  );
  // A gzip or brotli answer is decoded: it is parsed here (batch objects, result files) and relayed
  // without its content-encoding header.
  const chunks: Buffer[] = [];
  for await (const c of decodedBody(res.body, res.headers['content-encoding']) as AsyncIterable<Buffer>) chunks.push(c);
  const body = Buffer.concat(chunks);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'content-encoding' && k !== 'content-length') out[k] = v;
  return { status: res.statusCode, headers: out, body, text: upstreamText(body) };
}
