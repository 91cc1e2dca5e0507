/**
 * Forward stage: sends the call to the upstream with undici, relays the answer, and retries or
 * falls back (policy `retries`, `fallbacks`) while nothing has reached the client yet.
 *
 * JSON answers are read whole, checked, and sent on. Streams are relayed frame by frame as they
 * arrive, waiting for the client socket to drain (backpressure); a streaming client's abort cancels
 * the upstream request (a JSON call's runs on: its answer is billed either way). Only a stream that
 * reached its terminal event counts as complete (and may be cached), or an OpenAI chat/completions stream closed cleanly after every choice's finish_reason
 * (servers that omit `[DONE]`); one that stopped short gets an in-band error event. If Tollgate
 * asked the upstream for usage in a stream, the extra usage chunk is stripped before it reaches a
 * client that did not ask for it. Compressed upstream bodies are decoded first (contentEncoding.ts).
 */
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { isFlexRefusal, switchToDefaultTier } from '../batch/flex';
import { type Dispatcher, errors as undiciErrors } from 'undici';
import { fallbackTargets, fallbacksWithinPrice, requestedRetryAfter, retryDecision, type UpstreamHeaders } from '../governance/retry';
import { authHeaderValue, errorTypeOf, PROTOCOLS } from '../providers/protocol';
import { nestsDeeperThan, obj, upstreamText, type Json } from '../providers/types';
import { MAX_DEPTH } from '../cache/storable';
import { sendOnLiveConnection } from '../http/staleConnection';
import { formOf, formToSend } from './multipart';
import { switchProvider } from './providerSwitch';
import { DEPLOYMENT_PARAM, isAzureProvider } from '../providers/azure';
import type { ResolvedProvider } from '../policy/schema';
import { frameJson, SseEventTooLarge, SseParser, type SseFrame } from '../providers/sse';
import { firstByteWaitMs, startAttempt, type CallContext, type Stage } from './context';
import { failCall } from './errors';
import { decodedBody, discardBody, refusedCodings } from './contentEncoding';
import { finishAttempt } from './finishAttempt';

/**
 * Tollgate's own work failed after the upstream answered (the ledger write: a damaged table, a
 * constraint). Not an upstream fault: retrying would send, and bill, the call again.
 */
class RecordingFailure extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** finishAttempt inside the relay: its failure is a RecordingFailure, never a retryable upstream error. */
async function recordAnswered(ctx: CallContext): Promise<void> {
  try {
    await finishAttempt(ctx);
  } catch (err) {
    throw new RecordingFailure(err);
  }
}

/** Request headers passed to the upstream as they are (everything else is dropped). */
const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'openai-organization',
  'openai-project',
  'openai-beta',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
];

/**
 * Upstream response headers relayed to the client. `x-should-retry` is the provider's word on
 * whether the OpenAI and Anthropic SDKs may retry an error (`false` on a 429 or 5xx no retry can
 * fix, such as a spent credit balance): dropped, the SDK retried such an error twice, each a row.
 */
const RELAYED_RESPONSE_HEADER = /^(content-type|x-request-id|request-id|openai-.*|anthropic-.*|x-ratelimit-.*|retry-after|retry-after-ms|x-should-retry)$/i;

/**
 * `setup`: a connection only a setting can fix (a TLS certificate Node does not trust, a company
 * proxy that refuses; server/security/connectErrors.ts explains which) — retrying it, here or in
 * the client's SDK, only repeats the failure and its ledger row.
 */
export type UpstreamFailureKind = 'connect' | 'timeout' | 'reset' | 'setup';

export class UpstreamFailure extends Error {
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
  ) {
    super(message);
  }
}

export function classifyUpstreamError(err: unknown): UpstreamFailure {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  if (err instanceof undiciErrors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') return new UpstreamFailure('timeout', 'the upstream did not answer in time');
  if (err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT') return new UpstreamFailure('timeout', 'the upstream stopped sending mid-response');
  // Matched by name: pipeline/ does not import server/ (the explaining connector lives there).
  if (e.name === 'UpstreamConnectError') return new UpstreamFailure('setup', e.message ?? 'the upstream connection failed');
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new UpstreamFailure('timeout', 'connecting to the upstream timed out');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH') return new UpstreamFailure('connect', `cannot connect to the upstream (${code})`);
  return new UpstreamFailure('reset', `the upstream connection failed (${code ?? e.message ?? 'reset'})`);
}

function upstreamHeaders(ctx: CallContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const v = ctx.req.headers[name];
    if (typeof v === 'string') out[name] = v;
  }
  const p = ctx.provider!;
  Object.assign(out, p.headers);
  // A multipart body's content type (with its boundary) is the one the rebuilt form sets.
  if (ctx.endpoint.multipart) delete out['content-type'];
  else if (ctx.endpoint.method === 'POST') out['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(PROTOCOLS[p.kind].requiredHeaders)) out[name] ??= value;
  if (ctx.apiKey) out[p.authHeader] = authHeaderValue(p.authHeader, ctx.apiKey);
  return out;
}

function relayHeaders(ctx: CallContext, headers: Record<string, string | string[] | undefined>): void {
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && RELAYED_RESPONSE_HEADER.test(k)) {
      const value = Array.isArray(v) ? v.join(', ') : v;
      ctx.responseHeaders[k] = value;
      ctx.res.setHeader(k, value);
    }
  }
}

function tollgateHeaders(ctx: CallContext): void {
  for (const [k, v] of Object.entries(ctx.extraHeaders)) ctx.res.setHeader(k, v);
  ctx.res.setHeader('x-tollgate-request-id', ctx.requestId);
  ctx.res.setHeader('x-tollgate-cache', ctx.cacheStatus === 'bypass' ? 'bypass' : 'miss');
}

