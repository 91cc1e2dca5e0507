/**
 * OpenAI-compatible upstreams other than OpenAI, each speaking its own documented wire format for
 * Chat Completions: the JSON answer, and the stream as that provider frames it (its extra fields,
 * comment lines, line endings and where its usage rides). A flavour turns the request into
 * `{ json, stream }`; the server answers one or the other as the request asks, with request-id
 * headers, and counts the calls it answered so a test can tell a cached replay from a fresh call.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dataFrames, sendSse } from '../../support/sseWriter';

export type Json = Record<string, unknown>;

export interface Flavour {
  /** The non-streaming answer body. */
  json(req: Json, n: number): Json;
  /** The whole SSE body of a streaming answer, framed exactly as the provider frames it. */
  stream(req: Json, n: number): string;
  /** Extra response headers (rate-limit headers, request ids). */
  headers?: Record<string, string>;
}

export interface CompatibleUpstream {
  baseUrl: string;
  requests: { path: string; headers: Record<string, string | string[] | undefined>; body: Json }[];
  calls(): number;
  close(): Promise<void>;
}

export async function startCompatibleUpstream(flavour: Flavour, prefix = '/v1'): Promise<CompatibleUpstream> {
  const requests: CompatibleUpstream['requests'] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      n += 1;
      const headers = { 'x-request-id': `req_${n}`, ...(flavour.headers ?? {}) };
      if (body.stream === true) {
        sendSse(res, flavour.stream(body, n), headers);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(flavour.json(body, n)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    requests,
    calls: () => n,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `data: <json>` frames joined by the given line ending (`\n` or `\r\n`), `[DONE]` last unless told not to. */
export function sse(frames: (Json | string)[], eol: '\n' | '\r\n' = '\n', done = true): string {
  return dataFrames(frames, { eol, done });
}
