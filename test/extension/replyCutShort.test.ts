/**
 * A proxy that dies (or is stopped) while it sends a reply: the headers arrive, the body is cut
 * short. The client said "terminated" (undici's own word) in the status bar and the dashboard, and
 * the live stream's connection pill said it, or "fetch failed" for a proxy not there: they say the
 * proxy closed the connection or is not reachable. A real local server that closes the socket mid-body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEvents } from '../../extension/src/client/liveEvents';
import { ProxyClient, ProxyRequestError } from '../../extension/src/client/proxyClient';

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/tollgate/events') {
      // The live stream opens, then the proxy dies: the chunked body ends without its last chunk.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
    res.write('{"from":0,"to":1,"by":[{"key":"gpt-4o","calls":');
    // Flushed, then the connection goes: the reply is 48 bytes of the 400 it announced.
    setTimeout(() => req.socket.destroy(), 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a reply cut off in its body', () => {
  it('is a ProxyRequestError that says the proxy closed the connection', async () => {
    const err = await new ProxyClient(url, 'token').summary({ by: 'model' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProxyRequestError);
    expect((err as ProxyRequestError).status).toBe(0);
    expect((err as ProxyRequestError).message).toMatch(new RegExp(`^Tollgate proxy at ${url} closed the connection before its reply was complete`));
  });
});

describe('the live event stream', () => {
  /** The stream's first offline state, its retries held off. */
  const offline = (proxyUrl: string) =>
    new Promise<string | undefined>((resolve) => {
      const events = new LiveEvents({ proxyUrl, reconnectDelayMs: 60_000 });
      events.onConnection((c) => {
        if (c.state !== 'offline') return;
        events.dispose();
        resolve(c.error);
      });
      events.onCall(() => {}); // the stream opens for its first listener
    });

  it('cut off by the proxy says it closed the connection', async () => {
    expect(await offline(url)).toBe('the proxy closed the connection');
  });

  it('to a port nothing listens on says the proxy is not reachable', async () => {
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
    expect(await offline(`http://127.0.0.1:${port}`)).toBe('the proxy is not reachable');
  });
});
