/**
 * A fake LLM provider for tests and benchmarks: the only thing Tollgate's tests fake.
 *
 * It speaks the real wire formats of OpenAI (chat completions, completions, responses, embeddings,
 * models) and Anthropic (messages, count_tokens): JSON bodies, SSE framing (`data:` lines and
 * `[DONE]` for OpenAI, named events for Anthropic and the Responses API), usage blocks, request-id
 * headers and provider-shaped errors. Answers are deterministic and carry a per-server call number,
 * so a test can tell a cached replay (same number) from a fresh upstream call.
 *
 * Behaviour is steered by markers in the last user message (or the `x-fake` request header):
 *   [[fake:429]] [[fake:429-no-retry-after]] [[fake:429-retry-after-ms=N]] (only OpenAI's retry-after-ms) [[fake:500]] [[fake:503]] [[fake:reset]] (socket destroyed
 *   before any byte) [[fake:reset-mid-stream]] [[fake:stall-mid-stream]] [[fake:slow=MS]] (delay first
 *   byte) [[fake:nousage]] [[fake:cached=N]] (prompt-cache tokens) [[fake:truncated]] (cut JSON)
 *   [[fake:html]] (wrong content-type) [[fake:huge=BYTES]] [[fake:words=N]] (answer length)
 *   [[fake:fail-first=N]] (the first N calls carrying this marker fail with 500, later ones succeed)
 *   [[fake:429-unless-mini]] (429 with retry-after for every model whose name lacks "mini")
 *   [[fake:flex-unavailable]] (a service_tier "flex" request gets 429 Resource Unavailable)
 *   [[fake:gap=MS]] (pause between stream frames, like a model generating)
 *   [[fake:reply-same]] [[fake:reply-different]] (the answer is exactly SAME / DIFFERENT)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createFakeBatchApi, type FakeBatchApi } from './fakeBatchApi';

export interface FakeRequestLog {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface FakeUpstream {
  url: string;
  /** OpenAI-style base URL (`…/v1`). */
  openaiBaseUrl: string;
  /** Anthropic-style base URL (no `/v1`). */
  anthropicBaseUrl: string;
  requests: FakeRequestLog[];
  /** The Files / Batches / Message Batches side (lifecycle driven by the test). */
  batch: FakeBatchApi;
  /** Number of model calls answered (not counting /models, count_tokens or errors). */
  calls(): number;
  reset(): void;
  close(): Promise<void>;
}

interface Behaviour {
  status?: number;
  noRetryAfter?: boolean;
  retryAfterMs?: number;
  reset?: boolean;
  resetMidStream?: boolean;
  stallMidStream?: boolean;
  slowMs?: number;
  noUsage?: boolean;
  cachedTokens?: number;
  truncated?: boolean;
  html?: boolean;
  hugeBytes?: number;
  words?: number;
  failFirst?: number;
  /** 429 for every model except *-mini ones (a fallback to a mini model then succeeds). */
  rateLimitUnlessMini?: boolean;
  /** A `service_tier: "flex"` request gets OpenAI's 429 "Resource Unavailable". */
  flexUnavailable?: boolean;
  gapMs?: number;
  /** A fixed one-word answer (a judge or classifier call). */
  reply?: string;
}

