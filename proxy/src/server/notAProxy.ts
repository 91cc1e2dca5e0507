/**
 * Tollgate mistaken for a forward proxy: `HTTPS_PROXY=http://127.0.0.1:<port>` with the SDK's default
 * base URL (Python's httpx reads HTTPS_PROXY unasked) makes the client send
 * `CONNECT api.openai.com:443`. With no 'connect' listener node dropped the connection without a
 * word ("Server disconnected without sending a response"). It now gets a 405 whose reason phrase
 * says what to do (httpx's ProxyError and curl's "CONNECT tunnel failed" show the status line, not
 * the body), a provider-style JSON body, and a line in the proxy's log. Nothing is tunnelled.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpServer } from '../http/http';
import { providerError } from '../providers';

/** How often the log repeats the advice while a misconfigured client keeps trying. */
const LOG_EVERY_MS = 60_000;

export function refuseTunnels(server: HttpServer, warn: (line: string) => void): void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    // Node hands the socket over without its error handling: a client reset must not throw.
    socket.on('error', () => {});
    // The target as a printable host:port (node's parser allows more in a request target).
    const target = (req.url ?? '').slice(0, 200).replace(/[^\x21-\x7e]/g, '?');
    const base = `http://127.0.0.1:${(socket as Socket).localPort ?? '<port>'}`;
    const anthropic = /anthropic/i.test(target);
    const sdkBase = anthropic ? base : `${base}/v1`;
    const advice = `Tollgate is not an HTTPS proxy: do not set HTTPS_PROXY to it; set the SDK's base URL to ${sdkBase}`;
    const body = JSON.stringify(providerError(anthropic ? 'anthropic' : 'openai', 405, 'invalid_request_error', `${advice} (it received CONNECT ${target}).`));
    // The reason phrase is what most clients print: ASCII, no CR/LF (RFC 9112 §4).
    socket.end(
      `HTTP/1.1 405 ${advice}\r\nallow: GET, POST, DELETE\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    const now = performance.now();
    if (now - lastLogged >= LOG_EVERY_MS) {
      lastLogged = now;
      warn(`a client sent CONNECT ${target}, using Tollgate as its HTTPS proxy (HTTPS_PROXY?); refused. ${advice}.`);
    }
  });
}
