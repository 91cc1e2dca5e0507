/**
 * Connection failures a user can fix by a setting, said in those terms: a TLS certificate Node
 * does not trust (a company's TLS-inspecting proxy, a private gateway), one that expired or names
 * another host, and a company proxy that cannot be reached or refuses the tunnel. undici reports
 * them as a bare code (SELF_SIGNED_CERT_IN_CHAIN) or "Proxy response (407) !== 200 when HTTP
 * Tunneling"; the caller then got "the upstream connection failed (…)" and nothing to act on.
 *
 * The explained error has no `code`: the forward stage then shows its message (and treats it as a
 * failed connection, as before). Timeouts are left as they are (they keep their timeout status).
 */
import type { buildConnector } from 'undici';
import { redactedProxy, type ProxySetting } from './outboundProxy';

export class UpstreamConnectError extends Error {
  override name = 'UpstreamConnectError';
  constructor(
    message: string,
    /** The code undici or Node gave (for logs and tests). */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Certificate checks that fail because the issuing CA is not among the ones Node trusts. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);
const OTHER_TLS = new Set(['CERT_REVOKED', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA', 'INVALID_PURPOSE', 'ERR_SSL_WRONG_VERSION_NUMBER']);
/** Network failures of the connection to the proxy itself (the proxy makes the one to the target). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const CA_HINT =
  'If a company proxy or gateway inspects TLS, give Tollgate its CA certificate: set NODE_EXTRA_CA_CERTS=/path/to/company-ca.pem ' +
  "in the proxy's environment (read when the process starts; restart it). TLS verification is never turned off.";

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  reason?: unknown;
  host?: unknown;
  cert?: { valid_to?: unknown; subjectaltname?: unknown };
}

function shape(err: unknown): ErrorShape {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
}

/** The error that carries the TLS or network code (undici wraps some: SecureProxyConnectionError). */
function innermost(err: unknown): ErrorShape {
  const e = shape(err);
  const cause = shape(e.cause);
  return typeof e.code === 'string' && e.code.startsWith('UND_ERR_') && typeof cause.code === 'string' ? cause : e;
}

export interface ConnectContext {
  /** `host:port` of the upstream. */
  target: string;
  /** The proxy the connection went through, if any. */
  proxy?: ProxySetting;
}

/** A readable error for a connect failure, or the error unchanged when there is nothing to add. */
export function explainConnectError(err: unknown, ctx: ConnectContext): unknown {
  const e = innermost(err);
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  // An https:// proxy is a TLS peer too: its own certificate may be the one that failed.
  const via = ctx.proxy
    ? ctx.proxy.url.protocol === 'https:'
      ? ` or for the proxy ${redactedProxy(ctx.proxy.url)} (${ctx.proxy.from}) on the way`
      : ` (through the proxy ${redactedProxy(ctx.proxy.url)} from ${ctx.proxy.from})`
    : '';
  if (UNTRUSTED.has(code)) {
    return new UpstreamConnectError(`the TLS certificate presented for ${ctx.target}${via} is not signed by a CA this process trusts (${code}: ${message}). ${CA_HINT}`, code);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const until = typeof e.cert?.valid_to === 'string' ? ` (valid to ${e.cert.valid_to})` : '';
    return new UpstreamConnectError(
      `the TLS certificate presented for ${ctx.target}${via} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}${until} (${code}). Check this machine's clock; otherwise the server${ctx.proxy ? ' or the proxy inspecting TLS' : ''} needs a current certificate.`,
      code,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = typeof e.cert?.subjectaltname === 'string' ? ` (it is for ${e.cert.subjectaltname})` : '';
    return new UpstreamConnectError(
      `the TLS certificate presented for ${ctx.target}${via} is for another host${names} (${code}). Check the provider's baseUrl${ctx.proxy ? `, or whether ${ctx.proxy.from} points at the right proxy` : ''}.`,
      code,
    );
  }
  if (OTHER_TLS.has(code)) {
    return new UpstreamConnectError(`the TLS connection to ${ctx.target}${via} failed its certificate check (${code}: ${message}). ${CA_HINT}`, code);
  }
  if (!ctx.proxy) return err;
  const proxyName = `the proxy ${redactedProxy(ctx.proxy.url)} (${ctx.proxy.from})`;
  const refused = /Proxy response \((\d{3})\)/.exec(message);
  if (refused) {
    const status = Number(refused[1]);
    const hasCredentials = ctx.proxy.url.username !== '' || ctx.proxy.url.password !== '';
    if (status === 407) {
      const fix = hasCredentials
        ? `it refused the credentials in ${ctx.proxy.from}; check the user name and password (percent-encode characters such as @ : / in them)`
        : `put them in the URL: ${ctx.proxy.from}=http://user:password@host:port (percent-encode characters such as @ : / in them)`;
      return new UpstreamConnectError(`${proxyName} asks for credentials (407 Proxy Authentication Required) to reach ${ctx.target}: ${fix}.`, 'PROXY_407');
    }
    return new UpstreamConnectError(
      `${proxyName} refused the tunnel to ${ctx.target} (HTTP ${status}). Ask the proxy's administrators to allow this host, or list it in NO_PROXY if it is reachable directly.`,
      `PROXY_${status}`,
    );
  }
  if (UNREACHABLE.has(code)) {
    return new UpstreamConnectError(`cannot reach ${proxyName} to connect to ${ctx.target} (${code}: ${message}). Check ${ctx.proxy.from}, or list ${ctx.target.replace(/:\d+$/, '')} in NO_PROXY if it is reachable directly.`, code);
  }
  return err;
}

/** `connect` with its failures explained (see explainConnectError). */
export function explainingConnector(connect: buildConnector.connector, proxy?: ProxySetting): buildConnector.connector {
  return (options, callback) => {
    connect(options, (...args) => {
      const [err] = args;
      if (err === null) {
        callback(...args);
        return;
      }
      const target = `${options.hostname.includes(':') && !options.hostname.startsWith('[') ? `[${options.hostname}]` : options.hostname}:${options.port || (options.protocol === 'https:' ? 443 : 80)}`;
      const explained = explainConnectError(err, { target, ...(proxy ? { proxy } : {}) });
      callback(explained instanceof Error ? explained : err, null);
    });
  };
}