function parseBehaviour(text: string, header: string | undefined): Behaviour {
  const src = `${text} ${header ?? ''}`;
  const b: Behaviour = {};
  for (const m of src.matchAll(/\[\[fake:([a-z0-9-]+)(?:=(\d+))?\]\]|\bfake:([a-z0-9-]+)(?:=(\d+))?/g)) {
    const name = m[1] ?? m[3];
    const num = Number(m[2] ?? m[4]);
    switch (name) {
      case '429': b.status = 429; break;
      case '429-no-retry-after': b.status = 429; b.noRetryAfter = true; break;
      case '429-retry-after-ms': b.status = 429; b.retryAfterMs = num; break;
      case '500': b.status = 500; break;
      case '503': b.status = 503; break;
      case 'reset': b.reset = true; break;
      case 'reset-mid-stream': b.resetMidStream = true; break;
      case 'stall-mid-stream': b.stallMidStream = true; break;
      case 'slow': b.slowMs = num; break;
      case 'nousage': b.noUsage = true; break;
      case 'cached': b.cachedTokens = num; break;
      case 'truncated': b.truncated = true; break;
      case 'html': b.html = true; break;
      case 'huge': b.hugeBytes = num; break;
      case 'words': b.words = num; break;
      case 'fail-first': b.failFirst = num; break;
      case '429-unless-mini': b.rateLimitUnlessMini = true; break;
      case 'flex-unavailable': b.flexUnavailable = true; break;
      case 'gap': b.gapMs = num; break;
      case 'reply-same': b.reply = 'SAME'; break;
      case 'reply-different': b.reply = 'DIFFERENT'; break;
    }
  }
  return b;
}

type Json = Record<string, unknown>;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (p && typeof p === 'object' && 'text' in p && typeof (p as Json).text === 'string' ? (p as Json).text : ''))
      .join(' ');
  }
  return '';
}

export function lastUserText(body: Json): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : undefined;
  if (messages) {
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return textOf(messages[i]?.content);
    return '';
  }
  if (typeof body.input === 'string') return body.input;
  if (Array.isArray(body.input)) {
    const items = body.input as Json[];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (typeof it === 'string') return it;
      if (it?.role === 'user') return textOf(it.content);
    }
  }
  if (typeof body.prompt === 'string') return body.prompt;
  return '';
}

/** Rough token count the fake bills: one token per word-ish piece, like a real tokenizer's order of magnitude. */
export function fakeTokens(text: string): number {
  return Math.max(1, text.split(/\s+|(?=[.,!?;:])/).filter(Boolean).length);
}

function allInputText(body: Json): string {
  const parts: string[] = [];
  if (typeof body.system === 'string') parts.push(body.system);
  else if (Array.isArray(body.system)) parts.push(textOf(body.system));
  if (typeof body.instructions === 'string') parts.push(body.instructions);
  if (Array.isArray(body.messages)) for (const m of body.messages as Json[]) parts.push(textOf(m.content));
  if (typeof body.input === 'string') parts.push(body.input);
  else if (Array.isArray(body.input)) for (const it of body.input as unknown[]) parts.push(typeof it === 'string' ? it : textOf((it as Json)?.content));
  if (typeof body.prompt === 'string') parts.push(body.prompt);
  return parts.join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The subset of the providers' request validation the fake needs to behave like them. */
function validate(path: string, body: Json): string | undefined {
  if (path === '/v1/chat/completions' || path === '/v1/messages' || path === '/v1/messages/count_tokens') {
    if (!Array.isArray(body.messages)) return "'messages' must be an array";
    const bad = (body.messages as unknown[]).findIndex((m) => !m || typeof m !== 'object' || Array.isArray(m));
    if (bad >= 0) return `messages.${bad}: Input should be a valid dictionary`;
  }
  if (path === '/v1/embeddings') {
    const d = body.dimensions;
    if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 3072)) return "'dimensions' must be an integer from 1 to 3072";
    const input = body.input;
    if (typeof input !== 'string' && !(Array.isArray(input) && input.length <= 2048)) return "'input' must be a string or an array of at most 2048 items";
  }
  return undefined;
}

