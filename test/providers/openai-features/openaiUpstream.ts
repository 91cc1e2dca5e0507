/**
 * A fake OpenAI upstream on OpenAI's wire format: each request's first user text (Responses
 * `input`, or the first chat message) names a scenario (its first word) whose final answer the
 * test supplies. A JSON request gets the answer as it is; a streaming one gets it as the API
 * streams it: Responses events (`event:` + `data:` with `sequence_number`, response.created /
 * in_progress with status "in_progress" and `usage: null`, each output item added empty then done,
 * text deltas cut into pieces, the terminal event carrying the whole response), or chat chunks
 * (`data:` lines, role chunk, content / annotations / audio deltas, finish chunk, a usage chunk when asked for,
 * `data: [DONE]`). Errors are `{error:{message,type,param,code}}` bodies. Every answer carries
 * `x-request-id`, `openai-processing-ms` and `x-ratelimit-*` headers. Other paths (the Responses
 * retrieval routes) answer from `routes` by method and path (as SSE with `?stream=true`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import type { Harness } from '../../support/harness';
import { proxyOver, type ProxyOver } from '../../support/proxyOver';

export type Json = Record<string, unknown>;

export interface Scenario {
  /** The final answer: a Responses `response` object or a `chat.completion`. */
  body: Json;
  /** An HTTP error instead. */
  error?: { status: number; type: string; message: string; code?: string };
  /** A stream that ends after this many output items, with an `error` event (HTTP status stays 200). */
  cutAfterItems?: number;
}

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

export interface OpenAIUpstream {
  baseUrl: string;
  requests: UpstreamRequest[];
  close(): Promise<void>;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    for (const it of v as Json[]) {
      const t = textOf(it?.content ?? (typeof it?.text === 'string' ? it.text : undefined));
      if (t) return t;
    }
  }
  return '';
}

const firstUserText = (body: Json): string => textOf(body.input ?? body.messages);

const pieces = (s: string, n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
};

/** The SSE text the Responses API streams for `response` (optionally cut after `cutAfter` items). */
export function responsesStream(response: Json, cutAfter?: number): string {
  let seq = 0;
  let out = '';
  const ev = (type: string, o: Json) => {
    out += `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...o })}\n\n`;
  };
  const start = { ...response, status: 'in_progress', output: [], usage: null, completed_at: null };
  ev('response.created', { response: start });
  ev('response.in_progress', { response: start });
  const items = (response.output as Json[]) ?? [];
  for (const [i, item] of items.entries()) {
    if (cutAfter !== undefined && i >= cutAfter) {
      ev('error', { code: 'server_error', message: 'The server had an error while processing your request.', param: null });
      return out;
    }
    const at = { item_id: item.id, output_index: i };
    if (item.type === 'message') {
      ev('response.output_item.added', { output_index: i, item: { ...item, status: 'in_progress', content: [] } });
      for (const [ci, part] of ((item.content as Json[]) ?? []).entries()) {
        ev('response.content_part.added', { ...at, content_index: ci, part: { ...part, text: '', annotations: [] } });
        for (const p of pieces(String(part.text ?? ''), 6)) ev('response.output_text.delta', { ...at, content_index: ci, delta: p, logprobs: [] });
        ev('response.output_text.done', { ...at, content_index: ci, text: part.text, logprobs: [] });
        ev('response.content_part.done', { ...at, content_index: ci, part });
      }
    } else {
      ev('response.output_item.added', { output_index: i, item: { ...item, status: 'in_progress' } });
      if (typeof item.type === 'string' && item.type.endsWith('_call') && item.type !== 'function_call') {
        ev(`response.${item.type}.in_progress`, at);
        ev(`response.${item.type}.completed`, at);
      }
    }
    ev('response.output_item.done', { output_index: i, item });
  }
  ev(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
  return out;
}

/** The SSE text Chat Completions streams for `completion` (usage chunk when `includeUsage`). */
export function chatStream(completion: Json, includeUsage: boolean): string {
  const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, service_tier: completion.service_tier ?? 'default', system_fingerprint: completion.system_fingerprint ?? null };
  const u = includeUsage ? { usage: null } : {};
  let out = '';
  const chunk = (choices: Json[], extra: Json = u) => {
    out += `data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`;
  };
  for (const c of completion.choices as Json[]) {
    const m = c.message as Json;
    chunk([{ index: c.index, delta: { role: 'assistant', content: m.audio ? null : '', refusal: null }, logprobs: null, finish_reason: null }]);
    if (typeof m.content === 'string') for (const p of pieces(m.content, 5)) chunk([{ index: c.index, delta: { content: p }, logprobs: null, finish_reason: null }]);
    if (Array.isArray(m.annotations) && m.annotations.length > 0) chunk([{ index: c.index, delta: { annotations: m.annotations }, logprobs: null, finish_reason: null }]);
    const audio = m.audio as Json | undefined;
    if (audio) {
      chunk([{ index: c.index, delta: { audio: { id: audio.id, transcript: '' } }, logprobs: null, finish_reason: null }]);
      for (const p of pieces(String(audio.transcript), 8)) chunk([{ index: c.index, delta: { audio: { transcript: p } }, logprobs: null, finish_reason: null }]);
      for (const p of pieces(String(audio.data), 16)) chunk([{ index: c.index, delta: { audio: { data: p } }, logprobs: null, finish_reason: null }]);
      chunk([{ index: c.index, delta: { audio: { expires_at: audio.expires_at } }, logprobs: null, finish_reason: null }]);
    }
    chunk([{ index: c.index, delta: {}, logprobs: null, finish_reason: c.finish_reason }]);
  }
  if (includeUsage) chunk([], { usage: completion.usage });
  return `${out}data: [DONE]\n\n`;
}

