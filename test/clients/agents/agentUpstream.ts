/**
 * A fake upstream that drives a coding agent's loop on the real wire formats, and the recorded agent
 * requests (fixtures/, see its README) to replay at the proxy.
 *
 * Anthropic Messages (what Claude Code calls, `?beta=true`): a turn whose last user message holds no
 * tool_result and offers a `Bash` tool answers with text plus a `tool_use` (a fresh `toolu_` id),
 * stop_reason `tool_use`; any other turn answers text, `end_turn`. Streams are named SSE events:
 * message_start with the input side of usage (cache reads, 1-hour cache writes and their
 * `cache_creation` split, `output_tokens: 1`), ping, content blocks opened empty and filled by
 * text/input_json deltas, message_delta with the cumulative usage, message_stop.
 * OpenAI Responses (what Codex calls): the same loop with a `function_call` for its shell tool, then a
 * message; streamed as `response.*` events with sequence numbers, ending in `response.completed` with
 * usage (cached input and reasoning tokens). Every answer carries a request id header.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Json = Record<string, unknown>;

/** One request as the agent sent it (keys removed), and the status the proxy answered then. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Json | null;
  proxyStatus: number;
}

export function recorded(file: 'claude-code-2.1.197.jsonl' | 'codex-0.171.0.jsonl'): RecordedRequest[] {
  return readFileSync(new URL(`fixtures/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RecordedRequest);
}

/** The usage every Anthropic answer reports: a mostly cached agent prompt, partly written to the 1-hour cache. */
export const ANTHROPIC_USAGE = { input_tokens: 12, cache_creation_input_tokens: 1500, cache_read_input_tokens: 9000, output_tokens: 42, ephemeral_1h: 1500 };
/** The usage every Responses answer reports. */
export const RESPONSES_USAGE = { input_tokens: 5000, cached_tokens: 4096, output_tokens: 30, reasoning_tokens: 10 };

export interface AgentUpstream {
  baseUrl: string;
  /** Each request that reached the upstream. */
  requests: { method: string; url: string; headers: IncomingHttpHeaders; body: Json | undefined }[];
  /**
   * Holds the next streamed Messages answer after its message_start (a model still generating):
   * `started` resolves once it is held, `release()` lets it finish.
   */
  hold(): { started: Promise<void>; release(): void };
  close(): Promise<void>;
}

const sse = (event: string, data: Json): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
let counter = 0;
const id = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

function lastHasToolResult(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages[messages.length - 1] as Json | undefined;
  return Array.isArray(last?.content) && last.content.some((c) => (c as Json).type === 'tool_result');
}

function anthropicBlocks(body: Json): { blocks: Json[]; stop: string } {
  const tools = Array.isArray(body.tools) ? body.tools.map((t) => (t as Json).name) : [];
  if (!lastHasToolResult(body) && tools.includes('Bash')) {
    return {
      blocks: [
        { type: 'text', text: 'Let me list the files.' },
        { type: 'tool_use', id: id('toolu_'), name: 'Bash', input: { command: 'ls', description: 'List files' } },
      ],
      stop: 'tool_use',
    };
  }
  return { blocks: [{ type: 'text', text: 'The directory holds two files.' }], stop: 'end_turn' };
}

type Held = { started: () => void; released: Promise<void> };

