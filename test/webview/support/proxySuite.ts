/**
 * A real proxy (the harness: fake upstream, real SQLite) and the dashboard's data source over it,
 * started before a suite's tests and closed after them. The source has a REST client and an event
 * stream of its own (the extension hands it the proxy controller's instead). Also what the proxy
 * controller hands the dashboard while its proxy is gone, and the switch to the one that replaced it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';
import { LiveEvents } from '../../../extension/src/client/liveEvents';
import { ProxyClient } from '../../../extension/src/client/proxyClient';
import { Emitter } from '../../../extension/src/dashboard/emitter';
import { ProxyDashboardSource } from '../../../extension/src/dashboard/proxySource';
import type { CallRecord } from '../../../webview/src/protocol';
import { startHarness, type Harness } from '../../support/harness';

/** The dashboard source over its own client and stream; disposing it also closes the stream. */
export class OwnStreamSource extends ProxyDashboardSource {
  private readonly stream: LiveEvents;

  constructor(proxyUrl: string, adminToken?: string, reconnectDelayMs?: number) {
    const events = new LiveEvents({ proxyUrl, ...(adminToken ? { adminToken } : {}), ...(reconnectDelayMs !== undefined ? { reconnectDelayMs } : {}) });
    super({ api: new ProxyClient(proxyUrl, adminToken), events });
    this.stream = events;
  }

  override dispose(): void {
    super.dispose();
    this.stream.dispose();
  }
}

/** Registers beforeAll/afterAll hooks for the harness proxy alone; `harness` is set once the suite's tests run. */
export function useHarness(...args: Parameters<typeof startHarness>): { harness: Harness } {
  const suite = {} as { harness: Harness };
  beforeAll(async () => {
    suite.harness = await startHarness(...args);
  }, 240_000);
  afterAll(async () => {
    await suite.harness?.close();
  });
  return suite;
}

export interface ProxySuite {
  harness: Harness;
  /** Over the harness proxy with its admin token. */
  source: OwnStreamSource;
}

/** Registers beforeAll/afterAll hooks; the fields are set once the suite's tests run. */
export function useProxy(...args: Parameters<typeof startHarness>): ProxySuite {
  const suite = useHarness(...args) as ProxySuite;
  beforeAll(() => {
    suite.source = new OwnStreamSource(suite.harness.proxy.url, suite.harness.proxy.adminToken);
  });
  // After hooks run last-registered first (vitest's "stack" order): the source closes before the proxy.
  afterAll(() => {
    suite.source?.dispose();
  });
  return suite;
}

/** A chat call through the harness proxy by the real OpenAI SDK, tagged with `feature`. */
export function sendChat(harness: Harness, feature: string, apiKey = 'sk-test-dashboard') {
  return new OpenAI({ baseURL: harness.openaiBaseUrl, apiKey, maxRetries: 0, defaultHeaders: { 'x-tollgate-feature': feature } }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: `call for ${feature}` }],
  });
}

/** The proxy controller's link (client and stream getters) to the dashboard, and its switch. */
export interface ReplaceableLink {
  link: { api: ProxyClient; events: LiveEvents; onDidReplaceEvents(l: (e: LiveEvents) => void): { dispose(): void } };
  /** Where the proxy was: nothing listens there any more. */
  deadUrl: string;
  /**
   * Points the link at `harness` as the controller does when the proxy came back elsewhere: a new
   * stream, the old one closed, then the event. `firstListener` (the status bar's) subscribes to the
   * new stream first, which is then connected before the dashboard hears of it.
   */
  replace(harness: Harness, firstListener?: (c: CallRecord) => void): Promise<LiveEvents>;
}

/** A link still on a proxy that has gone away (started, then closed: its port refuses connections). */
export async function linkToGoneProxy(reconnectDelayMs: number): Promise<ReplaceableLink> {
  const gone = await startHarness();
  const deadUrl = gone.proxy.url;
  await gone.close();
  const replaced = new Emitter<LiveEvents>();
  const link = {
    api: new ProxyClient(deadUrl, 'old-token'),
    events: new LiveEvents({ proxyUrl: deadUrl, adminToken: 'old-token', reconnectDelayMs }),
    onDidReplaceEvents: (l: (e: LiveEvents) => void) => replaced.on(l),
  };
  return {
    link,
    deadUrl,
    async replace(harness, firstListener) {
      const next = new LiveEvents({ proxyUrl: harness.proxy.url, adminToken: harness.proxy.adminToken, reconnectDelayMs });
      if (firstListener) {
        next.onCall(firstListener);
        const deadline = Date.now() + 20_000;
        while (next.connection.state !== 'connected') {
          if (Date.now() > deadline) throw new Error(`the new stream did not connect: ${next.connection.state}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      link.events.dispose();
      link.events = next;
      link.api = new ProxyClient(harness.proxy.url, harness.proxy.adminToken);
      replaced.fire(next);
      return next;
    },
  };
}