export async function startOpenAIUpstream(scenarios: Record<string, Scenario>, routes: Record<string, Json> = {}): Promise<OpenAIUpstream> {
  const requests: UpstreamRequest[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Json;
      const path = req.url ?? '';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
      n += 1;
      const headers = {
        'x-request-id': `req_${String(n).padStart(24, '0')}`,
        'openai-processing-ms': '321',
        'openai-version': '2020-10-01',
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-remaining-requests': String(10_000 - n),
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-limit-tokens': '30000000',
        'x-ratelimit-remaining-tokens': '29999000',
        'x-ratelimit-reset-tokens': '2ms',
      };
      const [routePath = '', query = ''] = path.split('?');
      const route = routes[`${req.method} ${routePath}`];
      if (route) {
        // `GET /v1/responses/{id}?stream=true` streams the stored response's events.
        if (new URLSearchParams(query).get('stream') === 'true') {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
          res.end(responsesStream(route));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(route));
        return;
      }
      const s = scenarios[firstUserText(body).split(' ')[0] ?? ''];
      if (!s || s.error) {
        const e = s?.error ?? { status: 404, type: 'invalid_request_error', message: `Unknown scenario or route ${req.method} ${path}` };
        res.writeHead(e.status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify({ error: { message: e.message, type: e.type, param: null, code: e.code ?? null } }));
        return;
      }
      const answer = { ...s.body, model: s.body.model ?? body.model };
      if (body.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
        const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
        res.end(path.startsWith('/v1/responses') ? responsesStream(answer, s.cutAfterItems) : chatStream(answer, includeUsage));
      } else {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(answer));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What `proxyOverUpstream` sets up: read its fields inside tests (they exist once beforeAll ran). */
export type ProxyOverUpstream = ProxyOver<OpenAIUpstream, OpenAI>;

/**
 * For one test file: the fake upstream with these scenarios (and fixed `routes`), a proxy in front
 * of it (no retries; `policy` added) and an `openai` SDK client through the proxy with `apiKey`;
 * started in beforeAll, closed in afterAll.
 */
export function proxyOverUpstream(scenarios: Record<string, Scenario>, apiKey: string, policy: PolicyInput = {}, routes: Record<string, Json> = {}): ProxyOverUpstream {
  return proxyOver({ provider: 'openai', startUpstream: () => startOpenAIUpstream(scenarios, routes), client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey, maxRetries: 0 }), policy });
}

/** The ledger's last row. */
export function lastRow(h: Harness): Json {
  return h.proxy.services.db.prepare('SELECT status, cache, endpoint, input_tokens, output_tokens, cost_usd, error_type FROM calls ORDER BY id DESC LIMIT 1').get() as Json;
}