async function messages(held: Held | undefined, body: Json, res: ServerResponse): Promise<void> {
  const { blocks, stop } = anthropicBlocks(body);
  const u = ANTHROPIC_USAGE;
  const inputSide = {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cache_creation_input_tokens - u.ephemeral_1h, ephemeral_1h_input_tokens: u.ephemeral_1h },
  };
  const message = { id: id('msg_'), type: 'message', role: 'assistant', model: body.model, content: [] as Json[], stop_reason: null, stop_sequence: null };
  const headers = { 'request-id': id('req_'), 'anthropic-organization-id': 'org-fake' };
  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ ...message, content: blocks, stop_reason: stop, usage: { ...inputSide, output_tokens: u.output_tokens, service_tier: 'standard' } }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  res.write(sse('message_start', { type: 'message_start', message: { ...message, usage: { ...inputSide, output_tokens: 1, service_tier: 'standard' } } }));
  res.write(sse('ping', { type: 'ping' }));
  if (held) {
    held.started();
    await held.released;
  }
  for (const [index, b] of blocks.entries()) {
    if (b.type === 'text') {
      res.write(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const piece of String(b.text).match(/.{1,8}/g) ?? []) {
        res.write(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
      }
    } else {
      const json = JSON.stringify(b.input);
      res.write(sse('content_block_start', { type: 'content_block_start', index, content_block: { ...b, input: {} } }));
      for (const part of ['', json.slice(0, 10), json.slice(10)]) res.write(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }));
    }
    res.write(sse('content_block_stop', { type: 'content_block_stop', index }));
  }
  res.write(sse('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { ...inputSide, cache_creation: undefined, output_tokens: u.output_tokens } }));
  res.write(sse('message_stop', { type: 'message_stop' }));
  res.end();
}

async function responses(body: Json, res: ServerResponse): Promise<void> {
  const input = Array.isArray(body.input) ? (body.input as Json[]) : [];
  const answered = input.some((i) => i.type === 'function_call_output');
  const tools = Array.isArray(body.tools) ? (body.tools as Json[]) : [];
  const shell = tools.find((t) => t.type === 'function' && ['exec_command', 'shell', 'shell_command'].includes(String(t.name)));
  const rid = id('resp_');
  const output: Json[] =
    shell && !answered
      ? [{ type: 'function_call', id: `fc_${rid}`, call_id: id('call_'), name: shell.name, arguments: JSON.stringify({ cmd: 'ls' }), status: 'completed' }]
      : [{ type: 'message', id: `msg_${rid}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'The directory holds two files.', annotations: [] }] }];
  const u = RESPONSES_USAGE;
  const usage = {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: u.cached_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
    total_tokens: u.input_tokens + u.output_tokens,
  };
  const base = { id: rid, object: 'response', created_at: Math.floor(Date.now() / 1000), model: body.model, status: 'in_progress', output: [] as Json[], usage: null, error: null, incomplete_details: null, store: body.store ?? true };
  const headers = { 'x-request-id': id('req_'), 'openai-processing-ms': '12' };
  if (body.stream !== true) {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ ...base, status: 'completed', output, usage }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', ...headers });
  let seq = 0;
  const ev = (type: string, data: Json) => res.write(sse(type, { type, sequence_number: seq++, ...data }));
  ev('response.created', { response: base });
  ev('response.in_progress', { response: base });
  for (const [oi, item] of output.entries()) {
    if (item.type === 'function_call') {
      ev('response.output_item.added', { output_index: oi, item: { ...item, arguments: '', status: 'in_progress' } });
      ev('response.function_call_arguments.delta', { item_id: item.id, output_index: oi, delta: item.arguments });
      ev('response.function_call_arguments.done', { item_id: item.id, output_index: oi, arguments: item.arguments });
    } else {
      const part = (item.content as Json[])[0]!;
      ev('response.output_item.added', { output_index: oi, item: { ...item, content: [], status: 'in_progress' } });
      ev('response.content_part.added', { item_id: item.id, output_index: oi, content_index: 0, part: { ...part, text: '' } });
      for (const piece of String(part.text).match(/.{1,8}/g) ?? []) {
        ev('response.output_text.delta', { item_id: item.id, output_index: oi, content_index: 0, delta: piece, logprobs: [] });
      }
      ev('response.output_text.done', { item_id: item.id, output_index: oi, content_index: 0, text: part.text, logprobs: [] });
      ev('response.content_part.done', { item_id: item.id, output_index: oi, content_index: 0, part });
    }
    ev('response.output_item.done', { output_index: oi, item });
  }
  ev('response.completed', { response: { ...base, status: 'completed', output, usage } });
  res.end();
}

export async function startAgentUpstream(): Promise<AgentUpstream> {
  let server: Server | undefined;
  let held: Held | undefined;
  const up: AgentUpstream = {
    baseUrl: '',
    requests: [],
    hold() {
      let started = () => {};
      let release = () => {};
      const startedP = new Promise<void>((r) => (started = r));
      held = { started, released: new Promise<void>((r) => (release = r)) };
      return { started: startedP, release };
    },
    close: () => new Promise<void>((r) => (server ? server.close(() => r()) : r())),
  };
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Json) : undefined;
      up.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = (req.url ?? '').split('?')[0];
      const run = async () => {
        if (req.method === 'POST' && path === '/v1/messages' && body) {
          const h = body.stream === true ? held : undefined;
          if (h) held = undefined;
          return messages(h, body, res);
        }
        if (req.method === 'POST' && path === '/v1/responses' && body) return responses(body, res);
        const anthropic = req.headers['anthropic-version'] !== undefined;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            anthropic
              ? { type: 'error', error: { type: 'not_found_error', message: `Not found: ${req.method} ${path}` } }
              : { error: { message: `Unknown url ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } },
          ),
        );
      };
      run().catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  up.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return up;
}
