/**
 * A fake OpenAI upstream for the media endpoints, on OpenAI's wire format:
 *   POST /v1/images/generations  JSON in; `{created, data:[{b64_json}], usage}` out (gpt-image-*
 *                                with `usage.input_tokens_details.{text_tokens,image_tokens}`, dall-e-* without
 *                                usage); `stream: true` sends `image_generation.partial_image` then
 *                                `image_generation.completed` (with usage) events
 *   POST /v1/images/edits        multipart in (image[] files); same answers, `image_edit.*` events
 *   POST /v1/audio/speech        JSON in; binary `audio/mpeg` out, or with `stream_format: "sse"`
 *                                `speech.audio.delta` / `speech.audio.done` (with usage) events
 *   POST /v1/audio/transcriptions, /v1/audio/translations
 *                                multipart in (a `file`); `{text, usage}` (tokens for gpt-4o-*,
 *                                duration for whisper-1), `text/plain` for `response_format=text`,
 *                                `transcript.text.delta` / `.done` (with usage) events when streaming
 *   /v1/uploads (create, parts, complete), /v1/vector_stores (create, list, search), and
 *   GET /v1/files/file-img/content (binary bytes)
 * Every answer carries `x-request-id`; every request is kept raw (headers and bytes) for the tests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import type { PolicyInput } from '../../../proxy/src/policy/schema';
import type { Harness } from '../../support/harness';
import { proxyOver } from '../../support/proxyOver';

export type Json = Record<string, unknown>;

export interface MediaRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  /** The multipart fields (files as `{name, type, size, sha}`), or the JSON body. */
  fields: Record<string, unknown>;
}

export interface MediaUpstream {
  baseUrl: string;
  requests: MediaRequest[];
  /** Bytes of the mp3 `/audio/speech` answers with. */
  speech: Buffer;
  close(): Promise<void>;
}

export const IMAGE_B64 = Buffer.from('\x89PNG\r\n\x1a\nfake-image-bytes').toString('base64');

const imageUsage = (imageInput: number): Json => ({
  input_tokens: 50 + imageInput,
  input_tokens_details: { text_tokens: 50, image_tokens: imageInput },
  output_tokens: 4160,
  total_tokens: 4210 + imageInput,
});

function sse(res: ServerResponse, events: Json[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_stream' });
  for (const e of events) res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
  res.end();
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function fieldsOf(req: IncomingMessage, raw: Buffer): Promise<Record<string, unknown>> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) {
      const value = typeof v === 'string' ? v : { name: v.name, type: v.type, size: v.size, bytes: Buffer.from(await v.arrayBuffer()) };
      out[k] = k in out ? [...(Array.isArray(out[k]) ? (out[k] as unknown[]) : [out[k]]), value] : value;
    }
    return out;
  }
  return raw.length ? (JSON.parse(raw.toString('utf8')) as Json) : {};
}

