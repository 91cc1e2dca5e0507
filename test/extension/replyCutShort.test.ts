/**
 * A proxy that dies (or is stopped) while it sends a reply: the headers arrive, the body is cut
 * short. The client said "terminated" (undici's own word) in the status bar and the dashboard, and
 * the live stream's connection pill said it, or "fetch failed" for a proxy not there: they say the
 * proxy closed the connection or is not reachable. A proxy that stalls was "The operation was aborted
 * due to timeout", or "not reachable" before its headers: it did not answer in time. A real local
 * server that closes the socket mid-body, or stops sending.
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
    if (req.url === '/tollgate/budgets') {
      // A proxy that stalls (stuck on its database, suspended): the headers and a first chunk, then nothing.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      res.write('[{"id":"monthly","spentUsd":');
      return;
    }
    if (req.url === '/tollgate/batches') return; // not even the headers
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
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

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

describe('a reply that stalls past the timeout', () => {
  // The client's own 10 s timeout, shortened: the same AbortSignal.timeout, the real fetch and server.
  const client = () => new ProxyClient(url, 'token', (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(50) }));
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('mid-body says the proxy did not finish its reply in time, not "The operation was aborted due to timeout"', async () => {
    const err = await failure(client().budgets());
    expect(err).toBeInstanceOf(ProxyRequestError);
    expect((err as ProxyRequestError).status).toBe(0);
    expect((err as ProxyRequestError).message).toBe(`Tollgate proxy at ${url} did not finish its reply within 10 s`);
  });

  it('before its headers says the proxy did not answer in time, not that it is not reachable', async () => {
    const err = await failure(client().batches());
    expect((err as ProxyRequestError).message).toBe(`Tollgate proxy at ${url} did not answer within 10 s`);
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

  it('ended by a proxy that stops gracefully says it closed the connection, as when cut off', async () => {
    const stopping = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(': open\n\n');
    });
    await new Promise<void>((r) => stopping.listen(0, '127.0.0.1', r));
    try {
      expect(await offline(`http://127.0.0.1:${(stopping.address() as AddressInfo).port}`)).toBe('the proxy closed the connection');
    } finally {
      stopping.closeAllConnections();
      await new Promise<void>((r) => stopping.close(() => r()));
    }
  });

  it('to a port nothing listens on says the proxy is not reachable', async () => {
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((r) => gone.close(() => r()));
    expect(await offline(`http://127.0.0.1:${port}`)).toBe('the proxy is not reachable');
  });
});
