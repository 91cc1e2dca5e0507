/**
 * The wire shapes of batch input and result lines (OpenAI's batch JSONL, Anthropic's Message
 * Batches requests and results), read leniently: a malformed line is reported with its number,
 * never guessed at. Pure.
 */
import { arr, num, obj, type Json, type NormalizedUsage } from '../providers/types';
import { OPENAI_BATCH_ENDPOINTS, OPENAI_PATHS } from '../providers/protocol';

/** One request of a batch, whichever provider's format it came in. */
export interface BatchRequestLine {
  customId: string;
  /** Tollgate endpoint id (chat.completions, responses, completions, embeddings, messages). */
  endpoint: string;
  body: Json;
  model: string;
  /** OpenAI input lines: the URL the line names (kept to re-send the line as it was). */
  url?: string;
}

/** One result of a batch. */
export interface BatchResultLine {
  customId: string;
  /** HTTP-like status: 200 for a success, the provider's status (or 500) for a failure. */
  status: number;
  /** The model's answer (OpenAI response body / Anthropic message) for successes. */
  body?: Json;
  errorType?: string;
  model?: string;
  usage?: NormalizedUsage;
}

export class BatchLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export function openaiEndpointForUrl(url: string): string | undefined {
  const path = url.split('?')[0]!.replace(/\/+$/, '');
  return OPENAI_BATCH_ENDPOINTS.find((e) => OPENAI_PATHS[e] === path);
}

/** Splits JSONL text into parsed objects (blank lines skipped); throws BatchLineError on bad JSON. */
export function parseJsonl(text: string): Array<{ line: number; value: Json }> {
  const out: Array<{ line: number; value: Json }> = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i]!.trim();
    if (!raw) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new BatchLineError(i + 1, 'not valid JSON');
    }
    const o = obj(value);
    if (!o) throw new BatchLineError(i + 1, 'each line must be a JSON object');
    out.push({ line: i + 1, value: o });
  }
  return out;
}

export function toJsonl(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + (values.length ? '\n' : '');
}

/**
 * OpenAI batch input: `{"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {…}}`.
 * A batch has one endpoint and OpenAI fails every line whose `url` is not it, so a file whose
 * lines name different endpoints is refused at the first line that differs from line one's.
 */
export function readOpenAIRequests(text: string): BatchRequestLine[] {
  const seen = new Set<string>();
  let first: { line: number; url: string; endpoint: string } | undefined;
  return parseJsonl(text).map(({ line, value }) => {
    const customId = value.custom_id;
    if (typeof customId !== 'string' || !customId) throw new BatchLineError(line, 'custom_id must be a non-empty string');
    if (seen.has(customId)) throw new BatchLineError(line, `custom_id "${customId}" appears twice`);
    seen.add(customId);
    const endpoint = typeof value.url === 'string' ? openaiEndpointForUrl(value.url) : undefined;
    if (!endpoint) throw new BatchLineError(line, `url must be one of ${OPENAI_BATCH_ENDPOINTS.map((e) => OPENAI_PATHS[e]).join(', ')}`);
    const url = String(value.url);
    first ??= { line, url, endpoint };
    if (endpoint !== first.endpoint) {
      throw new BatchLineError(line, `url "${url}" differs from "${first.url}" (line ${first.line}): every line of a batch input file must use the batch's one endpoint`);
    }
    const body = obj(value.body);
    if (!body) throw new BatchLineError(line, 'body must be an object');
    return { customId, endpoint, body, model: typeof body.model === 'string' ? body.model : '', url };
  });
}

/**
 * Anthropic Message Batches: `{"requests": [{"custom_id", "params": {…}}]}`. Errors name request
 * i as "line i+1", unless `lineNumbers[i]` gives the line it came from (a JSONL file, whose blank
 * lines are not requests).
 */
export function readAnthropicRequests(payload: Json, lineNumbers?: readonly number[]): BatchRequestLine[] {
  const seen = new Set<string>();
  const requests = arr(payload.requests);
  if (requests.length === 0) throw new BatchLineError(0, 'requests must be a non-empty array');
  return requests.map((r, i) => {
    const line = lineNumbers?.[i] ?? i + 1;
    const o = obj(r);
    const customId = o?.custom_id;
    if (typeof customId !== 'string' || !customId) throw new BatchLineError(line, 'custom_id must be a non-empty string');
    if (seen.has(customId)) throw new BatchLineError(line, `custom_id "${customId}" appears twice`);
    seen.add(customId);
    const body = obj(o?.params);
    if (!body) throw new BatchLineError(line, 'params must be an object');
    return { customId, endpoint: 'messages', body, model: typeof body.model === 'string' ? body.model : '' };
  });
}

/** OpenAI batch output and error files: `{"custom_id", "response": {"status_code", "body"}, "error"}`. */
export function readOpenAIResults(text: string, usageOf: (endpoint: string, body: Json) => NormalizedUsage | undefined, endpoint: string): BatchResultLine[] {
  return parseJsonl(text).map(({ value }) => {
    const customId = String(value.custom_id ?? '');
    const response = obj(value.response);
    const error = obj(value.error);
    const status = response ? num(response.status_code) || 500 : 500;
    const body = obj(response?.body);
    if (status === 200 && body) {
      return { customId, status, body, model: typeof body.model === 'string' ? body.model : undefined, usage: usageOf(endpoint, body) };
    }
    const errType = (obj(body?.error)?.type as string | undefined) ?? (typeof error?.code === 'string' ? error.code : undefined) ?? 'batch_error';
    return { customId, status: status === 200 ? 500 : status, errorType: errType };
  });
}

/** Anthropic results: `{"custom_id", "result": {"type": "succeeded", "message": {…}} | errored | canceled | expired}`. */
export function readAnthropicResults(text: string, usageOf: (endpoint: string, body: Json) => NormalizedUsage | undefined): BatchResultLine[] {
  return parseJsonl(text).map(({ value }) => {
    const customId = String(value.custom_id ?? '');
    const result = obj(value.result);
    const type = String(result?.type ?? 'errored');
    const message = obj(result?.message);
    if (type === 'succeeded' && message) {
      return { customId, status: 200, body: message, model: typeof message.model === 'string' ? message.model : undefined, usage: usageOf('messages', message) };
    }
    const inner = obj(obj(result?.error)?.error);
    const errType = type === 'errored' ? String(inner?.type ?? 'api_error') : type;
    return { customId, status: type === 'canceled' || type === 'expired' ? 499 : 500, errorType: errType };
  });
}

/** The output limit a request asks for, in any of the spellings the batchable endpoints accept. */
export function requestedMaxOutput(body: Json): number | undefined {
  for (const k of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const v = body[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  }
  return undefined;
}
