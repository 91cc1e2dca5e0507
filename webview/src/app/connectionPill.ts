/** "Live / Connecting / Offline" indicator for the proxy's event stream. */
import { h, replace } from '../dom';
import type { ConnectionState } from '../protocol';

export class ConnectionPill {
  readonly element = h('span', { class: 'conn', attrs: { role: 'status' } });

  set(c: ConnectionState): void {
    this.element.dataset.state = c.state;
    const text = c.state === 'connected' ? 'Live' : c.state === 'connecting' ? 'Connecting…' : 'Proxy offline';
    this.element.title = c.state === 'offline' ? `${c.proxyUrl}: ${c.error}` : c.proxyUrl;
    replace(this.element, h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }), text);
  }
}
