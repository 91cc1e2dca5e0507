/**
 * The dashboard's data source as the tests use it: over a REST client and an event stream of its
 * own for one proxy URL (the extension hands it the proxy controller's instead). Disposing it also
 * closes that stream.
 */
import { LiveEvents } from '../../../extension/src/client/liveEvents';
import { ProxyClient } from '../../../extension/src/client/proxyClient';
import { ProxyDashboardSource } from '../../../extension/src/dashboard/proxySource';

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
