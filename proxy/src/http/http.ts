/**
 * The proxy's HTTP layer on bare node:http, in place of a framework: request and response classes
 * that node:http instantiates directly (no per-request prototype swapping), a flat route table with
 * `:param` segments, and body readers. It keeps to the few conveniences the routes use
 * (`res.status().json()`, `req.params`, `req.query`, `req.body`) and nothing else.
 */
import { IncomingMessage, ServerResponse, createServer, type IncomingHttpHeaders, type OutgoingHttpHeader, type OutgoingHttpHeaders, type Server } from 'node:http';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type { Readable, Transform } from 'node:stream';
import * as zlib from 'node:zlib';

export class Req extends IncomingMessage {
  /** Always set on a server request. */
  declare url: string;
  /** The URL's path without the query string. */
  path = '/';
  /** `:name` segments of the matched route, URL-decoded. */
  params: Record<string, string> = {};
  /** Set by a body reader: a Buffer (raw) or parsed JSON. */
  body: unknown = undefined;
  /**
   * The `host[:port]` of an absolute-form target (`POST http://host:port/v1/…`, as sent to a forward
   * proxy), whose path became `url`. RFC 9112 §3.2.2: it is the request's host, the Host header ignored.
   */
  authority: string | undefined = undefined;
  /**
   * Set while a client that sent `Expect: 100-continue` waits for leave to send its body: sends the
   * interim `100 Continue`, once. The body readers call it only after their checks pass, so a
   * request refused first (an oversized Content-Length, a Host or browser guard) never sends it.
   */
  sendContinue: (() => void) | undefined = undefined;
  /**
   * A HEAD request, which `serve` hands to the routes as the GET it asks about (RFC 9110 §9.3.2):
   * every route, and every relay to the upstream, then treats it as that GET (the batch routes
   * relayed the method they were given, so `HEAD /v1/files` went upstream as a HEAD). Node drops
   * the answer's body; `Res` stops a streamed one after its headers.
   */
  isHead = false;
  #query: ParsedUrlQuery | undefined;

  /** The URL as received (routes are never re-mounted, so it is `url`). */
  get originalUrl(): string {
    return this.url;
  }

  get query(): ParsedUrlQuery {
    if (!this.#query) {
      const q = this.url.indexOf('?');
      this.#query = q < 0 ? {} : parseQuery(this.url.slice(q + 1));
    }
    return this.#query;
  }
}

/** What node refuses in a header value (ERR_INVALID_CHAR): controls other than tab, DEL, anything above U+00FF. */
const NOT_HEADER_TEXT = /[^\t\x20-\x7e\x80-\xff]/gu;

/** `value` with what node refuses percent-encoded as UTF-8 (as in a URL); a valid value unchanged (searched first: a replace with a callback costs ~4x a search on every header). */
export function headerValue(value: string): string {
  return value.search(NOT_HEADER_TEXT) < 0 ? value : value.replace(NOT_HEADER_TEXT, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));
}

export class Res extends ServerResponse<Req> {
  /**
   * Header values quote what callers chose (their model name in x-tollgate-downgrade, -route,
   * -fallback): one with a control character or a letter above U+00FF (`gpt-4o-мини`) made node
   * throw, and the call was answered 500 and not forwarded. Such characters are percent-encoded.
   */
  override setHeader(name: string, value: number | string | readonly string[]): this {
    return super.setHeader(name, typeof value === 'string' ? headerValue(value) : Array.isArray(value) ? value.map(headerValue) : value);
  }

  /** Set once a HEAD's streamed answer has sent its headers: the rest is not produced. */
  #headDone = false;

