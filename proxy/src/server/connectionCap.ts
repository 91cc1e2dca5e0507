/**
 * A cap on open client connections. Node accepts connections until the process runs out of file
 * descriptors; then every accept fails (EMFILE), the proxy's own SQLite and upstream sockets with
 * it, and clients see resets. A script opening thousands of connections (a runaway retry loop, a
 * slowloris holding each for the headers timeout) did that. Past the cap a new connection is still
 * accepted, answered a provider-style 503 with `retry-after` (the SDKs retry it), and closed; it may
 * take only a few seconds to send its request, so refused connections cannot pile up either.
 * Counted on the server's 'connection' event, which the [::1] listener's sockets go through too.
 *
 * Kept-alive connections waiting for a next request count too, for up to the keep-alive timeout
 * (65 s): after a burst of parallel calls an SDK's pool of idle sockets filled the cap and a new
 * client got 503s while nothing was being served. At the cap those idle connections are closed
 * first (what their keep-alive timeout would do; the clients reconnect), and the new one is served.
 */
import type { Socket } from 'node:net';
import type { HttpServer, Req, Res } from '../http/http';
import { protocolOf, providerError } from '../providers';

/**
 * Well past what one developer's tools keep open (an SDK pools a few dozen sockets; the upstream
 * agent opens at most 256 per provider), well under the usual descriptor limits.
 */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** How long a connection past the cap may take to send the request it is refused. */
const REFUSED_WITHIN_MS = 5_000;
/** How often the log repeats that connections are refused while it goes on. */
const LOG_EVERY_MS = 60_000;

/** The cap from `TOLLGATE_MAX_CONNECTIONS` (a whole number from 1), else the default. */
export function maxConnectionsFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.TOLLGATE_MAX_CONNECTIONS?.trim();
  const n = raw && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : DEFAULT_MAX_CONNECTIONS;
}

/**
 * Counts `server`'s connections; returns the check the request handler runs first: true when it
 * answered the request itself (its connection is past the cap).
 */
export function capConnections(server: HttpServer, max: number, warn: (line: string) => void): (req: Req, res: Res) => boolean {
  const refused = new WeakSet<Socket>();
  const open = new Set<Socket>();
  /** Open connections not being closed (a destroyed socket stays in `open` until its 'close'). */
  const live = (): number => {
    let n = 0;
    for (const s of open) if (!s.destroyed) n++;
    return n;
  };
  let lastLogged = Number.NEGATIVE_INFINITY;
  // Before node's own listener, so a refused socket's short timeout is set before it is parsed.
  server.prependListener('connection', (socket: Socket) => {
    // node's idle list: kept-alive connections between requests, never one still sending its
    // request or waiting for (or streaming) its answer. The new socket is not in it yet.
    // `live()` walks the set: only at the cap (open.size counts sockets still closing too).
    if (open.size >= max && live() >= max) server.closeIdleConnections();
    if (open.size >= max && live() >= max) {
      refused.add(socket);
      socket.setTimeout(REFUSED_WITHIN_MS, () => socket.destroy());
      const now = performance.now();
      if (now - lastLogged >= LOG_EVERY_MS) {
        lastLogged = now;
        warn(`${max} client connections are open and busy, Tollgate's cap (TOLLGATE_MAX_CONNECTIONS); new ones get a 503 until some close`);
      }
      return;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return (req, res) => {
    if (!refused.has(req.socket)) return false;
    const path = req.url.split('?')[0] ?? '/';
    res.shouldKeepAlive = false;
    const protocol = protocolOf(path, req.headers);
    res
      .status(503)
      .set('retry-after', '1')
      .json(
        providerError(
          protocol,
          503,
          // Each API's word for "busy, try again" (Anthropic's overloaded_error, OpenAI's server_error).
          protocol === 'anthropic' ? 'overloaded_error' : 'server_error',
          `Tollgate has ${max} client connections open, its limit (TOLLGATE_MAX_CONNECTIONS); retry shortly, or reuse connections (keep-alive). Nothing was forwarded.`,
        ),
      );
    return true;
  };
}
