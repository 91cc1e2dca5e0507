/**
 * An HTTPS front for the fake provider (test/support/fakeUpstream.ts speaks plain HTTP): TLS is
 * terminated here with the given certificate and the bytes are piped to the fake, so the wire
 * format (headers, SSE framing, usage blocks, errors) is the fake's own.
 */
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import type { Leaf } from './certs';

export interface TlsFront {
  url: string;
  port: number;
  /** TLS handshakes completed (a new one per connection: keep-alive shows as fewer). */
  handshakes(): number;
  close(): Promise<void>;
}

export async function startTlsFront(leaf: Leaf, targetPort: number, host = 'localhost'): Promise<TlsFront> {
  let handshakes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: leaf.key, cert: leaf.cert }, (tls) => {
    handshakes += 1;
    const plain = connect(targetPort, '127.0.0.1');
    sockets.add(tls);
    sockets.add(plain);
    tls.pipe(plain).pipe(tls);
    const end = () => {
      tls.destroy();
      plain.destroy();
      sockets.delete(tls);
      sockets.delete(plain);
    };
    tls.on('error', end).on('close', end);
    plain.on('error', end).on('close', end);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = setTimeout(() => void close(), 120_000);
  stop.unref();
  async function close(): Promise<void> {
    clearTimeout(stop);
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return { url: `https://${host}:${port}`, port, handshakes: () => handshakes, close };
}