  /**
   * The status line and headers, written once (node calls it for the first write or the end).
   * - Trailers travel only in a chunked body. A HEAD answer has none, and an HTTP/1.0 client (nginx's
   *   `proxy_pass` by default, ab) gets its body unchunked, up to the close: node threw
   *   ERR_HTTP_TRAILER_INVALID on a streamed answer's `Trailer` header, the client got no answer
   *   (an HTTP/1.0 stream was taken for a failed upstream call, retried and billed three times).
   * - An answer sent before the request's body arrived whole is a refusal (413, 401, 403, 404, 415):
   *   the rest of that body is not read (see closeAfterAnswer).
   * - An answer written once the server stopped listening says `Connection: close`: told `keep-alive`, a client sent its next call on a connection the stop was closing.
   */
  override writeHead(statusCode: number, reasonOrHeaders?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    if (!this.headersSent) {
      if (this.req.isHead || !this.useChunkedEncodingByDefault) this.removeHeader('trailer');
      if (hasUnreadBody(this.req)) closeAfterAnswer(this);
      else if ((this.socket as { server?: { listening?: boolean } } | null)?.server?.listening === false) this.shouldKeepAlive = false;
    }
    return typeof reasonOrHeaders === 'string' ? super.writeHead(statusCode, reasonOrHeaders, headers) : super.writeHead(statusCode, reasonOrHeaders);
  }

  /**
   * A streamed answer's headers. For a HEAD they are the whole answer: the connection closes once
   * they are written, which stops the stream (the pipeline cuts its upstream call when the client's
   * connection closes) instead of reading a resumed response's events to their end for nothing.
   */
  override flushHeaders(): void {
    if (this.req.isHead) this.#endHead();
    else super.flushHeaders();
  }

  /** A HEAD's answer has no body: the first write ends it as `flushHeaders` does (live events, a relayed download). */
  override write(chunk: unknown, encodingOrCallback?: BufferEncoding | ((error: Error | null | undefined) => void), callback?: (error: Error | null | undefined) => void): boolean {
    if (this.req.isHead) {
      this.#endHead();
      const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (done) process.nextTick(done, null);
      return true;
    }
    return typeof encodingOrCallback === 'function' ? super.write(chunk, encodingOrCallback) : super.write(chunk, encodingOrCallback as BufferEncoding, callback);
  }

