/**
 * The batch side of the fake provider: OpenAI's Files and Batches API and Anthropic's Message
 * Batches, in their real wire formats (multipart uploads, batch objects, JSONL output and error
 * files, results JSONL, list pages, provider-shaped errors).
 *
 * A batch's lifecycle is driven by the test, never by time: `complete(id)`, `expire(id, n)` (the
 * first n requests done, the rest expired), `fail(id)`; a cancel request moves it to cancelling and
 * `complete(id)` then ends it as cancelled with what finished. With `autoComplete`, a batch finishes
 * the first time it is retrieved after creation (for SDK and CLI flows that poll).
 * A request whose last user message holds `[[fake:batch-error]]` fails inside the batch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fakeTokens, lastUserText } from './fakeUpstream';

type Json = Record<string, unknown>;

interface FakeFile {
  id: string;
  purpose: string;
  filename: string;
  content: string;
  createdAt: number;
}

interface FakeBatch {
  id: string;
  kind: 'openai' | 'anthropic';
  endpoint: string;
  /** Request lines in submission order. */
  requests: Array<{ customId: string; body: Json }>;
  status: string;
  createdAt: number;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  metadata?: unknown;
  /** Per request: how it ended. */
  outcomes: Map<string, 'succeeded' | 'errored' | 'expired' | 'canceled'>;
  retrievals: number;
}

