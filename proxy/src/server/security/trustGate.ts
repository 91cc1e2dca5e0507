/**
 * Holding providers the user has not approved (policy/trust.ts findings), second layer: an undici
 * Agent that refuses to open a request to a held origin at all, so no path (a fallback to another
 * provider, a retry) can carry a key there. The first layer is pipeline/trustStage.ts.
 *
 * It is also the way out of the machine: requests go through the company proxy of the environment
 * (outboundProxy.ts; undici reads no HTTPS_PROXY by itself) — the held-host check applies to the
 * real target, never to the proxy's host — and connection failures a setting can fix (an untrusted
 * TLS CA, a proxy that refuses) are explained (connectErrors.ts).
 */
import { Agent, buildConnector, ProxyAgent, Pool, type Dispatcher } from 'undici';
import { describeFinding } from '../../policy/trust';
import { explainingConnector } from './connectErrors';
import { NO_OUTBOUND_PROXY, proxyForTarget, type OutboundProxy, type ProxySetting } from './outboundProxy';

import type { HeldFindings } from '../../pipeline/trustStage';

export class HeldHostError extends Error {
  readonly code = 'TOLLGATE_HOST_NOT_APPROVED';
}

/** The connector a Pool would build from `options` (undici's defaults when absent). */
function baseConnector(options: Agent.Options): buildConnector.connector {
  const c = options.connect;
  if (typeof c === 'function') return c;
  return buildConnector({
    ...(options.connectTimeout != null ? { timeout: options.connectTimeout } : {}),
    ...(options.maxCachedSessions != null ? { maxCachedSessions: options.maxCachedSessions } : {}),
    ...(typeof options.autoSelectFamily === 'boolean' ? { autoSelectFamily: options.autoSelectFamily, autoSelectFamilyAttemptTimeout: options.autoSelectFamilyAttemptTimeout ?? 250 } : {}),
    ...(c ?? {}),
  });
}

/** An Agent that will not dispatch to a host of a held provider. */
export class TrustGatedAgent extends Agent {
  /** One ProxyAgent per proxy URL (at most the http and the https one), made on first use. */
  private readonly proxied = new Map<string, ProxyAgent>();

  constructor(
    private readonly held: HeldFindings,
    private readonly options: Agent.Options = {},
    private readonly outbound: OutboundProxy = NO_OUTBOUND_PROXY,
  ) {
    super({ ...options, connect: explainingConnector(baseConnector(options)) });
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = options.origin === undefined ? '' : String(options.origin);
    let target: URL | undefined;
    try {
      target = new URL(origin);
    } catch {
      target = undefined;
    }
    const host = target?.hostname.toLowerCase() ?? '';
    const finding = this.held().find((f) => f.host === host);
    if (finding) throw new HeldHostError(`not sent: ${describeFinding(finding)}`);
    const proxy = target ? proxyForTarget(this.outbound, target) : undefined;
    return proxy ? this.viaProxy(proxy).dispatch(options, handler) : super.dispatch(options, handler);
  }

  private viaProxy(proxy: ProxySetting): ProxyAgent {
    const key = proxy.url.href;
    let agent = this.proxied.get(key);
    if (!agent) {
      agent = new ProxyAgent({
        ...this.options,
        uri: key,
        // http:// targets are sent to the proxy as absolute-URI requests, as curl does: proxies
        // commonly allow CONNECT only to port 443. https:// targets are tunnelled (CONNECT).
        proxyTunnel: false,
        // The connection per target (a CONNECT tunnel and its TLS, or the socket to the proxy for
        // http://) goes through explainingConnector: a refusing proxy or an untrusted CA is named.
        factory: (o: string | URL, opts: object) => {
          const poolOptions = opts as Pool.Options;
          const connect = poolOptions.connect;
          return new Pool(o, { ...poolOptions, connect: explainingConnector(typeof connect === 'function' ? connect : buildConnector({ ...(connect ?? {}) }), proxy) });
        },
      });
      this.proxied.set(key, agent);
    }
    return agent;
  }

  // undici's promise forms call the callback forms (on `this`): the proxies' agents close with it.
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    if (callback === undefined) return super.close();
    const proxies = Promise.all([...this.proxied.values()].map((a) => a.close().catch(() => undefined)));
    super.close(() => void proxies.then(() => callback()));
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const done = typeof errOrCallback === 'function' ? errOrCallback : callback;
    if (done === undefined) return super.destroy(err);
    const proxies = Promise.all([...this.proxied.values()].map((a) => a.destroy(err).catch(() => undefined)));
    super.destroy(err, () => void proxies.then(() => done()));
  }
}