  #endHead(): void {
    if (this.#headDone) return;
    this.#headDone = true;
    if (!this.headersSent) {
      // Said in the headers, so a kept-alive client does not send its next request on this connection.
      this.shouldKeepAlive = false;
      this.setHeader('connection', 'close');
    }
    // Writes the headers if only stored so far (an explicit writeHead puts them on the wire with the
    // first write, which a HEAD's write no longer makes).
    super.flushHeaders();
    // The socket's end() is queued after the header bytes; 'close' follows once they are written.
    this.socket?.destroySoon();
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  set(field: string | Record<string, string>, value?: string): this {
    if (typeof field === 'string') this.setHeader(field, value ?? '');
    else for (const [k, v] of Object.entries(field)) this.setHeader(k, v);
    return this;
  }

  type(contentType: string): this {
    this.setHeader('content-type', contentType);
    return this;
  }

  json(body: unknown): void {
    this.jsonText(JSON.stringify(body) ?? '');
  }

  /** Already-serialised JSON (a relayed or cached body), sent without parsing it again. */
  jsonText(text: string): void {
    if (!this.hasHeader('content-type')) this.setHeader('content-type', 'application/json; charset=utf-8');
    this.send(text);
  }

  send(body: string | Buffer): void {
    if (!this.hasHeader('content-type')) this.setHeader('content-type', typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream');
    if (this.statusCode === 204 || this.statusCode === 304) {
      this.end();
      return;
    }
    this.setHeader('content-length', typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    this.end(body);
  }
}

/** The request declares a body (RFC 9112 §6.3) that has not arrived whole. */
function hasUnreadBody(req: Req): boolean {
  return !req.complete && (Number(req.headers['content-length']) > 0 || req.headers['transfer-encoding'] !== undefined);
}

/**
 * How long a connection whose body was refused goes on taking (and discarding) what the client
 * still sends, after the answer and our end of the connection are closed.
 */
export const LINGER_MS = 2_000;

/**
 * The answer closes the connection (`Connection: close`), and the rest of the request's body is not
 * read. Before, a 413 for a declared 50 MB body (or a 401, 403, 404 on a large upload) waited
 * for the whole body to arrive, bounded only by the 300 s request timeout, to keep the connection.
 * Node closes such a connection at once: with the client's bytes still unread, the kernel then
 * answers with a reset, which can discard the answer before a client still uploading reads it (it
 * sees EPIPE or ECONNRESET, not the 413). As servers do (nginx's lingering close), our side is half-closed
 * after the answer and what still comes is discarded for at most LINGER_MS, or until the client
 * closes its side; then the connection is destroyed.
 */
function closeAfterAnswer(res: Res): void {
  res.shouldKeepAlive = false;
  const socket = res.socket;
  if (!socket) return;
  // Node calls destroySoon() once the answer is written, for a response that closes its connection.
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}

export type Next = (err?: unknown) => void;
export type Handler = (req: Req, res: Res, next: Next) => void | Promise<void>;

/** A client error raised while reading a request (body too large, bad encoding, malformed JSON). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type?: 'entity.too.large',
    /** Response headers the answer needs (Accept-Encoding on a 415 for a coding, RFC 9110 §15.5.16). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
  }
}

interface Layer {
  method: string | undefined;
  /** Lower-cased segments; `:x` captures. Undefined: every path. */
  segments: string[] | undefined;
  /** Matches the path and everything below it (middleware mounted at a prefix). */
  prefix: boolean;
  handlers: Handler[];
}

function segmentsOf(path: string): string[] {
  return path.toLowerCase().split('/').filter(Boolean);
}

/** The layer's `:x` captures for a path it matches (undefined when it has none); false when it does not match. */
function matchPath(layer: Layer, lowerSegs: string[], rawSegs: string[]): Record<string, string> | undefined | false {
  const segs = layer.segments;
  if (!segs) return undefined;
  if (layer.prefix ? lowerSegs.length < segs.length : lowerSegs.length !== segs.length) return false;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (s.charCodeAt(0) === 58 /* : */) {
      params ??= {};
      try {
        params[s.slice(1)] = decodeURIComponent(rawSegs[i]!);
      } catch {
        return false;
      }
    } else if (s !== lowerSegs[i]) return false;
  }
  return params;
}

function match(layer: Layer, method: string, lowerSegs: string[], rawSegs: string[], req: Req): boolean {
  if (layer.method !== undefined && layer.method !== method) return false;
  const params = matchPath(layer, lowerSegs, rawSegs);
  if (params === false) return false;
  if (params) req.params = params;
  return true;
}

/** An ordered list of middleware and routes, matched like express (case-insensitive, trailing slash allowed). */
export class Router {
  readonly layers: Layer[] = [];

  use(pathOrHandler: string | Handler, ...handlers: Handler[]): this {
    if (typeof pathOrHandler === 'string') this.layers.push({ method: undefined, segments: segmentsOf(pathOrHandler), prefix: true, handlers });
    else this.layers.push({ method: undefined, segments: undefined, prefix: true, handlers: [pathOrHandler, ...handlers] });
    return this;
  }

  /** Handlers for one method at `prefix` and every path below it (a relayed API's subtree). */
  under(method: 'GET' | 'POST' | 'DELETE', prefix: string, ...handlers: Handler[]): this {
    this.layers.push({ method, segments: segmentsOf(prefix), prefix: true, handlers });
    return this;
  }

  /** Adds another router's layers under `prefix` (its paths are relative to it). */
  mount(prefix: string, router: Router): this {
    const pre = segmentsOf(prefix);
    for (const l of router.layers) this.layers.push({ ...l, segments: [...pre, ...(l.segments ?? [])], prefix: l.prefix });
    return this;
  }

