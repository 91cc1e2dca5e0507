/**
 * The dashboard after the proxy controller replaced its event stream (the proxy came back on
 * another port, or this window now runs its own proxy instead of another window's): the panel
 * and sidebar hosts hear at once that the new stream is up, and get its live calls, without
 * waiting for the webview to make a request first.
 */
import { describe, expect, it } from 'vitest';
import { DashboardHost } from '../../extension/src/dashboard/host';
import { ProxyDashboardSource } from '../../extension/src/dashboard/proxySource';
import type { HostToWebviewMessage } from '../../webview/src/protocol';
import { linkToGoneProxy, sendChat, useHarness } from './support/proxySuite';

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

const proxy = useHarness();

describe('dashboard source when the controller replaces the stream', () => {
  it('announces the new, already connected stream and relays its calls without a webview request', async () => {
    const { link, replace } = await linkToGoneProxy(50);
    const source = new ProxyDashboardSource(link);
    const posted: HostToWebviewMessage[] = [];
    const host = new DashboardHost({ source, view: 'panel', post: (m) => void posted.push(m), batchMs: 20 });
    const connections = () => posted.flatMap((m) => (m.kind === 'notification' && m.type === 'connection' ? [m.connection] : []));
    const appended = () => posted.flatMap((m) => (m.kind === 'notification' && m.type === 'calls/appended' ? m.calls.map((c) => c.tags.feature) : []));
    const statusBar: string[] = [];
    try {
      await poll(() => connections().at(-1)?.state).toBe('offline');
      // The status bar subscribes to the new stream first (on the state change), so it is connected before the dashboard hears of it.
      await replace(proxy.harness, (c) => statusBar.push(c.tags.feature ?? ''));
      // No request from the webview in between: the host is told by the source itself.
      await poll(() => connections().at(-1)).toEqual({ state: 'connected', proxyUrl: proxy.harness.proxy.url });
      await sendChat(proxy.harness, 'after-replace', 'sk-test-replaced');
      await poll(() => statusBar).toEqual(['after-replace']);
      await poll(() => appended()).toEqual(['after-replace']);
    } finally {
      host.dispose();
      source.dispose();
      link.events.dispose();
    }
  });
});
