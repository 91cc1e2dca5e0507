/**
 * Request guards: the Host check that defeats DNS rebinding, and the admin-token check for
 * Tollgate's own API, reads included (the ledger holds prompt previews, and other local users can
 * reach 127.0.0.1 too), which also refuses anything a browser page sends. Browser provenance and
 * non-JSON bodies on provider routes are refused by security/browser.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Handler } from '../http/http';
import { protocolOf, providerError } from '../providers';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The host name of a Host value (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased and
 * without the one trailing dot of a fully qualified name (`http://localhost.:8787`, which curl and
 * browsers send as `localhost.`, was refused); undefined for anything else. Before,
 * `localhost:80@evil.example` and `[::1]evil.example` read as loopback.
 */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+?)\.?(?::\d{1,5})?$/.exec(hostHeader.trim().toLowerCase());
  return m?.[1];
}

/**
 * Only loopback names may address the proxy; a rebinding attacker's domain never can. An
 * absolute-form target's host (`POST http://host/…`) is the request's host, whatever Host says.
 */
export function hostGuard(extraHosts: string[] = []): Handler {
  const allowed = new Set([...LOOPBACK_HOSTS, ...extraHosts.map((h) => h.toLowerCase())]);
  return (req, res, next) => {
    // RFC 9112 §3.2: a 400 for more than one Host line (node kept the first, which another reader
    // of the request may not), or none (node's own answer for HTTP/1.1 was a bare 400 with no body;
    // http.ts turns it off so this one says why). An absolute-form target names the host itself.
    const hostLines = req.headersDistinct.host?.length ?? 0;
    if (hostLines > 1 || (hostLines === 0 && req.authority === undefined)) {
      res
        .status(400)
        .json(
          providerError(
            protocolOf(req.path, req.headers),
            400,
            'invalid_request_error',
            hostLines > 1
              ? `The request has more than one Host header (${hostLines}); send one. Nothing was forwarded.`
              : 'The request has no Host header; send Host: 127.0.0.1:<port> (HTTP clients do by default). Nothing was forwarded.',
          ),
        );
      return;
    }
    const given = req.authority ?? req.headers.host;
    const host = hostnameOf(given);
    if (host && allowed.has(host)) return next();
    res
      .status(403)
      .json(
        providerError(
          protocolOf(req.path, req.headers),
          403,
          'permission_error',
          req.authority !== undefined
            ? `Tollgate only answers requests addressed to localhost or 127.0.0.1, and is not a forward proxy (got a request for ${JSON.stringify(req.authority.slice(0, 200))}). Point your SDK's base URL at http://127.0.0.1:<port>/v1 (OpenAI) or http://127.0.0.1:<port> (Anthropic).`
            : `Tollgate only answers requests addressed to localhost or 127.0.0.1 (got Host: ${JSON.stringify((req.headers.host ?? '').slice(0, 200))}).`,
        ),
      );
  };
}

function tokenMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every /tollgate/* call: needs the token printed at start (or given by the extension), and never from a web page. */
export function adminGuard(token: string): Handler {
  return (req, res, next) => {
    // Browsers always send Origin (or Sec-Fetch-Site) on cross-origin writes; Node clients (the extension, CLI) send neither.
    const site = req.headers['sec-fetch-site'];
    if (req.headers.origin !== undefined || (site !== undefined && site !== 'none')) {
      res.status(403).json({ error: { type: 'permission_error', message: 'Tollgate admin calls are refused from browser pages.' } });
      return;
    }
    const auth = req.headers.authorization;
    const given = typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '') : '';
    if (!given || !tokenMatches(token, given)) {
      res.status(401).json({ error: { type: 'authentication_error', message: 'This Tollgate admin call needs "Authorization: Bearer <admin token>" (printed when the proxy starts).' } });
      return;
    }
    next();
  };
}