  get(path: string, ...handlers: Handler[]): this {
    return this.route('GET', path, handlers);
  }

  post(path: string, ...handlers: Handler[]): this {
    return this.route('POST', path, handlers);
  }

  delete(path: string, ...handlers: Handler[]): this {
    return this.route('DELETE', path, handlers);
  }

  private route(method: string, path: string, handlers: Handler[]): this {
    this.layers.push({ method, segments: segmentsOf(path), prefix: false, handlers });
    return this;
  }

  /**
   * The methods routes take at `path` (HEAD with GET, RFC 9110 §9.3.2), for the `Allow` header of a
   * 405; empty for a path no route serves. Middleware (`use`) takes every method and is not a route.
   */
  allowedMethods(path: string): string[] {
    const rawSegs = path.split('/').filter(Boolean);
    const lowerSegs = rawSegs.map((s) => s.toLowerCase());
    const methods = new Set<string>();
    for (const l of this.layers) if (l.method !== undefined && matchPath(l, lowerSegs, rawSegs) !== false) methods.add(l.method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  }

  /** Runs the matching handlers in order; `done` gets what no handler answered (or an error). */
  handle(req: Req, res: Res, done: (err?: unknown) => void): void {
    const url = req.url || '/';
    const q = url.indexOf('?');
    req.path = q < 0 ? url : url.slice(0, q);
    const rawSegs = req.path.split('/').filter(Boolean);
    const lowerSegs = rawSegs.map((s) => s.toLowerCase());
    const method = req.method ?? 'GET';
    const layers = this.layers;
    let li = 0;
    let hi = 0;
    let current: Layer | undefined;
    const next: Next = (err) => {
      if (err !== undefined) return done(err);
      for (;;) {
        if (current && hi < current.handlers.length) {
          const h = current.handlers[hi++]!;
          try {
            const p = h(req, res, next);
            if (p) p.catch(next);
          } catch (e) {
            next(e);
          }
          return;
        }
        current = undefined;
        if (li >= layers.length) return done();
        const l = layers[li++]!;
        if (match(l, method, lowerSegs, rawSegs, req)) {
          current = l;
          hi = 0;
        }
      }
    };
    next();
  }
}

/** A node:http server whose requests and responses are `Req` and `Res`. */
export type HttpServer = Server<typeof Req, typeof Res>;

/**
 * An absolute-form target in origin form: `url` becomes its path and query, `authority` its host.
 * The path is kept as sent (no `..` resolution), as for an origin-form target.
 */
function toOriginForm(req: Req): void {
  const m = /^https?:\/\/([^/?#]*)(.*)$/is.exec(req.url);
  if (!m) return;
  req.authority = m[1]!;
  const rest = m[2]!;
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * How long a client may take over its request; none of these times an answer (a stream of any
 * length, or a call the upstream thinks over for minutes). Every open connection holds one of the
 * connection cap's slots (server/connectionCap.ts) while it waits:
 * - the request line and headers: 10 s from the connection (or from the first byte of a kept-alive
 *   connection's next request). A client writes them at once; node's 60 s (66 s here before) let a
 *   client trickling a header line at a time hold a slot for a minute and more.
 * - the whole request, body included: node's 300 s, for an upload of the largest body (a 210 MiB
 *   batch file) over a slow link when the proxy listens beyond loopback.
 * - an idle kept-alive connection: 65 s, past the idle time of the clients' pools that do not read
 *   the `Keep-Alive: timeout` hint, so none reuses a socket the proxy is closing. At the cap idle
 *   connections are closed anyway.
 * node checks the first two every `connectionsCheckingInterval` (30 s by default, which stretched
 * the 66 s to up to 96 s); every second here, a walk over at most the cap's connections.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 300_000;
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function serve(handler: (req: Req, res: Res) => void): HttpServer {
  const onRequest = (req: Req, res: Res): void => {
    toOriginForm(req);
    // Node has already told the response it has no body (it reads the method when creating it).
    if (req.method === 'HEAD') {
      req.isHead = true;
      req.method = 'GET';
    }
    handler(req, res);
  };
  const server = createServer(
    {
      IncomingMessage: Req,
      ServerResponse: Res,
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: 1_000,
      // The Host guard (server/guards.ts) answers a request without Host, in the provider's shape.
      requireHostHeader: false,
    },
    onRequest,
  );
  // node keeps the first 2000 header lines and drops the rest without a word: a key, an admin token
  // or a tag after them was lost. The header size limit (a 431, server/clientError.ts) bounds them.
  server.maxHeadersCount = 0;
  // Node answers `Expect: 100-continue` with a 100 before any route runs, so curl (which sends it
  // for bodies over 1 KiB) and httpx uploaded a body past the limit only to get the 413. The 100
  // now waits until a body reader accepts the request. Until then the connection is marked to
  // close: a client answered without its 100 does not send the body (RFC 9110 §10.1.1), so the
  // next bytes on a kept-alive connection would not be the next request.
  server.on('checkContinue', (req: Req, res: Res) => {
    const keepAlive = res.shouldKeepAlive;
    res.shouldKeepAlive = false;
    req.sendContinue = () => {
      req.sendContinue = undefined;
      if (res.headersSent) return;
      res.shouldKeepAlive = keepAlive;
      res.writeContinue();
    };
    onRequest(req, res);
  });
  return server;
}

/** zstd's decoder, where the running Node has one (22.15 and 23.8 on; Node 20 has none). */
const zstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;
/** The codings undone here, in request bodies and answers (RFC 9110 §8.4.1; "x-gzip" is gzip, §8.4.1.3); no prototype, so `constructor` is no coding. */
export const DECODERS: Readonly<Record<string, () => Transform>> = Object.assign(Object.create(null), { gzip: zlib.createGunzip, 'x-gzip': zlib.createGunzip, deflate: zlib.createInflate, br: zlib.createBrotliDecompress, ...(zstd ? { zstd } : {}) });
/** What a 415 for a content coding offers instead (its Accept-Encoding), and what an undecodable answer names. */
export const ACCEPTED_CODINGS = Object.keys(DECODERS).filter((c) => c !== 'x-gzip').join(', ');
/**
 * More stacked codings than a client or server applies (one, rarely two). Each is a decoder with
 * its own native buffers: 16 KiB of `br,br,…` would have asked for thousands of them for one body.
 */
export const MAX_CODINGS = 3;

/** The tokens of a coding list (a repeated header's too), lower-cased, without `identity` (no coding) and empty members. */
export function codingList(header: string | string[] | undefined): string[] {
  return (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * The decoders for a request body, first to apply first, or the HttpError refusing it. The codings
 * were applied in the order listed: Content-Encoding's, then Transfer-Encoding's before `chunked`
 * (node's parser undoes only `chunked` and passes `gzip, chunked` through still compressed), so
 * they are undone last first. Before, only one Content-Encoding token was read: `x-gzip`,
 * `gzip, identity`, an empty header or `br, gzip` got a 415.
 */
function bodyDecoders(headers: IncomingHttpHeaders): Transform[] | HttpError {
  const content = codingList(headers['content-encoding']);
  const transfer = codingList(headers['transfer-encoding']).filter((c) => c !== 'chunked');
  const unknownTransfer = transfer.find((c) => !(c in DECODERS));
  // RFC 9112 §6.1: a transfer coding the server does not understand is a 501.
  if (unknownTransfer !== undefined) return new HttpError(501, `the transfer coding ${JSON.stringify(unknownTransfer.slice(0, 40))} is not supported (send the body with Transfer-Encoding: chunked or a Content-Length)`);
  const unknown = content.find((c) => !(c in DECODERS));
  if (unknown !== undefined) {
    return new HttpError(415, `unsupported content encoding ${JSON.stringify(unknown.slice(0, 40))} (Tollgate decodes ${ACCEPTED_CODINGS}, or a body sent uncompressed)`, undefined, {
      'accept-encoding': ACCEPTED_CODINGS,
    });
  }
  const codings = [...content, ...transfer];
  if (codings.length > MAX_CODINGS) {
    return new HttpError(415, `the body lists ${codings.length} codings; Tollgate undoes at most ${MAX_CODINGS}`, undefined, { 'accept-encoding': ACCEPTED_CODINGS });
  }
  return codings.reverse().map((c) => DECODERS[c]!());
}

/**
 * The body as a Buffer, decompressed per Content-Encoding (and a Transfer-Encoding coding before
 * `chunked`), refused past `limit` decoded bytes (413).
 */
export function readBody(req: Req, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Refused before a byte of the body is read: the answer closes the connection (Res.writeHead),
    // so nothing is drained (a client waiting for its 100 Continue has sent none).
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, 'request entity too large', 'entity.too.large'));
    const decoders = bodyDecoders(req.headers);
    if (decoders instanceof HttpError) return reject(decoders);
    req.sendContinue?.();
    let stream: Readable = req;
    for (const d of decoders) stream = stream.pipe(d);
    // Stops every decoder and drains the raw body: left flowing, a few KB of brotli or gzip went on
    // inflating to gigabytes (seconds of CPU) after the 413 was sent.
    let stopped = false;
    const stop = (err: HttpError): void => {
      if (stopped) return;
      stopped = true;
      stream.removeAllListeners('data');
      req.unpipe();
      for (const d of decoders) d.destroy();
      req.resume();
      reject(err);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) return stop(new HttpError(413, 'request entity too large', 'entity.too.large'));
      chunks.push(c);
    });
    stream.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    for (const s of [req, ...decoders]) s.on('error', (e) => stop(new HttpError(400, e.message)));
  });
}

const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * A JSON body without its leading UTF-8 byte-order mark. Windows tools write one (PowerShell 5.1's
 * `Set-Content -Encoding UTF8`, older Notepad), and `curl --data-binary @file` sends it; RFC 8259
 * §8.1 lets a parser ignore it, JSON.parse does not ("Unexpected token 'ï»¿'"). Only the first
 * three bytes: a mark anywhere else stays (and stays an error).
 */
function withoutBom(body: Buffer, contentType: string | undefined): Buffer {
  return body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf && JSON_CONTENT_TYPE.test(contentType ?? '') ? body.subarray(3) : body;
}

/** Middleware: `req.body` = the raw body (a Buffer; a JSON one without a leading BOM). The limit is read per request (policy reloads). */
export function rawBody(limit: () => number): Handler {
  return async (req, _res, next) => {
    req.body = req.method === 'GET' ? undefined : withoutBom(await readBody(req, limit()), req.headers['content-type']);
    next();
  };
}

/**
 * Middleware: `req.body` = the parsed JSON object or array when the request says it is JSON (`{}`
 * for an empty body); else undefined. With `anyContentType` the body is read as JSON whatever its
 * Content-Type says: for Tollgate's admin API, whose callers hold the token and are never browser
 * pages (guards.ts), where `curl -d` sends JSON form-encoded and `fetch` a string as text/plain.
 * Ignored, such a body made the route answer as if none was sent.
 */
export function jsonBody(limit: number, opts: { anyContentType?: boolean } = {}): Handler {
  return async (req, _res, next) => {
    if (!opts.anyContentType && !JSON_CONTENT_TYPE.test(req.headers['content-type'] ?? '')) return next();
    const text = withoutBom(await readBody(req, limit), 'application/json').toString('utf8');
    if (text.trim() === '') {
      req.body = {};
      return next();
    }
    if (!/^\s*[[{]/.test(text)) throw new HttpError(400, 'the body must be a JSON object or array (sent with Content-Type: application/json)');
    try {
      req.body = JSON.parse(text);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    next();
  };
}
