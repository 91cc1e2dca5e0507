/**
 * Browser requests on provider routes. A web page the developer visits can send a "simple"
 * cross-origin POST (text/plain, form-encoded, an HTML form, fetch no-cors, sendBeacon) to
 * 127.0.0.1 without a CORS preflight; the page cannot read the answer, but the call would be paid
 * with the proxy's key. Real SDK clients send `application/json` and no `Origin`, so the proxy
 * refuses any request that carries browser provenance (an `Origin`, or a `Sec-Fetch-Site` other
 * than `none`) unless the origin is allow-listed, and any body that is not JSON.
 */
import type { Handler, Req, Res } from '../../http/http';
import { Counter, type Registry } from 'prom-client';
import { isLoopbackHost } from '../../policy/trust';
import { isMultipartPath, protocolOf, providerError } from '../../providers';

export interface BrowserGuardOptions {
  /** Origins (scheme://host[:port]) allowed to call provider routes from a page, e.g. a local dev app. */
  allowedOrigins: () => ReadonlySet<string>;
  /** Counts refusals as tollgate_refused_requests_total{reason} (drive-by attempts show up in /metrics). */
  registry?: Registry;
}

/** `application/json` or `application/<x>+json`, any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** The origin a browser request came from, or undefined for a non-browser client. */
export function browserOrigin(req: Req): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin === 'string') return origin;
  const site = req.headers['sec-fetch-site'];
  // "none" is a user-initiated navigation (typing the URL); everything else comes from a page.
  if (typeof site === 'string' && site !== 'none') return `(unknown origin; Sec-Fetch-Site: ${site})`;
  return undefined;
}

/**
 * Response headers a page's script may read (Access-Control-Expose-Headers): without the list a
 * browser shows it only the CORS-safelisted ones, so an allowed web app could not read what a
 * call cost, whether it was cached, or which budget slowed it, and the SDKs in the browser lost
 * the request id and the retry advice. Tollgate's own headers on provider routes, plus the
 * upstream's request-id, retry and rate-limit headers the proxy relays; nothing else (not the
 * /healthz proof, nor the admin API's headers, which no page reaches).
 */
const EXPOSED_HEADERS = [
  'x-tollgate-request-id',
  'x-tollgate-cache',
  'x-tollgate-cost-usd',
  'x-tollgate-saved-usd',
  'x-tollgate-overhead-ms',
  'x-tollgate-similarity',
  'x-tollgate-hit-probability',
  'x-tollgate-semantic-skipped',
  'x-tollgate-budget',
  'x-tollgate-ratelimit',
  'x-tollgate-downgrade',
  'x-tollgate-route',
  'x-tollgate-fallback',
  'x-tollgate-fallback-skipped',
  'x-tollgate-batch-cached',
  'x-tollgate-batch-requests',
  'x-tollgate-batch-worst-case-usd',
  // What openai-node and anthropic-sdk-typescript read: the request id, and when to retry.
  'x-request-id',
  'request-id',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'anthropic-ratelimit-requests-limit',
  'anthropic-ratelimit-requests-remaining',
  'anthropic-ratelimit-requests-reset',
  'anthropic-ratelimit-tokens-limit',
  'anthropic-ratelimit-tokens-remaining',
  'anthropic-ratelimit-tokens-reset',
] as const;

function refuse(req: Req, res: Res, status: number, message: string): void {
  const type = status === 415 ? 'invalid_request_error' : 'permission_error';
  res.status(status).json(providerError(protocolOf(req.path, req.headers), status, type, message));
}

/**
 * Guards every route except Tollgate's own API (which has the admin guard): browser provenance is
 * refused unless allow-listed; request bodies must be JSON. Preflights from allow-listed origins are
 * answered so a page the user chose can call the proxy with `application/json`.
 */
