/**
 * A raw HTTP upstream for wire-format tests: each request's body is read whole, parsed as JSON
 * (`{}` when empty or not JSON), and handed to `onRequest`, which answers as a real server would
 * (headers, SSE framing, bodies cut short, odd content types). The tests that use it keep their
 * own handler and call count. Binds 127.0.0.1 on port 0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawUpstream {
  /** `http://127.0.0.1:<port>`, without a path: add `/v1` for an OpenAI base URL. */
  origin: string;
  close(): Promise<void>;
}

export async function rawUpstream<B = Record<string, unknown>>(onRequest: (req: IncomingMessage, res: ServerResponse, body: B) => void): Promise<RawUpstream> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        // A multipart or binary body: the handler reads the request's headers instead.
      }
      onRequest(req, res, body as B);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