export async function startMediaUpstream(): Promise<MediaUpstream> {
  const requests: MediaRequest[] = [];
  const speech = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64, 0x00, 0x0f, 0xf0, 0x00]), Buffer.alloc(40_000, 0xaa), Buffer.from([0x00, 0xff, 0xfe, 0x80])]);
  const server = createServer(async (req, res) => {
    const raw = await readAll(req);
    const path = (req.url ?? '/').split('?')[0]!;
    let fields: Record<string, unknown>;
    try {
      fields = await fieldsOf(req, raw);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `bad body: ${(err as Error).message}`, type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, raw, fields });
    const model = String(fields.model ?? '');
    const stream = fields.stream === true || fields.stream === 'true';
    const json = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_media' });
      res.end(JSON.stringify(body));
    };
    if (path === '/v1/images/generations' || path === '/v1/images/edits') {
      const edit = path.endsWith('edits');
      const images = edit ? [fields['image[]'] ?? fields.image].flat().filter(Boolean).length : 0;
      const usage = model.startsWith('gpt-image') ? imageUsage(images * 323) : undefined;
      const prefix = edit ? 'image_edit' : 'image_generation';
      if (stream) {
        return sse(res, [
          { type: `${prefix}.partial_image`, b64_json: IMAGE_B64.slice(0, 8), partial_image_index: 0, created_at: 1_760_000_000, size: '1024x1024', quality: 'high', background: 'opaque', output_format: 'png' },
          { type: `${prefix}.completed`, b64_json: IMAGE_B64, created_at: 1_760_000_000, size: '1024x1024', quality: 'high', background: 'opaque', output_format: 'png', usage },
        ]);
      }
      return json(200, { created: 1_760_000_000, data: [{ b64_json: IMAGE_B64, ...(model === 'dall-e-3' ? { revised_prompt: 'a cat' } : {}) }], ...(usage ? { usage, size: '1024x1024', quality: 'high', output_format: 'png', background: 'opaque' } : {}) });
    }
    if (path === '/v1/audio/speech') {
      if (fields.stream_format === 'sse') {
        return sse(res, [
          { type: 'speech.audio.delta', audio: speech.subarray(0, 100).toString('base64') },
          { type: 'speech.audio.delta', audio: speech.subarray(100).toString('base64') },
          { type: 'speech.audio.done', usage: { input_tokens: 14, output_tokens: 101, total_tokens: 115 } },
        ]);
      }
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'x-request-id': 'req_speech', 'transfer-encoding': 'chunked' });
      res.write(speech.subarray(0, 1000));
      // `voice: "cut"`: the connection breaks mid-audio.
      if (fields.voice === 'cut') return void setTimeout(() => res.destroy(), 20);
      setTimeout(() => res.end(speech.subarray(1000)), 20);
      return;
    }
    if (path === '/v1/audio/transcriptions' || path === '/v1/audio/translations') {
      const text = 'Hello from the fake transcriber.';
      const usage = model === 'whisper-1' ? { type: 'duration', seconds: 60 } : { type: 'tokens', input_tokens: 120, input_token_details: { text_tokens: 20, audio_tokens: 100 }, output_tokens: 30, total_tokens: 150 };
      if (stream) {
        return sse(res, [
          { type: 'transcript.text.delta', delta: 'Hello from ', logprobs: [] },
          { type: 'transcript.text.delta', delta: 'the fake transcriber.', logprobs: [] },
          { type: 'transcript.text.done', text, logprobs: [], usage },
        ]);
      }
      if (fields.response_format === 'text') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': 'req_text' });
        res.end(`${text}\n`);
        return;
      }
      return json(200, { text, usage });
    }
    // Uploads, vector stores and file downloads: answered as the API does, echoing what was sent.
    if (path === '/v1/uploads' && req.method === 'POST') {
      return json(200, { id: 'upload_abc', object: 'upload', bytes: fields.bytes, created_at: 1_760_000_000, filename: fields.filename, purpose: fields.purpose, status: 'pending', expires_at: 1_760_003_600 });
    }
    const part = /^\/v1\/uploads\/([^/]+)\/parts$/.exec(path);
    if (part && req.method === 'POST') {
      const data = fields.data as { size: number; bytes: Buffer } | undefined;
      return json(200, { id: `part_${data?.size ?? 0}`, object: 'upload.part', created_at: 1_760_000_000, upload_id: part[1] });
    }
    const complete = /^\/v1\/uploads\/([^/]+)\/complete$/.exec(path);
    if (complete && req.method === 'POST') {
      return json(200, { id: complete[1], object: 'upload', status: 'completed', part_ids: fields.part_ids, file: { id: 'file-xyz', object: 'file', bytes: 3, created_at: 1_760_000_000, filename: 'big.bin', purpose: 'assistants' } });
    }
    if (path === '/v1/vector_stores' && req.method === 'POST') return json(200, { id: 'vs_1', object: 'vector_store', name: fields.name, status: 'completed', file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 } });
    if (path === '/v1/vector_stores' && req.method === 'GET') return json(200, { object: 'list', data: [{ id: 'vs_1', object: 'vector_store' }], first_id: 'vs_1', last_id: 'vs_1', has_more: false, limit: Number(new URL(req.url ?? '/', 'http://x').searchParams.get('limit') ?? 20) });
    if (path === '/v1/vector_stores/vs_1/search' && req.method === 'POST') {
      return json(200, { object: 'vector_store.search_results.page', search_query: [fields.query], data: [{ file_id: 'file-xyz', filename: 'notes.md', score: 0.91, attributes: {}, content: [{ type: 'text', text: 'the answer' }] }], has_more: false, next_page: null });
    }
    if (path === '/v1/files/file-img/content') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-request-id': 'req_file' });
      res.end(speech);
      return;
    }
    json(404, { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    speech,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The ledger's last row. */
export function lastCall(h: Harness): Json {
  return h.proxy.services.db
    .prepare('SELECT status, cache, endpoint, model_used, stream, input_tokens, output_tokens, cost_usd, priced, tokens_estimated, error_type, team FROM calls ORDER BY id DESC LIMIT 1')
    .get() as Json;
}

/**
 * A proxy over the media upstream with the real `openai` client (no SDK retries), for one test
 * file: `last` is the ledger's last row, `lastSent` the last request the upstream received.
 */
export function mediaProxy(policy?: PolicyInput) {
  const t = proxyOver({
    provider: 'openai',
    startUpstream: startMediaUpstream,
    client: (h) => new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-proj-media', maxRetries: 0 }),
    ...(policy ? { policy } : {}),
  });
  return Object.assign(t, {
    last: () => lastCall(t.h),
    lastSent: () => t.up.requests[t.up.requests.length - 1]!,
  });
}
