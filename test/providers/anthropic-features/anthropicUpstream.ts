/**
 * A fake Anthropic Messages upstream on Anthropic's wire format: each request's first user text
 * names a scenario (its first word) whose final Message the test supplies. A JSON request gets the
 * Message as it is; a streaming one gets it as the API streams it: `event:` lines, message_start
 * with the input side of usage and `output_tokens: 1`, content blocks opened empty and filled by
 * text/thinking/signature/citations/input_json deltas cut into pieces, `ping`s, a message_delta
 * carrying the stop reason, `container` and the cumulative usage (and `context_management` at the
 * event's top level), then message_stop. Errors are `{type:"error",error:{type,message}}` bodies.
 * Every answer carries `request-id` and `anthropic-ratelimit-*` headers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import { proxyOver, type ProxyOver } from '../../support/proxyOver';
import { namedEvent, sendSse } from '../../support/sseWriter';

export type Json = Record<string, unknown>;

export interface Scenario {
  /** The final Message (JSON answer, and what the stream spells out). */
  message: Json;
  /** An HTTP error instead (status and error type), e.g. 529 overloaded_error. */
  error?: { status: number; type: string; message: string };
  /** Fields that a stream sends in message_delta only (message_start has them null), e.g. container. */
  deltaFields?: string[];
  /**
   * A stream that breaks off with this `event: error` (the HTTP status stays 200): after the first
   * `blocks` content blocks are whole (default: inside the first one, after its deltas).
   */
  streamError?: { type: string; message: string; blocks?: number };
}

export interface AnthropicUpstream {
  baseUrl: string;
  /** Each request's path and body, in order. */
  requests: { path: string; body: Json }[];
  close(): Promise<void>;
}

function firstUserText(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  const c = messages[0]?.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) for (const p of c as Json[]) if (p.type === 'text' && typeof p.text === 'string') return p.text;
  return '';
}

/** Cuts a string into pieces of at most n characters (as the API cuts deltas). */
const pieces = (s: string, n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out.length ? out : [''];
};

const INPUT_USAGE = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'];

/** The SSE text the API streams for `message`. */
export function streamOf(message: Json, deltaFields: string[] = []): string {
  const ev = (data: Json): string => namedEvent(data);
  const usage = (message.usage ?? {}) as Json;
  const startUsage: Json = { ...usage, output_tokens: 1 };
  // The count of server tool calls so far: none at the start (the total comes in message_delta).
  if (usage.server_tool_use) startUsage.server_tool_use = { web_search_requests: 0 };
  const start: Json = { ...message, content: [], stop_reason: null, stop_sequence: null, usage: startUsage };
  delete start.context_management;
  for (const f of deltaFields) start[f] = null;
  let out = ev({ type: 'message_start', message: start }) + ev({ type: 'ping' });
  (message.content as Json[]).forEach((block, index) => {
    const delta = (d: Json) => {
      out += ev({ type: 'content_block_delta', index, delta: d });
    };
    if (block.type === 'text') {
      const { citations, ...rest } = block;
      out += ev({ type: 'content_block_start', index, content_block: { ...rest, text: '', ...(Array.isArray(citations) ? { citations: [] } : {}) } });
      for (const c of Array.isArray(citations) ? citations : []) delta({ type: 'citations_delta', citation: c });
      for (const p of pieces(String(block.text), 7)) delta({ type: 'text_delta', text: p });
    } else if (block.type === 'thinking') {
      out += ev({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const p of pieces(String(block.thinking), 9)) delta({ type: 'thinking_delta', thinking: p });
      delta({ type: 'signature_delta', signature: String(block.signature) });
    } else if (block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'mcp_tool_use') {
      out += ev({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      delta({ type: 'input_json_delta', partial_json: '' });
      for (const p of pieces(JSON.stringify(block.input), 5)) delta({ type: 'input_json_delta', partial_json: p });
    } else {
      out += ev({ type: 'content_block_start', index, content_block: block });
    }
    out += ev({ type: 'content_block_stop', index });
  });
  const endUsage: Json = { output_tokens: usage.output_tokens };
  for (const k of INPUT_USAGE) if (k in usage) endUsage[k] = usage[k];
  if ('server_tool_use' in usage) endUsage.server_tool_use = usage.server_tool_use;
  const d: Json = { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null };
  for (const f of deltaFields) d[f] = message[f];
  out += ev({ type: 'message_delta', delta: d, usage: endUsage, ...('context_management' in message ? { context_management: message.context_management } : {}) });
  out += ev({ type: 'message_stop' });
  return out;
}

export async function startAnthropicUpstream(scenarios: Record<string, Scenario>): Promise<AnthropicUpstream> {
  const requests: { path: string; body: Json }[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
      requests.push({ path: req.url ?? '', body });
      n += 1;
      const headers = {
        'request-id': `req_011CV${String(n).padStart(6, '0')}`,
        'anthropic-ratelimit-requests-limit': '4000',
        'anthropic-ratelimit-requests-remaining': String(4000 - n),
        'anthropic-ratelimit-requests-reset': '2026-12-01T20:00:00Z',
        'anthropic-ratelimit-input-tokens-limit': '2000000',
        'anthropic-ratelimit-input-tokens-remaining': '1999000',
        'anthropic-ratelimit-output-tokens-limit': '400000',
        'anthropic-ratelimit-output-tokens-remaining': '399000',
      };
      if ((req.url ?? '').startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ input_tokens: 42 + n }));
        return;
      }
      const s = scenarios[firstUserText(body).split(' ')[0] ?? ''];
      if (!s || s.error) {
        const e = s?.error ?? { status: 400, type: 'invalid_request_error', message: 'no scenario' };
        res.writeHead(e.status, { 'content-type': 'application/json', ...headers, ...(e.status === 529 || e.status === 429 ? { 'retry-after': '0' } : {}) });
        res.end(JSON.stringify({ type: 'error', error: { type: e.type, message: e.message }, request_id: headers['request-id'] }));
        return;
      }
      const message = { ...s.message, model: s.message.model ?? body.model };
      if (body.stream === true) {
        const full = streamOf(message, s.deltaFields);
        if (!s.streamError) sendSse(res, full, headers);
        else {
          const { blocks, ...error } = s.streamError;
          const at = blocks === undefined ? full.indexOf('event: content_block_stop') : full.indexOf(`event: content_block_start\ndata: {"type":"content_block_start","index":${blocks},`);
          sendSse(res, `${full.slice(0, at)}${namedEvent({ type: 'error', error })}`, headers);
        }
      } else {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(message));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What `proxyOverUpstream` sets up: read its fields inside tests (they exist once beforeAll ran). */
export type ProxyOverUpstream = ProxyOver<AnthropicUpstream, Anthropic>;

/**
 * For one test file: the fake upstream with these scenarios, a proxy in front of it (no retries;
 * `policy` added) and an `@anthropic-ai/sdk` client through the proxy with `apiKey`; started in
 * beforeAll, closed in afterAll.
 */
export function proxyOverUpstream(scenarios: Record<string, Scenario>, apiKey: string, policy: PolicyInput = {}): ProxyOverUpstream {
  return proxyOver({ provider: 'anthropic', startUpstream: () => startAnthropicUpstream(scenarios), client: (h) => new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey, maxRetries: 0 }), policy });
}
