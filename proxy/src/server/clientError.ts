/**
 * Requests node's HTTP parser refuses before any route runs: `Transfer-Encoding` with
 * `Content-Length`, a duplicate or negative `Content-Length`, a header line without a colon or with
 * a control character, an unknown method, headers past the size limit, a request not received in
 * time. Node's own answer is a bare status line with no body ("400 status code (no body)" in an
 * SDK); these get the provider-style JSON error the route implies, naming what was wrong.
 */
import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { protocolOf, providerError, type Protocol } from '../providers';
import type { HttpServer, Req, Res } from '../http/http';

interface ParseError extends Error {
  code?: string;
  /** llhttp's fixed description ("Transfer-Encoding can't be present with Content-Length"). */
  reason?: string;
  /** The bytes being parsed when it failed (the request line and headers so far, usually). */
  rawPacket?: Buffer;
}

/** The protocol of a request the parser gave up on, from what it had read: path or `anthropic-version`. */
function protocolOfRaw(raw: Buffer | undefined): Protocol {
  const head = raw?.subarray(0, 8192).toString('latin1') ?? '';
  return /^[A-Z]+ \/+v1\/messages\b/i.test(head) || /\r\nanthropic-version:/i.test(head) ? 'anthropic' : 'openai';
}

function answerFor(err: ParseError, server: HttpServer): { status: number; message: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      // The server takes node's limit (createServer is given no maxHeaderSize): 16 KiB unless --max-http-header-size says otherwise.
      return { status: 431, message: `The request's headers are larger than Tollgate accepts (${maxHeaderSize} bytes in all). Send fewer or shorter headers; nothing was forwarded.` };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'The request body has chunk extensions larger than Tollgate accepts; nothing was forwarded.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        message: `Tollgate did not receive the whole request in time (headers within ${Math.round(server.headersTimeout / 1000)} s, the request within ${Math.round(server.requestTimeout / 1000)} s); nothing was forwarded.`,
      };
    default:
      return { status: 400, message: `Tollgate could not parse the HTTP request: ${err.reason ?? 'malformed request'}. Nothing was forwarded.` };
  }
}

/** Answers parser errors with a JSON body, as node would (same status, then the connection closes). */
export function answerClientErrors(server: HttpServer): void {
  server.on('clientError', (err: ParseError, socket: Socket) => {
    // As node's default: write only when no response of this connection has started (a reset
    // socket, or a response half sent on it, gets nothing more).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const { status, message } = answerFor(err, server);
      const body = JSON.stringify(providerError(protocolOfRaw(err.rawPacket), status, 'invalid_request_error', message));
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  });
}

/**
 * An `Expect` other than `100-continue` (RFC 9110 §10.1.1 allows no other): node answered a bare
 * 417 with an empty chunked body. It gets the provider-style error naming the header, and the
 * connection closes (the client may still hold back its body).
 */
export function answerUnknownExpectations(server: HttpServer): void {
  server.on('checkExpectation', (req: Req, res: Res) => {
    const path = req.url.split('?')[0] ?? '/';
    const value = String(req.headers.expect ?? '').slice(0, 100);
    res.shouldKeepAlive = false;
    res
      .status(417)
      .json(
        providerError(
          protocolOf(path, req.headers),
          417,
          'invalid_request_error',
          `Tollgate supports only "Expect: 100-continue" (got ${JSON.stringify(value)}); send the request without that header. Nothing was forwarded.`,
        ),
      );
  });
}
