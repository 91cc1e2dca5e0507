/**
 * The dashboard after the proxy controller replaced its event stream (the proxy came back on
 * another port, or this window now runs its own proxy instead of another window's): the panel
 * and sidebar hosts hear at once that the new stream is up, and get its live calls, without
 * waiting for the webview to make a request first.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveEvents } from '../../extension/src/client/liveEvents';
import { ProxyClient } from '../../extension/src/client/proxyClient';
import { DashboardHost } from '../../extension/src/dashboard/host';
import { Emitter } from '../../extension/src/dashboard/emitter';
import { ProxyDashboardSource } from '../../extension/src/dashboard/proxySource';
import type { HostToWebviewMessage } from '../../webview/src/protocol';
import { startHarness, type Harness } from '../support/harness';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

describe('dashboard source when the controller replaces the stream', () => {
  it('announces the new, already connected stream and relays its calls without a webview request', async () => {
    const gone = await startHarness();
    const deadUrl = gone.proxy.url;
    await gone.close();
    const replaced = new Emitter<LiveEvents>();
    // What the proxy controller hands the dashboard: getters for its current client and stream.
    const link = {
      api: new ProxyClient(deadUrl, 'old-token'),
      events: new LiveEvents({ proxyUrl: deadUrl, adminToken: 'old-token', reconnectDelayMs: 50 }),
      onDidReplaceEvents: (l: (e: LiveEvents) => void) => replaced.on(l),
    };
    const source = new ProxyDashboardSource(link);
    const posted: HostToWebviewMessage[] = [];
    const host = new DashboardHost({ source, view: 'panel', post: (m) => void posted.push(m), batchMs: 20 });
    const connections = () => posted.flatMap((m) => (m.kind === 'notification' && m.type === 'connection' ? [m.connection] : []));
    const appended = () => posted.flatMap((m) => (m.kind === 'notification' && m.type === 'calls/appended' ? m.calls.map((c) => c.tags.feature) : []));
    const statusBar: string[] = [];
    try {
      await poll(() => connections().at(-1)?.state).toBe('offline');
      // The status bar subscribes to the new stream first (on the state change), so it is connected before the dashboard hears of it.
      const next = new LiveEvents({ proxyUrl: harness.proxy.url, adminToken: harness.proxy.adminToken, reconnectDelayMs: 50 });
      next.onCall((c) => statusBar.push(c.tags.feature ?? ''));
      await poll(() => next.connection.state).toBe('connected');
      link.events.dispose();
      link.events = next;
      link.api = new ProxyClient(harness.proxy.url, harness.proxy.adminToken);
      replaced.fire(next);
      // No request from the webview in between: the host is told by the source itself.
      await poll(() => connections().at(-1)).toEqual({ state: 'connected', proxyUrl: harness.proxy.url });
      await new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey: 'sk-test-replaced', maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': 'after-replace' } }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'after replace' }],
      });
      await poll(() => statusBar).toEqual(['after-replace']);
      await poll(() => appended()).toEqual(['after-replace']);
    } finally {
      host.dispose();
      source.dispose();
      link.events.dispose();
    }
  });
});