export function browserGuard(opts: BrowserGuardOptions): Handler {
  const refused = new Counter({
    name: 'tollgate_refused_requests_total',
    help: 'Requests refused before the pipeline: browser provenance or a non-JSON body.',
    labelNames: ['reason'] as const,
    registers: opts.registry ? [opts.registry] : [],
  });
  return (req, res, next) => {
    if (req.path.startsWith('/tollgate/')) return next();
    const origin = browserOrigin(req);
    const allowed = origin !== undefined && opts.allowedOrigins().has(origin);
    if (origin !== undefined && !allowed) {
      refused.inc({ reason: 'browser' });
      refuse(
        req,
        res,
        403,
        `Tollgate refuses requests from web pages (Origin: ${origin.slice(0, 200)}): a page must not spend your API key. ` +
          'SDKs and scripts send no Origin. To allow a local web app, list its origin in server.allowedOrigins (loopback origins) or TOLLGATE_ALLOWED_ORIGINS.',
      );
      return;
    }
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
      if (req.method === 'OPTIONS') {
        // Every method a provider route takes: the SDKs' deletes (responses, conversations, stored
        // completions, batches, files) are preflighted too, and were blocked with "GET, POST".
        res.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
        const asked = req.headers['access-control-request-headers'];
        res.setHeader('access-control-allow-headers', typeof asked === 'string' ? asked.slice(0, 1000) : 'content-type, authorization');
        res.setHeader('access-control-max-age', '600');
        // Private Network Access: Chrome sends a public page's call to 127.0.0.1 only when the
        // preflight grants it. Granted to allowed origins alone (a refused one got its 403 above).
        if (req.headers['access-control-request-private-network'] === 'true') res.setHeader('access-control-allow-private-network', 'true');
        res.status(204).end();
        return;
      }
    }
    const length = Number(req.headers['content-length'] ?? 0);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS' && (length > 0 || req.headers['transfer-encoding'] !== undefined);
    // Multipart bodies only on the upload routes (batch input files, upload parts, image edits,
    // audio transcriptions); the Origin check above still applies.
    const upload = req.method === 'POST' && isMultipartPath(req.path) && /^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '');
    if (hasBody && !upload && !isJsonContentType(req.headers['content-type'])) {
      const got = req.headers['content-type'];
      refused.inc({ reason: 'content-type' });
      refuse(
        req,
        res,
        415,
        `Tollgate only accepts JSON request bodies (Content-Type: application/json); got ${got ? JSON.stringify(got.slice(0, 100)) : 'no Content-Type'}. The request was not forwarded.`,
      );
      return;
    }
    next();
  };
}

/** Origins from a comma- or space-separated list, normalised to scheme://host[:port]; junk is dropped. */
export function parseOrigins(list: string | undefined): string[] {
  if (!list) return [];
  const out: string[] = [];
  for (const item of list.split(/[\s,]+/)) {
    if (!item) continue;
    try {
      const u = new URL(item);
      if (u.protocol === 'http:' || u.protocol === 'https:') out.push(u.origin);
    } catch {
      // not an origin: ignored
    }
  }
  return out;
}

/**
 * The origins the guard lets through: the user's `TOLLGATE_ALLOWED_ORIGINS`, plus the policy's
 * `server.allowedOrigins`. A policy file may live in a repository, which is not trusted to open
 * the proxy to the web, so from a file only loopback origins (a local dev app) count: the same
 * loopback rule that validates the file (policy/trust.ts), so an origin it accepts is never dropped.
 */
export function allowedOriginsFrom(
  source: { policy: { policy: { server: { allowedOrigins?: string[] } }; file?: string | undefined }; env: NodeJS.ProcessEnv },
): () => ReadonlySet<string> {
  let lastKey = '';
  let last: ReadonlySet<string> = new Set();
  return () => {
    const fromPolicy = source.policy.policy.server.allowedOrigins ?? [];
    const fromEnv = source.env.TOLLGATE_ALLOWED_ORIGINS ?? '';
    const key = `${fromPolicy.join(' ')}|${fromEnv}|${source.policy.file ?? ''}`;
    if (key !== lastKey) {
      const policyOrigins = parseOrigins(fromPolicy.join(' ')).filter((o) => source.policy.file === undefined || isLoopbackHost(new URL(o).hostname));
      last = new Set([...policyOrigins, ...parseOrigins(fromEnv)]);
      lastKey = key;
    }
    return last;
  };
}