/** The settled cost, as headers (or a stream's trailers); the model borrowed for its price, when it was. */
function costHeaders(ctx: CallContext): Record<string, string> {
  return { 'x-tollgate-cost-usd': ctx.costUsd.toFixed(8), ...(ctx.pricedAs ? { 'x-tollgate-priced-as': ctx.pricedAs } : {}) };
}

/** Thrown by `callUpstream` for failures a retry may fix, before any byte reached the client. */
export class RetryableUpstreamError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly kind: UpstreamFailureKind | undefined,
    readonly retryAfter: string | undefined,
    readonly respond: () => void,
    /** The error answer's headers (a 429's rate-limit reset headers). */
    readonly headers?: UpstreamHeaders,
  ) {
    super('retryable upstream failure');
  }
}

/**
 * One upstream attempt. On an HTTP error or a failure before the first byte it throws a
 * RetryableUpstreamError whose `respond()` sends the error to the client (the retry stage decides
 * whether to retry first). Once streaming to the client started it never throws.
 */
export async function callUpstream(ctx: CallContext): Promise<void> {
  const p = ctx.provider!;
  // `:name` segments (GET /v1/models/:model) carry the client's value, re-encoded; an Azure
  // deployment route's deployment is the call's model (a fallback's target deployment).
  const param = (name: string): string => (ctx.endpoint.azureDeployment && name === DEPLOYMENT_PARAM ? ctx.modelUsed : (ctx.req.params[name] ?? ''));
  const path = ctx.endpoint.upstreamPath.replace(/:([a-z]+)/g, (_m, name: string) => encodeURIComponent(param(name)));
  const url = `${p.baseUrl}${path}${ctx.req.url.includes('?') ? ctx.req.url.slice(ctx.req.url.indexOf('?')) : ''}`;
  const outgoing: Json = { ...ctx.body };
  if (!ctx.stream && ctx.endpoint.assembler && ctx.endpoint.streams?.(ctx.body)) ctx.stream = true;
  if (ctx.stream && ctx.endpoint.requestUsageInStream) ctx.stripUsageChunk = ctx.endpoint.requestUsageInStream(outgoing, ctx.provider?.baseUrl);
  const form = ctx.endpoint.multipart ? formOf(ctx.req) : undefined;

  if (clientGone(ctx)) {
    // The client left while an earlier stage was waiting (a token count, an embedding, a retry's
    // backoff): its 'close' event has passed, so the listener below would never fire and the
    // upstream would generate, and bill, a whole answer nobody reads.
    ctx.status = 499;
    ctx.errorType = 'client_closed_request';
    return;
  }
  // undici takes an EventEmitter with `aborted` as its signal: ~1 µs a call, where an AbortController and its listeners cost ~26 µs (Node 20).
  const abort = Object.assign(new EventEmitter(), { aborted: false });
  const onClose = () => {
    if (ctx.res.writableFinished || abort.aborted) return;
    abort.aborted = true;
    abort.emit('abort');
  };
  // A stream is cancelled with its reader: the provider stops generating, and billing, it. A JSON
  // answer is generated whole whatever the client does, and billed: cancelled, it was recorded at
  // $0. So its request runs on and its row gets the usage the upstream reports; only the proxy
  // stopping cuts it (the stop's drain has waited for it by then).
  const cancelsWithClient = ctx.stream;
  // (A stream is cut on a stop by its client connection closing, and is recorded as that 499.)
  if (cancelsWithClient) ctx.res.on('close', onClose);
  const forgetStop = cancelsWithClient ? () => {} : ctx.services.onStop(onClose);
  const release = () => {
    ctx.res.off('close', onClose);
    forgetStop();
  };
  const started = performance.now();
  let requestSent = false;
  let upstream: Dispatcher.ResponseData;
  const send = () => {
    const { origin, path } = upstreamTarget(url);
    return noticingRequestSent(ctx.services.dispatcher).request({
      origin,
      path,
      method: ctx.endpoint.method,
      headers: upstreamHeaders(ctx),
      body: form ? formToSend(form, outgoing) : ctx.endpoint.method === 'POST' ? JSON.stringify(outgoing) : undefined,
      signal: abort,
      // Spread: the option is Tollgate's own, unknown to request()'s type (see noticingRequestSent).
      ...{
        [ON_REQUEST_SENT]: () => {
          requestSent = true;
        },
      },
      headersTimeout: firstByteWaitMs(ctx, p),
      bodyTimeout: p.idleTimeoutMs,
    });
  };
  try {
    // A reused connection the upstream closed before answering read nothing of the request.
    upstream = await sendOnLiveConnection(send, abort);
  } catch (err) {
    ctx.upstreamMs += performance.now() - started;
    release();
    if (abort.aborted) {
      // Cut by the stop (before the upstream answered, so its client was told 503 "Tollgate is
      // stopping": server/start.ts), or left by its client.
      const stopped = ctx.services.stopping.aborted;
      ctx.status = stopped ? 503 : 499;
      ctx.errorType = stopped ? 'proxy_stopping' : 'client_closed_request';
      // A request that reached the upstream is billed for the input it read: the proxy stopped
      // while a JSON answer was generated, or a stream's client left before its first byte (a
      // reasoning model thinking past the client's timeout). The input is estimated, not recorded
      // as $0; what was generated before the cancel is unknown, and the answer is incomplete (not
      // cached). One cut while connecting (DNS, TCP, TLS) was never read: nothing billed, $0.
      if (requestSent) ctx.responseBody ??= {};
      return;
    }
    // undici refused a request Tollgate built (a provider key pasted with a zero-width space or a
    // line break, from the environment or a `?key=`): nothing was sent, and no retry can send it.
    if (err instanceof undiciErrors.InvalidArgumentError) {
      failCall(ctx, 500, 'api_error', `Tollgate could not send the call to ${p.name}: ${err.message} (a character HTTP does not allow in a value Tollgate sends, such as the API key); nothing was sent.`, NO_CLIENT_RETRY, { reason: 'internal_error' });
      return;
    }
    const f = classifyUpstreamError(err);
    throw new RetryableUpstreamError(undefined, f.kind, undefined, () =>
      failCall(ctx, f.kind === 'timeout' ? 504 : 502, f.kind === 'timeout' ? 'upstream_timeout' : 'upstream_unreachable', `Tollgate: ${f.message} (${p.name} at ${p.baseUrl}).`, f.kind === 'setup' ? NO_CLIENT_RETRY : {}),
    );
  }

  let body: Readable = upstream.body;
  try {
    const refused = refusedCodings(upstream.headers['content-encoding']);
    if (refused !== undefined) {
      discardBody(upstream.body);
      ctx.upstreamMs += performance.now() - started;
      await answerUndecodable(ctx, upstream.statusCode, refused);
      return;
    }
    body = decodedBody(upstream.body, upstream.headers['content-encoding']);
    const contentType = String(upstream.headers['content-type'] ?? '');
    if (upstream.statusCode >= 400) {
      const text = await readCapped(body, 1 << 20);
      ctx.upstreamMs += performance.now() - started;
      const retryAfter = requestedRetryAfter(upstream.headers);
      const status = upstream.statusCode;
      const headers = upstream.headers;
      throw new RetryableUpstreamError(status, undefined, retryAfter, () => relayError(ctx, status, headers, text, contentType), headers);
    }
    if (ctx.stream && contentType.includes('text/event-stream')) {
      await relayStream(ctx, upstream, body, started);
    } else if (ctx.endpoint.rawAnswers && !/json/i.test(contentType)) {
      await relayRaw(ctx, upstream, body, started);
    } else {
      await relayJson(ctx, upstream, body, started, contentType);
    }
  } catch (err) {
    if (err instanceof RetryableUpstreamError) throw err;
    if (err instanceof RecordingFailure) return answerUnrecorded(ctx, err);
    if (abort.aborted && ctx.res.destroyed) {
      ctx.status = 499;
      ctx.errorType = 'client_closed_request';
      ctx.complete = false;
      // A success status came: the answer was generated (a JSON one, even for a stream request,
      // whole before its headers) and is billed, so its input is estimated. An error answer is not.
      if (!cancelsWithClient || (upstream.statusCode >= 200 && upstream.statusCode < 300)) ctx.responseBody ??= {};
      await finishAttempt(ctx);
      return;
    }
    if (err instanceof SseEventTooLarge) {
      // The relay left the loop, which cancelled the upstream body: the headers went out with the
      // stream, so the client gets the protocol's error event; the row has what arrived, estimated.
      await endStreamWithError(ctx, 502, 'upstream_event_too_large', err.message);
      return;
    }
    // Only what the upstream's body stream failed with (a reset, a stall, a corrupt encoding) is
    // the upstream's failure; anything else is our own code failing on an answer that came.
    if (err !== upstream.body.errored && err !== body.errored) {
      if (!ctx.res.headersSent) return answerLocalFailure(ctx, err, upstream.statusCode);
      ctx.services.log.error(`call ${ctx.requestId}: Tollgate failed while relaying the upstream's stream: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      await endStreamWithError(ctx, 500, 'internal_error', `Tollgate failed while relaying the upstream's stream (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    const f = classifyUpstreamError(err);
    const timedOut = f.kind === 'timeout';
    if (!ctx.res.headersSent) {
      throw new RetryableUpstreamError(undefined, f.kind, undefined, () => failCall(ctx, timedOut ? 504 : 502, timedOut ? 'upstream_timeout' : 'upstream_error', `Tollgate: ${f.message}.`));
    }
    await endStreamWithError(ctx, timedOut ? 504 : 502, timedOut ? 'upstream_timeout' : 'upstream_reset', f.message);
  } finally {
    release();
  }
}

/**
 * The origin and path undici's `request(url)` would dispatch. It parses the URL on every call (a
 * third of undici's CPU per call); a proxy calls a few URLs, so each is parsed once. Bounded: the
 * client's query string is part of the URL.
 */
const targets = new Map<string, { origin: string; path: string }>();
function upstreamTarget(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (t) return t;
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new undiciErrors.InvalidArgumentError('Invalid URL protocol: the URL must start with `http:` or `https:`.');
  t = { origin: u.origin, path: `${u.pathname}${u.search}` };
  if (targets.size >= 256) targets.clear();
  targets.set(url, t);
  return t;
}

/** A request option: what to call once undici has written the whole request to the upstream. */
const ON_REQUEST_SENT = Symbol('tollgate.onRequestSent');
/** One wrapper per dispatcher, not a Proxy built per upstream request. */
const noticing = new WeakMap<Dispatcher, Dispatcher>();

/**
 * The dispatcher whose dispatch calls a request's ON_REQUEST_SENT option once undici has written
 * the whole request to the upstream's connection (its handler's `onRequestSent`, which `request()`
 * does not surface). `request()` spreads its options into the dispatch options, so the option
 * arrives here; the handler is `request()`'s own, made for that call.
 */
function noticingRequestSent(dispatcher: Dispatcher): Dispatcher {
  let wrapped = noticing.get(dispatcher);
  if (wrapped) return wrapped;
  const dispatch = (options: Dispatcher.DispatchOptions & { [ON_REQUEST_SENT]?: () => void }, handler: Dispatcher.DispatchHandler): boolean => {
    const h = handler as { onRequestSent?: () => void };
    const own = h.onRequestSent?.bind(handler);
    h.onRequestSent = () => {
      options[ON_REQUEST_SENT]?.();
      own?.();
    };
    return dispatcher.dispatch(options, handler);
  };
  wrapped = new Proxy(dispatcher, { get: (target, key) => (key === 'dispatch' ? dispatch : Reflect.get(target, key)) });
  noticing.set(dispatcher, wrapped);
  return wrapped;
}

/** An error body's first `cap` bytes; the rest is not waited for (leaving the loop closes the upstream body: one that never ends held the call). */
async function readCapped(body: AsyncIterable<Buffer>, cap: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    size += c.length;
    if (size > cap) break;
    chunks.push(c);
  }
  return upstreamText(Buffer.concat(chunks));
}

function relayError(ctx: CallContext, status: number, headers: Record<string, string | string[] | undefined>, text: string, contentType: string): void {
  ctx.status = status;
  let parsed: Json | undefined;
  try {
    // Gemini's OpenAI-compatible API answers errors as a one-element array (`[{"error": …}]`): its
    // element is the provider's error, which the SDKs read only as an object.
    const raw: unknown = contentType.includes('json') ? JSON.parse(text) : undefined;
    parsed = obj(Array.isArray(raw) && raw.length === 1 ? raw[0] : raw);
  } catch {
    parsed = undefined;
  }
  ctx.errorType = errorTypeOf(parsed) ?? `upstream_${status}`;
  if (!parsed) {
    // Not the provider's JSON (an HTML error page from a load balancer, say): answer in the provider's
    // shape, keeping its retry-after and rate-limit headers (the SDKs wait as told before retrying).
    // Set before failCall's, so the proxy's own (`x-should-retry: false` once it retried) win.
    relayHeaders(ctx, { ...headers, 'content-type': undefined });
    failCall(ctx, status >= 500 ? 502 : status, 'upstream_error', `Tollgate: the upstream answered ${status} with ${contentType || 'no content type'}: ${text.slice(0, 200)}`);
    return;
  }
  relayHeaders(ctx, headers);
  tollgateHeaders(ctx);
  ctx.res.status(status).json(parsed);
}

async function relayJson(
  ctx: CallContext,
  upstream: Dispatcher.ResponseData,
  body: Readable,
  started: number,
  contentType: string,
): Promise<void> {
  const maxBytes = ctx.endpoint.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  try {
    for await (const c of body as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > maxBytes) {
        tooLarge = true;
        body.destroy();
        break;
      }
      chunks.push(c);
    }
  } catch (err) {
    // A client abort (streams only: a JSON answer's request outlives its client) is the caller's 499.
    if ((ctx.res.destroyed && ctx.stream) || !(upstream.statusCode >= 200 && upstream.statusCode < 300)) throw err;
    // The answer's status said success and its body was under way when the connection broke or
    // stalled: the provider generated it and bills it (a JSON answer's headers come once it is
    // done). As for a truncated body below: record an estimate, answer 502, and do not retry.
    ctx.upstreamMs += performance.now() - started;
    const f = classifyUpstreamError(err);
    ctx.responseBody = partialBodyFromText(Buffer.concat(chunks).toString('utf8'));
    ctx.status = f.kind === 'timeout' ? 504 : 502;
    ctx.errorType = f.kind === 'timeout' ? 'upstream_timeout' : 'upstream_reset';
    await recordAnswered(ctx);
    failCall(ctx, ctx.status, 'upstream_error', `Tollgate: ${f.message} after the upstream answered ${upstream.statusCode} (${size} bytes received); not retried, as the answer may have been billed.`, NO_CLIENT_RETRY, { reason: ctx.errorType });
    return;
  }
  if (tooLarge) {
    // A whole answer, generated and billed, that Tollgate will not hold: asking again (its retries,
    // then the SDK's on a 502) got the same answer, and a bill, each time. Recorded as an estimate.
    ctx.upstreamMs += performance.now() - started;
    ctx.responseBody = {};
    ctx.status = 502;
    ctx.errorType = 'upstream_too_large';
    await recordAnswered(ctx);
    failCall(ctx, 502, 'upstream_error', `Tollgate: the upstream's answer exceeded ${maxBytes} bytes, more than Tollgate relays on ${ctx.req.path}; not retried, as it may have been billed.`, NO_CLIENT_RETRY, { reason: ctx.errorType });
    return;
  }
  ctx.upstreamMs += performance.now() - started;
  let text = upstreamText(Buffer.concat(chunks));
  let answerType = contentType;
  if (/text\/event-stream/i.test(contentType) && ctx.endpoint.assembler) {
    const assembled = await answerFromStream(ctx, text);
    if (!assembled) return;
    text = JSON.stringify(assembled);
    answerType = 'application/json; charset=utf-8';
  }
  let parsed: Json | undefined;
  try {
    parsed = obj(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed || !answerType.includes('json')) {
    // A 200 whose body was read may be billed by the provider: answer 502 without retrying (a
    // retry could be billed twice) and record an estimate of what this attempt cost.
    ctx.responseBody = partialBodyFromText(text);
    ctx.status = 502;
    ctx.errorType = 'upstream_error';
    await recordAnswered(ctx);
    failCall(ctx, 502, 'upstream_error', `Tollgate: the upstream sent an invalid response (${contentType || 'no content type'}, ${size} bytes, not a complete JSON object).`, NO_CLIENT_RETRY);
    return;
  }
  const inBandStatus = inBandErrorStatus(parsed);
  if (inBandStatus !== undefined) {
    // A success status around an error body: gateways such as OpenRouter answer 200 with
    // `{"error": …}` when the provider behind them failed. It is not an answer: never cached (it
    // would be replayed to every identical request), billed only by the usage it reports, and sent
    // with an error status so the SDK raises the upstream's error instead of returning an empty result.
    ctx.usage = ctx.endpoint.usage(parsed);
    if (ctx.usage) ctx.responseBody = parsed;
    ctx.status = inBandStatus;
    ctx.errorType = errorTypeOf(parsed) ?? 'upstream_error';
    relayHeaders(ctx, upstream.headers);
    tollgateHeaders(ctx);
    await recordAnswered(ctx);
    for (const [k, v] of Object.entries(costHeaders(ctx))) ctx.res.setHeader(k, v);
    ctx.res.status(inBandStatus).jsonText(text);
    return;
  }
  ctx.status = upstream.statusCode;
  ctx.responseBody = parsed;
  ctx.responseText = text;
  ctx.complete = true;
  ctx.usage = ctx.endpoint.usage(parsed);
  if (clientGone(ctx)) {
    // The client left while the answer was generated: the call is billed, the answer unread. Its
    // row carries the real usage, and the whole answer is cached (finishAttempt: shouldStore).
    ctx.status = 499;
    ctx.errorType = 'client_closed_request';
    await recordAnswered(ctx);
    return;
  }
  relayHeaders(ctx, upstream.headers);
  if (answerType !== contentType) {
    // The body is the JSON assembled from the upstream's event stream, not the stream it sent.
    ctx.responseHeaders['content-type'] = answerType;
    ctx.res.setHeader('content-type', answerType);
  }
  tollgateHeaders(ctx);
  // A stream was asked for and one JSON answer came (a server or model without streaming, or one
  // that ignores `stream`): relayed as JSON, an SDK reading events finds none and returns an
  // empty answer. Sent as the stream it would have been, as a cache hit is. Built before the row:
  // an answer that cannot be replayed is not recorded, and cached, as one the client received.
  const replay = ctx.stream ? ctx.endpoint.replay : undefined;
  if (replay && nestsDeeperThan(parsed, MAX_DEPTH)) {
    // Legal JSON nested deeper than writing events recurses: the SDK cannot have it as a stream,
    // and relayed as JSON it reads as an empty one. Billed by its usage, not retried. Any other
    // failure while replaying is Tollgate's own (answerLocalFailure), not blamed on the upstream.
    ctx.status = 502;
    ctx.errorType = 'upstream_unstreamable';
    await recordAnswered(ctx);
    failCall(ctx, 502, 'upstream_error', `Tollgate: the upstream ignored \`stream: true\` and answered with one JSON body, which Tollgate could not send as a stream (it nests more than ${MAX_DEPTH} levels deep); not retried, as it was billed. Ask without \`stream\` to get it as JSON.`, NO_CLIENT_RETRY, { reason: ctx.errorType });
    return;
  }
  const replayed = replay?.(parsed, { includeUsage: ctx.clientWantsUsage }).join('');
  // Row and cache entry before the last byte leaves: a crash after the client has its answer must
  // not lose the row, and an identical request sent right after must find the entry.
  await recordAnswered(ctx);
  for (const [k, v] of Object.entries(costHeaders(ctx))) ctx.res.setHeader(k, v);
  ctx.res.setHeader('x-tollgate-overhead-ms', (performance.now() - ctx.t0 - ctx.upstreamMs).toFixed(3));
  if (replayed !== undefined) {
    ctx.res.status(upstream.statusCode);
    ctx.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    ctx.res.setHeader('cache-control', 'no-cache');
    ctx.res.end(replayed);
    return;
  }
  // The body is relayed as received: it was parsed for usage and the cache, never changed.
  ctx.res.status(upstream.statusCode).jsonText(text);
}

/**
 * An answer Tollgate will not decode (a coding this Node lacks, or more than any server stacks): a 502
 * that says so. A success status means the provider generated, and bills, the answer: recorded as
 * an estimate (its input; the output is unread), and the client is asked not to retry.
 */
async function answerUndecodable(ctx: CallContext, status: number, reason: string): Promise<void> {
  const answered = status >= 200 && status < 300;
  ctx.status = 502;
  ctx.errorType = 'upstream_bad_encoding';
  if (answered) {
    ctx.responseBody = {};
    await recordAnswered(ctx);
  }
  const billed = answered ? '; not retried, as the answer may have been billed' : '';
  failCall(ctx, 502, 'upstream_error', `Tollgate: ${reason} (it answered ${status})${billed}.`, answered ? NO_CLIENT_RETRY : {}, { reason: ctx.errorType });
}

/**
 * The JSON answer a non-streaming call asked for, assembled from the event stream an upstream sent
 * instead (self-hosted servers and gateways that always stream): the body the endpoint's assembler
 * builds, which is what the stream would have been cached as. A stream that ended with an error
 * event, without its final event, or with a frame that is not JSON is no whole answer: the call is
 * answered with a 502 that says so, recorded with the usage the stream carried (or an estimate of
 * what it delivered), and nothing is cached. Undefined when the call was answered so.
 */
async function answerFromStream(ctx: CallContext, text: string): Promise<Json | undefined> {
  const assembler = ctx.endpoint.assembler!();
  // The body is already whole in memory, within maxAnswerBytes: no event cap on top of that one.
  const parser = new SseParser(Number.POSITIVE_INFINITY);
  let garbled = false;
  for (const frame of [...parser.push(text), ...parser.end()]) {
    const json = frameJson(frame);
    if (!json && frame.data !== '' && frame.data !== '[DONE]') garbled = true;
    assembler.accept(frame, json);
  }
  const cleanEnd = parser.pending.trim() === '';
  if (cleanEnd && !assembler.complete && !assembler.error) assembler.endOfStream?.();
  const body = assembler.result();
  if (assembler.complete && !assembler.error && cleanEnd && !garbled) return body;
  ctx.responseBody = body;
  ctx.usage = ctx.endpoint.usage(body);
  ctx.status = 502;
  const error = assembler.error;
  ctx.errorType = error ? String(error.type ?? 'stream_error') : garbled ? 'upstream_error' : 'incomplete_stream';
  await recordAnswered(ctx);
  const how = error
    ? `an error event (${String(error.message ?? error.type ?? 'no message')})`
    : garbled
      ? 'a frame that is not JSON'
      : 'no final event';
  failCall(
    ctx,
    502,
    'upstream_error',
    `Tollgate: the upstream answered this non-streaming request with an event stream, and the stream had ${how}; the response is incomplete. Not retried, as it may have been billed.`,
    NO_CLIENT_RETRY,
    { reason: ctx.errorType },
  );
  return undefined;
}

/**
 * A successful answer that is not JSON (speech audio, a `text`/`srt`/`vtt` transcript): relayed
 * byte for byte with its content type as it arrives (a player starts on the first chunk), with
 * backpressure. It reports no usage: the call is recorded unpriced, its cost header 0. A body cut
 * short ends the response without its last chunk (an error frame would corrupt the audio).
 */
async function relayRaw(ctx: CallContext, upstream: Dispatcher.ResponseData, body: Readable, started: number): Promise<void> {
  const res = ctx.res;
  ctx.upstreamMs += performance.now() - started;
  const streamStart = performance.now();
  let waitedOnClient = 0;
  ctx.status = upstream.statusCode;
  relayHeaders(ctx, upstream.headers);
  tollgateHeaders(ctx);
  res.setHeader('x-tollgate-cost-usd', ctx.costUsd.toFixed(8));
  res.status(upstream.statusCode);
  try {
    for await (const c of body as AsyncIterable<Buffer>) {
      if (!res.write(c) && !res.destroyed) {
        const w0 = performance.now();
        await drained(res);
        waitedOnClient += performance.now() - w0;
      }
      if (res.destroyed) break;
    }
  } catch (err) {
    if (res.destroyed) throw err;
    ctx.upstreamMs += Math.max(0, performance.now() - streamStart - waitedOnClient);
    const f = classifyUpstreamError(err);
    ctx.status = f.kind === 'timeout' ? 504 : 502;
    ctx.errorType = f.kind === 'timeout' ? 'upstream_timeout' : 'upstream_reset';
    await recordAnswered(ctx);
    if (res.headersSent) res.destroy();
    else {
      res.removeHeader('content-type'); // the audio's, set for the answer that did not come
      failCall(ctx, ctx.status, 'upstream_error', `Tollgate: ${f.message} after the upstream answered ${upstream.statusCode}; not retried, as the answer may have been billed.`, NO_CLIENT_RETRY, { reason: ctx.errorType });
    }
    return;
  }
  ctx.upstreamMs += Math.max(0, performance.now() - streamStart - waitedOnClient);
  if (res.destroyed) {
    body.destroy();
    ctx.status = 499;
    ctx.errorType = 'client_closed_request';
    await recordAnswered(ctx);
    return;
  }
  ctx.complete = true;
  await recordAnswered(ctx);
  res.end();
}

/** Resolves when a response whose write() returned false can take more, or is gone. */
function drained(res: CallContext['res']): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** The largest JSON answer relayed (an endpoint may allow more: `maxAnswerBytes`). */
const MAX_ANSWER_BYTES = 64 << 20;

/**
 * The status for a 2xx body that is an error, not an answer: an `error` object and no output (or a
 * Responses body with status "failed"). The gateway's numeric `error.code` when it is an HTTP error
 * status (OpenRouter puts the status it meant there), else 502. Undefined for an answer.
 */
function inBandErrorStatus(body: Json): number | undefined {
  const err = obj(body.error);
  if (!err) return undefined;
  const answered = ['choices', 'content', 'output', 'data'].some((k) => Array.isArray(body[k]) && (body[k] as unknown[]).length > 0);
  if (answered && body.status !== 'failed') return undefined;
  return typeof err.code === 'number' && Number.isInteger(err.code) && err.code >= 400 && err.code <= 599 ? err.code : 502;
}

/**
 * On an answer that may have been billed, asks the client not to retry either: the OpenAI and
 * Anthropic SDKs retry a 502 on their own (twice by default) unless told so by this header.
 */
const NO_CLIENT_RETRY: Record<string, string> = { 'x-should-retry': 'false' };

/** The text fragments of a cut JSON body, shaped so `outputText` can count them (an estimate). */
function partialBodyFromText(text: string): Json {
  const parts = [...text.matchAll(/"(?:content|text)"\s*:\s*"((?:[^"\\]|\\.)*)/g)].map((m) => m[1] ?? '');
  const joined = parts.join(' ');
  return { choices: [{ message: { content: joined } }], content: [{ type: 'text', text: joined }], output_text: joined };
}

