/**
 * One /tollgate/events connection per window: the controller's stream (LiveEvents) feeds the status
 * bar's listeners and the dashboard's panel and sidebar hosts. Counted at the wire: a TCP relay in
 * front of a real proxy counts the GET /tollgate/events requests that pass through it.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEvents } from '../../extension/src/client/liveEvents';
import { DashboardHost } from '../../extension/src/dashboard/host';
import { ProxyClient } from '../../extension/src/client/proxyClient';
import { ProxyDashboardSource } from '../../extension/src/dashboard/proxySource';
import { OwnStreamSource } from '../webview/support/proxySuite';
import type { HostToWebviewMessage } from '../../webview/src/protocol';
import { startHarness, type Harness } from '../support/harness';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

/** A TCP relay to `port` that counts event-stream requests (request lines seen client → proxy). */
async function countingRelay(port: number): Promise<{ url: string; eventStreams: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    let tail = '';
    client.on('data', (chunk: Buffer) => {
      const text = tail + chunk.toString('latin1');
      count += text.split('GET /tollgate/events ').length - 1;
      tail = text.slice(-32); // a request line cut between two packets is still seen once
      if (tail.includes('GET /tollgate/events ')) tail = '';
      upstream.write(chunk);
    });
    upstream.pipe(client);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    eventStreams: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const call = (feature: string) =>
  new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-one-stream', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': feature } }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `one stream ${feature}` }],
  });

/** The window's listeners: the status bar's and a panel and a sidebar host over one dashboard source. */
function openWindow(url: string, shared: boolean) {
  const events = new LiveEvents({ proxyUrl: url, adminToken: harness.proxy.adminToken });
  const statusBar: number[] = [];
  events.onCall((c) => statusBar.push(c.id));
  const source = shared ? new ProxyDashboardSource({ api: new ProxyClient(url, harness.proxy.adminToken), events }) : new OwnStreamSource(url, harness.proxy.adminToken);
  const posted: HostToWebviewMessage[] = [];
  const hosts = (['panel', 'sidebar'] as const).map((view) => new DashboardHost({ source, view, post: (m) => void posted.push(m), copy: () => undefined, batchMs: 20 }));
  const appended = () => posted.filter((m) => m.kind === 'notification' && m.type === 'calls/appended').length;
  return {
    events,
    source,
    statusBar,
    posted,
    appended,
    close() {
      for (const h of hosts) h.dispose();
      source.dispose();
      events.dispose();
    },
  };
}

describe('one event stream per window', () => {
  it('the status bar and the dashboard panel and sidebar share the controller stream', async () => {
    const relay = await countingRelay(harness.proxy.port);
    const w = openWindow(relay.url, true);
    try {
      await poll(() => w.source.connection.state).toBe('connected');
      await call('shared');
      await poll(() => w.statusBar.length).toBe(1);
      await poll(() => w.appended()).toBeGreaterThanOrEqual(2); // panel and sidebar each got it
      expect(relay.eventStreams()).toBe(1);
    } finally {
      w.close();
      await relay.close();
    }
  });

  it('a dashboard source without the shared stream opens its own (what the count would catch)', async () => {
    const relay = await countingRelay(harness.proxy.port);
    const w = openWindow(relay.url, false);
    try {
      await poll(() => w.source.connection.state).toBe('connected');
      await call('separate');
      await poll(() => w.statusBar.length).toBe(1);
      expect(relay.eventStreams()).toBe(2);
    } finally {
      w.close();
      await relay.close();
    }
  });

  it('disposing the dashboard source leaves the shared stream open for the status bar', async () => {
    const w = openWindow(harness.proxy.url, true);
    try {
      await poll(() => w.events.connection.state).toBe('connected');
      w.source.dispose();
      await call('after-dispose');
      await poll(() => w.statusBar.length).toBe(1);
      expect(w.events.connection.state).toBe('connected');
    } finally {
      w.close();
    }
  });
});
