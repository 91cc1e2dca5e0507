/**
 * A real proxy (the harness: fake upstream, real SQLite) and the dashboard's data source over it,
 * started before a suite's tests and closed after them. The source has a REST client and an event
 * stream of its own (the extension hands it the proxy controller's instead).
 */
import { afterAll, beforeAll } from 'vitest';
import { LiveEvents } from '../../../extension/src/client/liveEvents';
import { ProxyClient } from '../../../extension/src/client/proxyClient';
import { ProxyDashboardSource } from '../../../extension/src/dashboard/proxySource';
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

export interface ProxySuite {
  harness: Harness;
  /** Over the harness proxy with its admin token. */
  source: OwnStreamSource;
}

/** Registers beforeAll/afterAll hooks; the fields are set once the suite's tests run. */
export function useProxy(...args: Parameters<typeof startHarness>): ProxySuite {
  const suite = {} as ProxySuite;
  beforeAll(async () => {
    suite.harness = await startHarness(...args);
    suite.source = new OwnStreamSource(suite.harness.proxy.url, suite.harness.proxy.adminToken);
  }, 240_000);
  afterAll(async () => {
    suite.source?.dispose();
    await suite.harness?.close();
  });
  return suite;
}