async function relayStream(ctx: CallContext, upstream: Dispatcher.ResponseData, body: Readable, started: number): Promise<void> {
  const res = ctx.res;
  ctx.upstreamMs += performance.now() - started; // time to first byte; the rest overlaps with relaying
  ctx.status = 200;
  relayHeaders(ctx, upstream.headers);
  tollgateHeaders(ctx);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('x-tollgate-overhead-ms', (performance.now() - ctx.t0 - ctx.upstreamMs).toFixed(3));
  // The cost is only known at the end: it travels in HTTP trailers (and the ledger/event stream).
  res.setHeader('trailer', 'x-tollgate-cost-usd, x-tollgate-priced-as, x-tollgate-input-tokens, x-tollgate-output-tokens');
  res.status(200);
  if (ctx.req.isHead) {
    // A HEAD is answered whole by these headers (http.ts Res): the events are not read and the
    // upstream stream is cut. Recorded with the status the client got, with nothing billed to it:
    // as a 499 it showed on the dashboard as a client that left.
    body.destroy();
    await recordAnswered(ctx);
    res.flushHeaders();
    return;
  }
  res.flushHeaders();

  const assembler = ctx.endpoint.assembler!();
  const parser = new SseParser();
  const strip = PROTOCOLS[ctx.endpoint.protocol].stripUsageChunk;
  const streamStart = performance.now();
  let waitedOnClient = 0;
  let upstreamTimed = false;
  let clientGone = false;
  /** Relays and assembles the frames one upstream read completed; sets `clientGone` once the client left. */
  const relay = async (frames: SseFrame[]): Promise<void> => {
    let out = '';
    for (const frame of frames) {
      const json = frameJson(frame);
      // A data frame that is not a JSON object (garbled, cut mid-line by a proxy) is relayed as it
      // came — the client's SDK fails on it — but the assembled answer then lacks what the client
      // saw fail: never cache it, or the next identical call replays text nobody received.
      if (!json && frame.data !== '' && frame.data !== '[DONE]') ctx.cacheStore = false;
      assembler.accept(frame, json);
      const kept = ctx.stripUsageChunk && json && strip ? strip(json, frame) : frame.raw;
      if (kept !== undefined) out += kept;
    }
    if (assembler.complete && !assembler.error && !ctx.recorded) {
      // The chunk carrying the terminal event: close the attempt (row, cache entry) before the
      // client can see the stream end. The upstream's time so far is the stream minus our waits.
      ctx.upstreamMs += Math.max(0, performance.now() - streamStart - waitedOnClient);
      upstreamTimed = true;
      ctx.complete = true;
      ctx.responseBody = assembler.result();
      ctx.usage = ctx.endpoint.usage(ctx.responseBody);
      await recordAnswered(ctx);
    }
    // A destroyed response emits neither 'drain' nor 'close' again: waiting would hang the call.
    if (out && !res.write(out) && !res.destroyed) {
      const w0 = performance.now();
      await drained(res);
      waitedOnClient += performance.now() - w0;
    }
    if (res.destroyed) clientGone = true;
  };
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      await relay(parser.pushBytes(chunk));
      if (clientGone) break;
    }
    // The body ended: the decoder's last bytes, and an event the upstream left without its blank line.
    if (!clientGone) await relay(parser.end());
  } catch (err) {
    // Keep what arrived: a partial answer was still billed by the provider. Not once the attempt
    // is closed: its usage is then the settled figure (estimated where the upstream gave none),
    // the one the ledger row holds and the budgets, TPM window and trailers must use too.
    if (!ctx.recorded) {
      ctx.responseBody = assembler.result();
      ctx.usage = ctx.endpoint.usage(ctx.responseBody);
    }
    throw err;
  }
  // Relaying is proxy work, but the gaps between upstream chunks are the upstream's time.
  if (!upstreamTimed) ctx.upstreamMs += Math.max(0, performance.now() - streamStart - waitedOnClient);
  if (!ctx.recorded) {
    // Closed mid-loop when the terminal event arrived: re-reading the usage from the assembled
    // body here would replace settleCost's estimate (an upstream that sent no usage) by nothing.
    // The upstream closed the body cleanly, nothing half-sent: a stream without its terminal event
    // may still be a whole answer (OpenAI-compatible servers that omit `[DONE]`).
    const cleanEnd = !clientGone && parser.pending.trim() === '';
    if (cleanEnd && !assembler.complete && !assembler.error) assembler.endOfStream?.();
    ctx.complete = assembler.complete && !assembler.error && cleanEnd;
    ctx.responseBody = assembler.result();
    ctx.usage = ctx.endpoint.usage(ctx.responseBody);
    if (assembler.error) {
      ctx.status = 502;
      ctx.errorType = String(assembler.error.type ?? 'stream_error');
    } else if (clientGone && !ctx.complete) {
      // The client left while the relay waited for it (backpressure): the loop saw it before the
      // cancelled upstream body threw. Its call, not the upstream, cut the stream.
      ctx.status = 499;
      ctx.errorType = 'client_closed_request';
    } else if (!ctx.complete) {
      ctx.status = 502;
      ctx.errorType = 'incomplete_stream';
    }
    await recordAnswered(ctx);
    if (ctx.errorType === 'incomplete_stream' && !res.destroyed) {
      // The upstream's own error event, if any, already reached the client; a stream that just
      // stopped short needs one, or the client takes the partial answer for a whole one.
      res.write(PROTOCOLS[ctx.endpoint.protocol].streamErrorFrame('Tollgate: the upstream ended the stream before its final event; the response is incomplete.', ctx.errorType));
    }
  }
  if (!res.destroyed) {
    res.addTrailers({
      ...costHeaders(ctx),
      'x-tollgate-input-tokens': String(ctx.usage?.inputTokens ?? 0),
      'x-tollgate-output-tokens': String(ctx.usage?.outputTokens ?? 0),
    });
    res.end();
  }
}

