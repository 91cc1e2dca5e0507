/**
 * The dashboard panel opened and closed again and again (20 times, as a user toggling it): each
 * close must give back what the open took — the webview's message listener, the colour-theme
 * listener, and the host's listeners on the window's event stream — and no open may start a
 * second /tollgate/events connection. Against a real proxy (harness: fake upstream, real SQLite)
 * and the real SDK; the `vscode` panel is a stand-in that counts live listeners.
 */
import { describe, expect, it, vi } from 'vitest';
import type { LiveEvents as Events } from '../../extension/src/client/liveEvents';
import type { HostToWebviewMessage } from '../../webview/src/protocol';
import { sendChat, useHarness } from '../webview/support/proxySuite';

type Listener = (e: unknown) => void;

const seen = vi.hoisted(() => ({
  /** Live listeners by kind: subscribed and not disposed. */
  live: { message: 0, theme: 0, panelDispose: 0 },
  panels: [] as Array<{ posted: unknown[]; receive(m: unknown): void; close(): void }>,
}));

vi.mock('vscode', async () => {
  const { createVscodeStub } = await import('./support/vscodeStub.cjs');
  const { vscode } = createVscodeStub({});
  const counted = (kind: keyof typeof seen.live, into?: Set<Listener>) => (l: Listener) => {
    seen.live[kind]++;
    into?.add(l);
    let done = false;
    return {
      dispose: () => {
        if (done) return;
        done = true;
        seen.live[kind]--;
        into?.delete(l);
      },
    };
  };
  const win = vscode.window as Record<string, unknown>;
  win.onDidChangeActiveColorTheme = counted('theme');
  win.setStatusBarMessage = () => ({ dispose() {} });
  win.createWebviewPanel = () => {
    const onMessage = new Set<Listener>();
    const onDispose = new Set<Listener>();
    const posted: unknown[] = [];
    let disposed = false;
    const panel = {
      webview: {
        options: {},
        html: '',
        cspSource: 'vscode-webview://test',
        asWebviewUri: (u: { fsPath: string }) => ({ toString: () => `vscode-webview://test${u.fsPath}` }),
        postMessage: async (m: unknown) => {
          if (!disposed) posted.push(m);
          return !disposed;
        },
        onDidReceiveMessage: counted('message', onMessage),
      },
      onDidDispose: counted('panelDispose', onDispose),
      reveal() {},
      dispose() {
        if (disposed) return;
        disposed = true;
        for (const l of [...onDispose]) l(undefined);
      },
    };
    seen.panels.push({ posted, receive: (m) => { for (const l of [...onMessage]) l(m); }, close: () => panel.dispose() });
    return panel;
  };
  return vscode;
});

const { DashboardPanel } = await import('../../extension/src/dashboard/panel');
const { ProxyDashboardSource } = await import('../../extension/src/dashboard/proxySource');
const { LiveEvents } = await import('../../extension/src/client/liveEvents');
const { ProxyClient } = await import('../../extension/src/client/proxyClient');
type Context = Parameters<typeof DashboardPanel.show>[0];

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000, interval: 50 });

const proxy = useHarness();

/** LiveEvents counting its live call/budget/connection listeners and the streams it opens. */
class CountingEvents extends LiveEvents {
  listeners = 0;
  streams = 0;
  constructor(proxyUrl: string, adminToken: string) {
    super({
      proxyUrl,
      adminToken,
      fetch: (input, init) => {
        if (String(input).endsWith('/tollgate/events')) this.streams++;
        return fetch(input, init);
      },
    });
  }
  private count(d: { dispose(): void }): { dispose(): void } {
    this.listeners++;
    let done = false;
    return {
      dispose: () => {
        if (!done) this.listeners--;
        done = true;
        d.dispose();
      },
    };
  }
  override onCall(l: Parameters<Events['onCall']>[0]) {
    return this.count(super.onCall(l));
  }
  override onBudget(l: Parameters<Events['onBudget']>[0]) {
    return this.count(super.onBudget(l));
  }
  override onConnection(l: Parameters<Events['onConnection']>[0]) {
    return this.count(super.onConnection(l));
  }
}

describe('the dashboard panel opened and closed 20 times', () => {
  it('leaks no listener and opens no second event stream; the last panel still gets live calls', async () => {
    const { harness } = proxy;
    const events = new CountingEvents(harness.proxy.url, harness.proxy.adminToken);
    // The status bar's listener: the stream the window keeps open.
    const statusBar: number[] = [];
    const bar = events.onCall((c) => statusBar.push(c.id));
    const source = new ProxyDashboardSource({ api: new ProxyClient(harness.proxy.url, harness.proxy.adminToken), events });
    const context = { extensionUri: { fsPath: '/ext' } } as unknown as Context;
    try {
      await poll(() => events.connection.state).toBe('connected');
      const base = events.listeners;
      for (let i = 0; i < 20; i++) {
        DashboardPanel.show(context, source);
        const p = seen.panels[seen.panels.length - 1]!;
        p.receive({ kind: 'command', type: 'ready' });
        await poll(() => p.posted.some((m) => (m as HostToWebviewMessage).type === 'init')).toBe(true);
        // Closed by the user (the tab's ×): VS Code disposes the panel and fires onDidDispose.
        p.close();
      }
      expect(seen.live).toEqual({ message: 0, theme: 0, panelDispose: 0 });
      expect(events.listeners).toBe(base);
      expect(events.streams).toBe(1);

      DashboardPanel.show(context, source);
      const last = seen.panels[seen.panels.length - 1]!;
      expect(seen.live).toEqual({ message: 1, theme: 1, panelDispose: 1 });
      await sendChat(harness, 'reopened', 'sk-test-reopen');
      await poll(() => last.posted.filter((m) => (m as HostToWebviewMessage).type === 'calls/appended').length).toBe(1);
      expect(statusBar).toHaveLength(1);
      expect(events.streams).toBe(1);
      last.close();
      expect(events.listeners).toBe(base);
    } finally {
      bar.dispose();
      source.dispose();
      events.dispose();
    }
  });
});