export async function startFakeUpstream(opts: { port?: number } = {}): Promise<FakeUpstream> {
  let callNo = 0;
  const failCounters = new Map<string, number>();
  const requests: FakeRequestLog[] = [];
  const sockets = new Set<Socket>();
  let baseUrl = '';
  const batch = createFakeBatchApi(() => baseUrl);

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (batch.handles(url.pathname)) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: { ...req.headers }, body: undefined });
      return batch.handle(req, res, url, Buffer.concat(chunks));
    }
    const raw = req.method === 'POST' ? await readBody(req) : '';
    let body: Json = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Json;
      } catch {
        return sendError(res, 'openai', 400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
      }
    }
    requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: { ...req.headers }, body });
    const path = url.pathname.replace(/\/+$/, '');
    // One server plays both hosts: on the paths both APIs have (/v1/models), the Anthropic API is
    // the one asked with its version header.
    const isModels = path === '/v1/models' || path.startsWith('/v1/models/');
    const isAnthropic = path === '/v1/messages' || path === '/v1/messages/count_tokens' || (isModels && req.headers['anthropic-version'] !== undefined);
    const flavour = isAnthropic ? 'anthropic' : 'openai';

    if (isAnthropic && !req.headers['x-api-key'] && !req.headers.authorization) {
      return sendError(res, flavour, 401, 'authentication_error', 'x-api-key header is required');
    }
    if (!isAnthropic && !isModels && !req.headers.authorization && !req.headers['api-key']) {
      return sendError(res, flavour, 401, 'invalid_request_error', 'You did not provide an API key.');
    }

    // Validate like the real APIs do, so hostile bodies forwarded by the proxy get the provider's 400
    // (and never make this fake allocate something absurd).
    const invalid = validate(path, body);
    if (invalid) return sendError(res, flavour, 400, 'invalid_request_error', invalid);

    if (req.method === 'GET' && isModels) {
      const id = path.startsWith('/v1/models/') ? decodeURIComponent(path.slice('/v1/models/'.length)) : undefined;
      const ids = isAnthropic ? ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'] : ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'text-embedding-3-small'];
      const model = (m: string) =>
        isAnthropic ? { type: 'model', id: m, display_name: m, created_at: '2025-09-29T00:00:00Z' } : { id: m, object: 'model', created: 1715367049, owned_by: 'system' };
      if (id !== undefined) {
        return ids.includes(id) ? sendJson(res, 200, model(id), flavour) : sendError(res, flavour, 404, isAnthropic ? 'not_found_error' : 'invalid_request_error', `The model '${id}' does not exist`);
      }
      const data = ids.map(model);
      return sendJson(res, 200, isAnthropic ? { data, has_more: false, first_id: ids[0], last_id: ids.at(-1) } : { object: 'list', data }, flavour);
    }
    if (path === '/v1/messages/count_tokens') {
      return sendJson(res, 200, { input_tokens: fakeTokens(allInputText(body)) }, flavour);
    }

    const behaviour = parseBehaviour(lastUserText(body), req.headers['x-fake'] as string | undefined);
    if (behaviour.slowMs) await sleep(behaviour.slowMs);
    if (behaviour.reset) {
      req.socket.destroy();
      return;
    }
    if (behaviour.failFirst !== undefined) {
      const key = lastUserText(body);
      const n = failCounters.get(key) ?? 0;
      failCounters.set(key, n + 1);
      if (n < behaviour.failFirst) return sendError(res, flavour, 500, 'server_error', `planned failure ${n + 1} of ${behaviour.failFirst}`);
    }
    if (behaviour.rateLimitUnlessMini && !String(body.model ?? '').includes('mini')) behaviour.status = 429;
    if (body.service_tier === 'flex' && behaviour.flexUnavailable) {
      // OpenAI's answer when flex has no capacity (not charged; the caller may retry at the default tier).
      res.writeHead(429, { 'content-type': 'application/json', 'x-request-id': `req_fake_flex` });
      res.end(JSON.stringify({ error: { message: 'Resource Unavailable: flex processing has no capacity right now. Please retry later or use the default service tier.', type: 'rate_limit_exceeded', param: null, code: 'resource_unavailable' } }));
      return;
    }
    if (behaviour.status === 429) {
      const headers: Record<string, string> =
        behaviour.retryAfterMs !== undefined ? { 'retry-after-ms': String(behaviour.retryAfterMs) } : behaviour.noRetryAfter ? {} : { 'retry-after': '1' };
      return sendError(res, flavour, 429, isAnthropic ? 'rate_limit_error' : 'rate_limit_exceeded', 'Rate limit reached for requests', headers);
    }
    if (behaviour.status) {
      return sendError(res, flavour, behaviour.status, isAnthropic ? 'api_error' : 'server_error', 'The server had an error while processing your request.');
    }
    if (behaviour.html) {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }

    // Like Azure, which answers with the snapshot a deployment runs (model "gpt-4o-2024-08-06" for a
    // deployment named anything): a provider header in the test's policy says which.
    const answeredAs = req.headers['x-fake-answer-model'];
    const model = typeof answeredAs === 'string' ? answeredAs : typeof body.model === 'string' ? body.model : 'unknown-model';
    const stream = body.stream === true;
    const n = ++callNo;
    const prompt = lastUserText(body);
    const words = behaviour.words ?? 8;
    const answerWords = behaviour.reply
      ? [behaviour.reply]
      : [`(call ${n})`, 'You', 'said:', ...prompt.replace(/\[\[fake:[^\]]*\]\]/g, '').trim().split(/\s+/).filter(Boolean)].slice(0, Math.max(3, words));
    let answer = answerWords.join(' ');
    if (behaviour.hugeBytes) answer = answer + ' ' + 'x'.repeat(behaviour.hugeBytes);
    const inputTokens = fakeTokens(allInputText(body));
    const outputTokens = fakeTokens(answer);
    const usageOn = !behaviour.noUsage;

    switch (path) {
      case '/v1/chat/completions':
        return chat(res, { model, stream, answer, inputTokens, outputTokens, usageOn, behaviour, body, n });
      case '/v1/completions':
        return completions(res, { model, stream, answer, inputTokens, outputTokens, usageOn, behaviour, body, n });
      case '/v1/responses':
        return responses(res, { model, stream, answer, inputTokens, outputTokens, usageOn, behaviour, body, n });
      case '/v1/embeddings':
        return embeddings(res, body, usageOn);
      case '/v1/messages':
        return messages(res, { model, stream, answer, inputTokens, outputTokens, usageOn, behaviour, body, n });
      default:
        callNo--;
        return sendError(res, flavour, 404, 'invalid_request_error', `Unknown request URL: ${req.method} ${url.pathname}`);
    }
  }

  interface Ctx {
    model: string;
    stream: boolean;
    answer: string;
    inputTokens: number;
    outputTokens: number;
    usageOn: boolean;
    behaviour: Behaviour;
    body: Json;
    n: number;
  }

  function sendJson(res: ServerResponse, status: number, obj: unknown, flavour: 'openai' | 'anthropic' = 'openai', truncated = false): void {
    let text = JSON.stringify(obj);
    if (truncated) text = text.slice(0, Math.floor(text.length / 2));
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(flavour === 'openai'
        ? { 'x-request-id': `req_fake_${callNo}`, 'openai-processing-ms': '12', 'openai-version': '2020-10-01' }
        : { 'request-id': `req_fake_${callNo}`, 'anthropic-ratelimit-requests-remaining': '999' }),
    });
    res.end(text);
  }

  function sendError(res: ServerResponse, flavour: 'openai' | 'anthropic', status: number, type: string, message: string, headers: Record<string, string> = {}): void {
    const body =
      flavour === 'anthropic'
        ? { type: 'error', error: { type, message } }
        : { error: { message, type, param: null, code: type === 'rate_limit_exceeded' ? 'rate_limit_exceeded' : null } };
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function startSse(res: ServerResponse, flavour: 'openai' | 'anthropic'): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...(flavour === 'openai' ? { 'x-request-id': `req_fake_${callNo}` } : { 'request-id': `req_fake_${callNo}` }),
    });
    res.flushHeaders();
  }

  /** Write SSE frames one by one, honouring mid-stream faults. */
  async function streamFrames(res: ServerResponse, frames: string[], b: Behaviour): Promise<void> {
    const cut = Math.max(1, Math.floor(frames.length / 2));
    for (let i = 0; i < frames.length; i++) {
      if (i === cut && b.resetMidStream) {
        res.socket?.destroy();
        return;
      }
      if (i === cut && b.stallMidStream) {
        await sleep(60_000); // the proxy's idle timeout fires long before this
        if (res.destroyed) return;
      }
      if (res.destroyed) return;
      res.write(frames[i]);
      // Yield so frames arrive as separate network chunks, like a real provider.
      await sleep(b.gapMs ?? 0);
    }
    res.end();
  }

  const dataFrame = (obj: unknown) => `data: ${JSON.stringify(obj)}\n\n`;
  const eventFrame = (event: string, obj: unknown) => `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`;

  function splitWords(answer: string): string[] {
    const w = answer.split(' ');
    return w.map((x, i) => (i === 0 ? x : ` ${x}`));
  }

  function chat(res: ServerResponse, c: Ctx): Promise<void> | void {
    const id = `chatcmpl-fake${c.n}`;
    const created = 1_700_000_000 + c.n;
    const usage = {
      prompt_tokens: c.inputTokens,
      completion_tokens: c.outputTokens,
      total_tokens: c.inputTokens + c.outputTokens,
      prompt_tokens_details: { cached_tokens: Math.min(c.behaviour.cachedTokens ?? 0, c.inputTokens), audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    if (!c.stream) {
      return sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model: c.model,
          choices: [{ index: 0, message: { role: 'assistant', content: c.answer, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
          ...(c.usageOn ? { usage } : {}),
          service_tier: c.body.service_tier === 'flex' ? 'flex' : 'default',
          system_fingerprint: 'fp_fake',
        },
        'openai',
        c.behaviour.truncated,
      );
    }
    const includeUsage = (c.body.stream_options as Json | undefined)?.include_usage === true;
    const base = { id, object: 'chat.completion.chunk', created, model: c.model, service_tier: c.body.service_tier === 'flex' ? 'flex' : 'default', system_fingerprint: 'fp_fake' };
    const withUsage = (o: Json) => (includeUsage && c.usageOn ? { ...o, usage: null } : o);
    const frames = [dataFrame(withUsage({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] }))];
    for (const piece of splitWords(c.answer)) {
      frames.push(dataFrame(withUsage({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] })));
    }
    frames.push(dataFrame(withUsage({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })));
    if (includeUsage && c.usageOn) frames.push(dataFrame({ ...base, choices: [], usage }));
    frames.push('data: [DONE]\n\n');
    startSse(res, 'openai');
    return streamFrames(res, frames, c.behaviour);
  }

  function completions(res: ServerResponse, c: Ctx): Promise<void> | void {
    const id = `cmpl-fake${c.n}`;
    const created = 1_700_000_000 + c.n;
    const usage = { prompt_tokens: c.inputTokens, completion_tokens: c.outputTokens, total_tokens: c.inputTokens + c.outputTokens };
    if (!c.stream) {
      return sendJson(res, 200, {
        id,
        object: 'text_completion',
        created,
        model: c.model,
        choices: [{ text: c.answer, index: 0, logprobs: null, finish_reason: 'stop' }],
        ...(c.usageOn ? { usage } : {}),
      });
    }
    const includeUsage = (c.body.stream_options as Json | undefined)?.include_usage === true;
    const base = { id, object: 'text_completion', created, model: c.model };
    const frames = splitWords(c.answer).map((piece) => dataFrame({ ...base, choices: [{ text: piece, index: 0, logprobs: null, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) }));
    frames.push(dataFrame({ ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }], ...(includeUsage ? { usage: null } : {}) }));
    if (includeUsage && c.usageOn) frames.push(dataFrame({ ...base, choices: [], usage }));
    frames.push('data: [DONE]\n\n');
    startSse(res, 'openai');
    return streamFrames(res, frames, c.behaviour);
  }

  function responses(res: ServerResponse, c: Ctx): Promise<void> | void {
    const id = `resp_fake${c.n}`;
    const msgId = `msg_fake${c.n}`;
    const created_at = 1_700_000_000 + c.n;
    const usage = {
      input_tokens: c.inputTokens,
      input_tokens_details: { cached_tokens: Math.min(c.behaviour.cachedTokens ?? 0, c.inputTokens) },
      output_tokens: c.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: c.inputTokens + c.outputTokens,
    };
    const outputItem = { id: msgId, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: c.answer, annotations: [], logprobs: [] }] };
    const baseResponse = {
      id,
      object: 'response',
      created_at,
      model: c.model,
      parallel_tool_calls: true,
      tool_choice: 'auto',
      tools: [],
      temperature: 1,
      top_p: 1,
      text: { format: { type: 'text' } },
      truncation: 'disabled',
      error: null,
      incomplete_details: null,
      instructions: typeof c.body.instructions === 'string' ? c.body.instructions : null,
      metadata: {},
      max_output_tokens: null,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      user: null,
    };
    const done = { ...baseResponse, status: 'completed', output: [outputItem], usage: c.usageOn ? usage : null };
    if (!c.stream) return sendJson(res, 200, done);
    let seq = 0;
    const ev = (type: string, o: Json) => eventFrame(type, { type, sequence_number: seq++, ...o });
    const inProgress = { ...baseResponse, status: 'in_progress', output: [], usage: null };
    const frames = [
      ev('response.created', { response: inProgress }),
      ev('response.in_progress', { response: inProgress }),
      ev('response.output_item.added', { output_index: 0, item: { id: msgId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } }),
      ev('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } }),
      ...splitWords(c.answer).map((d) => ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: d, logprobs: [] })),
      ev('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: c.answer, logprobs: [] }),
      ev('response.content_part.done', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: c.answer, annotations: [], logprobs: [] } }),
      ev('response.output_item.done', { output_index: 0, item: outputItem }),
      ev('response.completed', { response: done }),
    ];
    startSse(res, 'openai');
    return streamFrames(res, frames, c.behaviour);
  }

  function embeddings(res: ServerResponse, body: Json, usageOn: boolean): void {
    const inputs = Array.isArray(body.input) ? (body.input as unknown[]).map(String) : [String(body.input ?? '')];
    const dims = typeof body.dimensions === 'number' ? body.dimensions : 8;
    const data = inputs.map((text, index) => {
      const v = Array.from({ length: dims }, (_, i) => Math.sin((text.length + 1) * (i + 1)));
      const norm = Math.hypot(...v) || 1;
      return { object: 'embedding', index, embedding: v.map((x) => x / norm) };
    });
    const tokens = inputs.reduce((s, t) => s + fakeTokens(t), 0);
    sendJson(res, 200, { object: 'list', data, model: String(body.model ?? 'text-embedding-3-small'), ...(usageOn ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}) });
  }

  function messages(res: ServerResponse, c: Ctx): Promise<void> | void {
    const id = `msg_fake${c.n}`;
    const cacheRead = Math.min(c.behaviour.cachedTokens ?? 0, c.inputTokens);
    const usage = {
      input_tokens: c.inputTokens - cacheRead,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: cacheRead,
      output_tokens: c.outputTokens,
      service_tier: 'standard',
    };
    const message = {
      id,
      type: 'message',
      role: 'assistant',
      model: c.model,
      content: [{ type: 'text', text: c.answer }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    };
    if (!c.stream) return sendJson(res, 200, message, 'anthropic', c.behaviour.truncated);
    const frames = [
      eventFrame('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } }),
      eventFrame('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      eventFrame('ping', { type: 'ping' }),
      ...splitWords(c.answer).map((t) => eventFrame('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })),
      eventFrame('content_block_stop', { type: 'content_block_stop', index: 0 }),
      eventFrame('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: c.outputTokens } }),
      eventFrame('message_stop', { type: 'message_stop' }),
    ];
    startSse(res, 'anthropic');
    return streamFrames(res, frames, c.behaviour);
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  baseUrl = url;
  return {
    url,
    batch,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    calls: () => callNo,
    reset() {
      callNo = 0;
      requests.length = 0;
      failCounters.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