/** The stream already started: the status is sent, so end it with an in-band error event saying `what` happened. */
async function endStreamWithError(ctx: CallContext, status: number, errorType: string, what: string): Promise<void> {
  ctx.status = status;
  ctx.errorType = errorType;
  ctx.complete = false;
  // The partial answer was billed: settle it (estimating the output) before the last frame.
  await recordAnswered(ctx);
  if (ctx.res.destroyed || ctx.res.writableEnded) return;
  ctx.res.end(PROTOCOLS[ctx.endpoint.protocol].streamErrorFrame(`Tollgate: ${what}; the response is incomplete.`, errorType));
}

/**
 * The upstream answered but its ledger row could not be written: an error that says so, and asks
 * the SDK not to retry (the upstream may have billed the call; a retry would be billed again).
 */
function answerUnrecorded(ctx: CallContext, err: RecordingFailure): void {
  ctx.services.log.error(`call ${ctx.requestId}: the upstream answered but the ledger row was not written: ${err.message}`);
  const message = `Tollgate: the upstream answered, but Tollgate could not record the call in its ledger (${err.message}); not retried, as the answer may have been billed. See the proxy log.`;
  if (!ctx.res.headersSent) {
    failCall(ctx, 500, 'api_error', message, NO_CLIENT_RETRY, { reason: 'ledger_write_failed' });
    return;
  }
  ctx.status = 500;
  ctx.errorType = 'ledger_write_failed';
  if (ctx.res.writableEnded || ctx.res.destroyed) return;
  // An error frame belongs in an event stream only; in audio or a text transcript it would pass for content.
  if (String(ctx.res.getHeader('content-type') ?? '').includes('text/event-stream')) ctx.res.end(PROTOCOLS[ctx.endpoint.protocol].streamErrorFrame(message, 'api_error'));
  else ctx.res.destroy();
}