export interface FakeBatchApi {
  files: Map<string, FakeFile>;
  batches: Map<string, FakeBatch>;
  /** Finish a batch: every request succeeds (or errors when marked); a cancelling batch ends as cancelled. */
  complete(id: string): void;
  /** The first `done` requests finish, the rest expire. */
  expire(id: string, done: number): void;
  fail(id: string): void;
  /** When true, a batch finishes the first time it is retrieved after creation. */
  autoComplete: boolean;
  /** When true, an OpenAI batch is created but its creation is never answered (a proxy killed meanwhile). */
  silentCreates: boolean;
  /** Requests submitted inside batches so far (what the cache answered never arrives here). */
  submittedRequests(): number;
  handles(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: Buffer): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

export function createFakeBatchApi(baseUrl: () => string): FakeBatchApi {
  const files = new Map<string, FakeFile>();
  const batches = new Map<string, FakeBatch>();
  let seq = 0;
  let ran = 0;
  const nextId = (prefix: string) => `${prefix}${(++seq).toString(36).padStart(6, '0')}`;

  function answerFor(kind: 'openai' | 'anthropic', body: Json, n: number): Json {
    const prompt = lastUserText(body).replace(/\[\[fake:[^\]]*\]\]/g, '').trim();
    const answer = ['(batch ' + n + ')', 'You', 'said:', ...prompt.split(/\s+/).filter(Boolean)].slice(0, 8).join(' ');
    const model = String(body.model ?? 'unknown-model');
    const inputTokens = fakeTokens(JSON.stringify(body.messages ?? ''));
    const outputTokens = fakeTokens(answer);
    if (kind === 'anthropic') {
      return {
        id: `msg_fakebatch${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: answer }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens, service_tier: 'batch' },
      };
    }
    return {
      id: `chatcmpl-fakebatch${n}`,
      object: 'chat.completion',
      created: now(),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      service_tier: 'batch',
    };
  }

  function finish(b: FakeBatch, done: number, rest: 'expired' | 'canceled'): void {
    b.requests.forEach((r, i) => {
      if (b.outcomes.has(r.customId)) return;
      if (i >= done) return void b.outcomes.set(r.customId, rest);
      b.outcomes.set(r.customId, lastUserText(r.body).includes('[[fake:batch-error]]') ? 'errored' : 'succeeded');
    });
    if (b.kind === 'openai') writeOpenAIFiles(b);
  }

  function writeOpenAIFiles(b: FakeBatch): void {
    const out: string[] = [];
    const err: string[] = [];
    b.requests.forEach((r) => {
      const outcome = b.outcomes.get(r.customId);
      const reqId = `req_fakebatch_${++seq}`;
      if (outcome === 'succeeded') {
        ran += 1;
        out.push(JSON.stringify({ id: `batch_req_${seq}`, custom_id: r.customId, response: { status_code: 200, request_id: reqId, body: answerFor('openai', r.body, ran) }, error: null }));
      } else if (outcome === 'errored') {
        ran += 1;
        err.push(
          JSON.stringify({
            id: `batch_req_${seq}`,
            custom_id: r.customId,
            response: { status_code: 400, request_id: reqId, body: { error: { message: 'The request was marked to fail.', type: 'invalid_request_error', param: null, code: null } } },
            error: null,
          }),
        );
      } else {
        const code = outcome === 'expired' ? 'batch_expired' : 'batch_cancelled';
        err.push(JSON.stringify({ id: `batch_req_${seq}`, custom_id: r.customId, response: null, error: { code, message: outcome === 'expired' ? 'This request could not be executed before the completion window expired.' : 'This request was cancelled.' } }));
      }
    });
    if (out.length) {
      b.outputFileId = nextId('file-out');
      files.set(b.outputFileId, { id: b.outputFileId, purpose: 'batch_output', filename: 'batch_output.jsonl', content: out.join('\n') + '\n', createdAt: now() });
    }
    if (err.length) {
      b.errorFileId = nextId('file-err');
      files.set(b.errorFileId, { id: b.errorFileId, purpose: 'batch_output', filename: 'batch_errors.jsonl', content: err.join('\n') + '\n', createdAt: now() });
    }
  }

  function complete(id: string): void {
    const b = batches.get(id);
    if (!b) throw new Error(`fake: no batch ${id}`);
    const cancelling = b.status === 'cancelling' || b.status === 'canceling';
    finish(b, cancelling ? Math.floor(b.requests.length / 2) : b.requests.length, 'canceled');
    b.status = b.kind === 'anthropic' ? 'ended' : cancelling ? 'cancelled' : 'completed';
  }

  function expire(id: string, done: number): void {
    const b = batches.get(id);
    if (!b) throw new Error(`fake: no batch ${id}`);
    finish(b, done, 'expired');
    b.status = b.kind === 'anthropic' ? 'ended' : 'expired';
  }

  function fail(id: string): void {
    const b = batches.get(id);
    if (!b) throw new Error(`fake: no batch ${id}`);
    b.status = 'failed';
  }

  function counts(b: FakeBatch) {
    const c = { succeeded: 0, errored: 0, expired: 0, canceled: 0 };
    for (const o of b.outcomes.values()) c[o] += 1;
    return c;
  }

  function openaiBatch(b: FakeBatch): Json {
    const c = counts(b);
    const ended = ['completed', 'expired', 'cancelled', 'failed'].includes(b.status);
    return {
      id: b.id,
      object: 'batch',
      endpoint: b.endpoint,
      errors: b.status === 'failed' ? { object: 'list', data: [{ code: 'invalid_file', message: 'The input file is malformed.', param: null, line: null }] } : null,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status: b.status,
      output_file_id: b.outputFileId ?? null,
      error_file_id: b.errorFileId ?? null,
      created_at: b.createdAt,
      in_progress_at: b.createdAt,
      expires_at: b.createdAt + 86_400,
      finalizing_at: ended ? now() : null,
      completed_at: b.status === 'completed' ? now() : null,
      failed_at: b.status === 'failed' ? now() : null,
      expired_at: b.status === 'expired' ? now() : null,
      cancelling_at: b.status === 'cancelling' || b.status === 'cancelled' ? now() : null,
      cancelled_at: b.status === 'cancelled' ? now() : null,
      request_counts: { total: b.requests.length, completed: c.succeeded, failed: c.errored + c.expired + c.canceled },
      metadata: b.metadata ?? null,
    };
  }

  function anthropicBatch(b: FakeBatch): Json {
    const c = counts(b);
    const ended = b.status === 'ended';
    const iso = new Date(b.createdAt * 1000).toISOString();
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: b.status,
      request_counts: { processing: ended ? 0 : b.requests.length, succeeded: c.succeeded, errored: c.errored, canceled: c.canceled, expired: c.expired },
      ended_at: ended ? new Date().toISOString() : null,
      created_at: iso,
      expires_at: new Date((b.createdAt + 86_400) * 1000).toISOString(),
      archived_at: null,
      cancel_initiated_at: b.status === 'canceling' ? new Date().toISOString() : null,
      results_url: ended ? `${baseUrl()}/v1/messages/batches/${b.id}/results` : null,
    };
  }

  function send(res: ServerResponse, status: number, body: unknown, kind: 'openai' | 'anthropic' = 'openai'): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(kind === 'openai' ? { 'x-request-id': `req_fakebatch_${seq}` } : { 'request-id': `req_fakebatch_${seq}`, 'anthropic-organization-id': 'org-fake' }),
    });
    res.end(JSON.stringify(body));
  }

  function error(res: ServerResponse, kind: 'openai' | 'anthropic', status: number, message: string): void {
    const type = status === 404 ? (kind === 'anthropic' ? 'not_found_error' : 'invalid_request_error') : status === 401 ? (kind === 'anthropic' ? 'authentication_error' : 'invalid_request_error') : 'invalid_request_error';
    send(res, status, kind === 'anthropic' ? { type: 'error', error: { type, message } } : { error: { message, type, param: null, code: null } }, kind);
  }

  function maybeAutoComplete(b: FakeBatch): void {
    b.retrievals += 1;
    if (api.autoComplete && (b.status === 'in_progress' || b.status === 'validating' || b.status === 'cancelling' || b.status === 'canceling')) complete(b.id);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const kind: 'openai' | 'anthropic' = path.startsWith('/v1/messages/batches') ? 'anthropic' : 'openai';
    if (kind === 'anthropic' ? !req.headers['x-api-key'] && !req.headers.authorization : !req.headers.authorization) {
      return error(res, kind, 401, kind === 'anthropic' ? 'x-api-key header is required' : 'You did not provide an API key.');
    }
    const parts = path.split('/').filter(Boolean); // v1, files|batches|messages, …

    if (kind === 'openai' && parts[1] === 'files') {
      const id = parts[2];
      if (!id && method === 'POST') {
        const ct = String(req.headers['content-type'] ?? '');
        if (!ct.startsWith('multipart/form-data')) return error(res, 'openai', 400, "Invalid content type: expected multipart/form-data");
        const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': ct } }).formData();
        const file = form.get('file');
        const purpose = String(form.get('purpose') ?? '');
        if (!file || typeof file === 'string') return error(res, 'openai', 400, "Missing required parameter: 'file'.");
        if (!purpose) return error(res, 'openai', 400, "Missing required parameter: 'purpose'.");
        const f: FakeFile = { id: nextId('file-'), purpose, filename: (file as File).name || 'upload', content: await file.text(), createdAt: now() };
        files.set(f.id, f);
        return send(res, 200, fileObject(f));
      }
      if (!id && method === 'GET') return send(res, 200, fileList(url.searchParams));
      const f = id ? files.get(id) : undefined;
      if (!f) return error(res, 'openai', 404, `No such File object: ${id}`);
      if (parts[3] === 'content' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-request-id': `req_fakebatch_${seq}` });
        return void res.end(f.content);
      }
      if (method === 'DELETE') {
        files.delete(f.id);
        return send(res, 200, { id: f.id, object: 'file', deleted: true });
      }
      return send(res, 200, fileObject(f));
    }

    if (kind === 'openai' && parts[1] === 'batches') {
      const id = parts[2];
      if (!id && method === 'POST') {
        const body = JSON.parse(raw.toString('utf8') || '{}') as Json;
        const input = files.get(String(body.input_file_id ?? ''));
        if (!input) return error(res, 'openai', 404, `No such File object: ${String(body.input_file_id)}`);
        if (body.completion_window !== '24h') return error(res, 'openai', 400, "Invalid value for 'completion_window': only '24h' is supported.");
        const requests = input.content
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as Json)
          .map((l) => ({ customId: String(l.custom_id), body: (l.body ?? {}) as Json }));
        const b: FakeBatch = { id: nextId('batch_'), kind: 'openai', endpoint: String(body.endpoint ?? '/v1/chat/completions'), requests, status: 'in_progress', createdAt: now(), inputFileId: input.id, metadata: body.metadata, outcomes: new Map(), retrievals: 0 };
        batches.set(b.id, b);
        if (api.silentCreates) return;
        return send(res, 200, openaiBatch(b));
      }
      if (!id && method === 'GET') {
        const data = [...batches.values()].filter((b) => b.kind === 'openai').reverse().map(openaiBatch);
        return send(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
      }
      const b = id ? batches.get(id) : undefined;
      if (!b || b.kind !== 'openai') return error(res, 'openai', 404, `No batch found with id '${id}'.`);
      if (parts[3] === 'cancel' && method === 'POST') {
        if (b.status === 'in_progress' || b.status === 'validating') b.status = 'cancelling';
        return send(res, 200, openaiBatch(b));
      }
      maybeAutoComplete(b);
      return send(res, 200, openaiBatch(b));
    }

    // Anthropic Message Batches.
    const id = parts[3];
    if (!id && method === 'POST') {
      const body = JSON.parse(raw.toString('utf8') || '{}') as Json;
      const requests = Array.isArray(body.requests) ? (body.requests as Json[]) : [];
      if (requests.length === 0) return error(res, 'anthropic', 400, 'requests: List should have at least 1 item after validation, not 0');
      const b: FakeBatch = {
        id: nextId('msgbatch_'),
        kind: 'anthropic',
        endpoint: '/v1/messages',
        requests: requests.map((r) => ({ customId: String(r.custom_id), body: (r.params ?? {}) as Json })),
        status: 'in_progress',
        createdAt: now(),
        outcomes: new Map(),
        retrievals: 0,
      };
      batches.set(b.id, b);
      return send(res, 200, anthropicBatch(b), 'anthropic');
    }
    if (!id && method === 'GET') {
      const data = [...batches.values()].filter((b) => b.kind === 'anthropic').reverse().map(anthropicBatch);
      return send(res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null }, 'anthropic');
    }
    const b = id ? batches.get(id) : undefined;
    if (!b || b.kind !== 'anthropic') return error(res, 'anthropic', 404, `No batch found with id '${id}'.`);
    if (parts[4] === 'cancel' && method === 'POST') {
      if (b.status === 'in_progress') b.status = 'canceling';
      return send(res, 200, anthropicBatch(b), 'anthropic');
    }
    if (parts[4] === 'results' && method === 'GET') {
      if (b.status !== 'ended') return error(res, 'anthropic', 400, `Batch ${b.id} is still in progress: results are not available.`);
      const lines = b.requests.map((r) => {
        const outcome = b.outcomes.get(r.customId) ?? 'canceled';
        if (outcome === 'succeeded') {
          ran += 1;
          return { custom_id: r.customId, result: { type: 'succeeded', message: answerFor('anthropic', r.body, ran) } };
        }
        if (outcome === 'errored') {
          ran += 1;
          return { custom_id: r.customId, result: { type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'The request was marked to fail.' } } } };
        }
        return { custom_id: r.customId, result: { type: outcome } };
      });
      res.writeHead(200, { 'content-type': 'application/binary', 'request-id': `req_fakebatch_${seq}` });
      return void res.end(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    }
    if (method === 'DELETE') {
      if (b.status !== 'ended') return error(res, 'anthropic', 400, 'Only ended batches can be deleted.');
      batches.delete(b.id);
      return send(res, 200, { id: b.id, type: 'message_batch_deleted' }, 'anthropic');
    }
    maybeAutoComplete(b);
    return send(res, 200, anthropicBatch(b), 'anthropic');
  }

  /** GET /v1/files as OpenAI pages it: newest first (`order=asc` reverses), `purpose` filters, `after` is the last id seen, `limit` defaults to 10,000. */
  function fileList(q: URLSearchParams): Json {
    let all = [...files.values()].reverse();
    if (q.get('order') === 'asc') all.reverse();
    const purpose = q.get('purpose');
    if (purpose) all = all.filter((f) => f.purpose === purpose);
    const after = q.get('after');
    if (after) all = all.slice(all.findIndex((f) => f.id === after) + 1);
    const data = all.slice(0, Number(q.get('limit') ?? 10_000)).map(fileObject);
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: all.length > data.length };
  }

  function fileObject(f: FakeFile): Json {
    return { id: f.id, object: 'file', bytes: Buffer.byteLength(f.content), created_at: f.createdAt, filename: f.filename, purpose: f.purpose, status: 'processed', status_details: null, expires_at: null };
  }

  const api: FakeBatchApi = {
    files,
    batches,
    complete,
    expire,
    fail,
    autoComplete: false,
    silentCreates: false,
    submittedRequests: () => [...batches.values()].reduce((n, b) => n + b.requests.length, 0),
    handles: (path) => /^\/v1\/(files|batches)(\/|$)/.test(path) || /^\/v1\/messages\/batches(\/|$)/.test(path),
    handle,
  };
  return api;
}
