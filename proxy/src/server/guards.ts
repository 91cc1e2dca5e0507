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

export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0];
}

/** Only loopback names may address the proxy; a rebinding attacker's domain never can. */
export function hostGuard(extraHosts: string[] = []): Handler {
  const allowed = new Set([...LOOPBACK_HOSTS, ...extraHosts.map((h) => h.toLowerCase())]);
  return (req, res, next) => {
    const host = hostnameOf(req.headers.host);
    if (host && allowed.has(host)) return next();
    res
      .status(403)
      .json(
        providerError(
          protocolOf(req.path, req.headers),
          403,
          'permission_error',
          `Tollgate only answers requests addressed to localhost or 127.0.0.1 (got Host: ${JSON.stringify(req.headers.host ?? '')}).`,
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