/**
 * Our own code failed on an answer the upstream sent (a bug in the relay, a header node refuses)
 * before the client's headers went out. Not an upstream failure: sent again (the proxy's retries, a
 * fallback, the SDK's on a 502), a generated answer was generated and billed again. One row,
 * billed for what the upstream generated (its usage, else the input estimated), nothing cached,
 * and a 500 that names Tollgate and asks the SDK not to retry.
 */
async function answerLocalFailure(ctx: CallContext, err: unknown, upstreamStatus: number): Promise<void> {
  const reason = err instanceof Error ? err.message : String(err);
  ctx.services.log.error(`call ${ctx.requestId}: Tollgate failed to relay the upstream's ${upstreamStatus} answer: ${err instanceof Error ? (err.stack ?? reason) : reason}`);
  ctx.cacheStore = false;
  if (upstreamStatus >= 200 && upstreamStatus < 300) ctx.responseBody ??= {};
  ctx.status = 500;
  ctx.errorType = 'internal_error';
  try {
    await finishAttempt(ctx);
  } catch (e) {
    answerUnrecorded(ctx, new RecordingFailure(e));
    return;
  }
  const message = `Tollgate: the upstream answered ${upstreamStatus}, but Tollgate failed to relay its answer (${reason}); not retried, as the answer may have been billed. See the proxy log.`;
  failCall(ctx, 500, 'api_error', message, NO_CLIENT_RETRY, { reason: ctx.errorType });
}

/**
 * A retry's backoff (up to `retries.maxBackoffMs`), cut short when the client leaves: its 'close'
 * fires once, during the wait, and nothing later would notice it before another upstream call.
 */
function backoff(ctx: CallContext, ms: number): Promise<void> {
  if (clientGone(ctx)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const socket = ctx.req.socket;
    const done = () => {
      clearTimeout(timer);
      ctx.res.off('close', done);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    ctx.res.on('close', done);
    socket.on('close', done);
  });
}

/** The client's connection is closed (it gave up, or was killed): nothing sent now reaches it. */
function clientGone(ctx: CallContext): boolean {
  return ctx.res.destroyed || ctx.req.socket.destroyed;
}

/**
 * The forward stage: attempts with retries (exponential backoff + jitter, honouring retry-after),
 * then fallbacks. Each failed attempt is closed with its own ledger row before the next starts.
 */
export const forwardWithRetries: Stage = async (ctx) => {
  const policy = ctx.services.policy.policy;
  let fallbacks = ctx.provider ? fallbackTargets(ctx.modelUsed, ctx.provider.name, policy, ctx.endpoint.protocol) : [];
  // A deployment route's path names a deployment: only another Azure resource can serve one.
  if (ctx.endpoint.azureDeployment) fallbacks = fallbacks.filter((t) => isAzureTarget(ctx.services.providers().get(t.provider)));
  const ceiling = ctx.downgradedTo;
  if (ceiling && fallbacks.length > 0) {
    // A budget downgraded this call: a fallback that costs more would undo the downgrade.
    const { kept, skipped } = fallbacksWithinPrice(fallbacks, ceiling, policy);
    fallbacks = kept;
    if (skipped.length > 0) {
      ctx.extraHeaders['x-tollgate-fallback-skipped'] = `${skipped.map((t) => `${t.provider}/${t.model}`).join(', ')}; not priced at or below ${ceiling.model} (budget=${ceiling.budget})`;
    }
  }
  let retriesOnTarget = 0;
  for (;;) {
    try {
      await callUpstream(ctx);
      return;
    } catch (err) {
      if (!(err instanceof RetryableUpstreamError)) throw err;
      retriesOnTarget += 1;
      const decision = retryDecision(
        { attempt: retriesOnTarget, ...(err.status !== undefined ? { status: err.status } : {}), ...(err.kind ? { errorKind: err.kind } : {}), ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}), ...(err.headers ? { headers: err.headers } : {}) },
        policy.retries,
      );
      // Flex without capacity: straight back at the default tier, before any retry or fallback.
      const toDefaultTier = isFlexRefusal(ctx, err.status);
      const next = decision.retry || toDefaultTier ? undefined : fallbacks.shift();
      if (!decision.retry && !next && !toDefaultTier) {
        // Once the proxy has retried, the SDK's own retries of a 5xx or 429 would each run the policy's
        // attempts again (3 × 3 upstream calls under a persistent 529): the policy's count is the call's.
        if (ctx.attempt > 1) ctx.extraHeaders['x-should-retry'] = 'false';
        err.respond();
        return;
      }
      ctx.status = err.status ?? (err.kind === 'timeout' ? 504 : 502);
      ctx.errorType = err.status ? `upstream_${err.status}` : `upstream_${err.kind ?? 'error'}`;
      await finishAttempt(ctx);
      if (toDefaultTier) {
        switchToDefaultTier(ctx);
        retriesOnTarget = 0; // no wait: the default tier has its own capacity
      } else if (decision.retry) await backoff(ctx, decision.delayMs);
      // The client left (during the wait, or while the failed attempt was answered): no attempt for
      // nobody, and no row for one; the failed attempt's row, written above, is the call's last.
      if (clientGone(ctx)) return;
      startAttempt(ctx);
      if (next) {
        // fallbackTargets kept only targets of the client's protocol (bodies are not translated).
        const provider = ctx.services.providers().get(next.provider);
        if (!provider) {
          err.respond();
          return;
        }
        switchProvider(ctx, provider, next.model);
        ctx.extraHeaders['x-tollgate-fallback'] = `${next.provider}/${next.model}`;
        retriesOnTarget = 0;
      }
    }
  }
};

function isAzureTarget(p: ResolvedProvider | undefined): boolean {
  return p !== undefined && isAzureProvider(p);
}
