/**
 * An upstream (or a load balancer in front of it) closes a kept-alive connection it found idle at
 * the moment the proxy reuses it for the next call: the request is written into a socket the other
 * side has given up on, undici fails it (`other side closed`, ECONNRESET), and the client got a 502
 * for a call nothing read. Sending it again on a new connection is safe then, as browsers and Go's
 * HTTP client do. undici tells no request which socket carried it; its diagnostics channel names
 * the socket as each request's head is written, so the errors of those sockets are marked here and
 * the forwarder reads the mark.
 */
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const CLOSED_WHILE_IDLE = Symbol.for('tollgate.closedWhileIdle');

/** Per upstream socket: requests written on it, and its bytes read when the latest one was. */
const written = new WeakMap<Socket, { requests: number; readAtRequest: number }>();

subscribe('undici:client:sendHeaders', (message) => {
  const socket = (message as { socket?: Socket }).socket;
  if (!socket) return;
  let seen = written.get(socket);
  if (!seen) {
    const s = { requests: 0, readAtRequest: 0 };
    written.set(socket, s);
    // An error of a reused connection before a byte of the latest request's answer came. The mark is
    // set before the socket's 'close', which is when undici fails the request with this error.
    socket.on('error', (err: Error & { [CLOSED_WHILE_IDLE]?: true }) => {
      if (s.requests > 1 && socket.bytesRead === s.readAtRequest) err[CLOSED_WHILE_IDLE] = true;
    });
    seen = s;
  }
  seen.requests += 1;
  seen.readAtRequest = socket.bytesRead;
});

/** The upstream closed a reused connection before answering the request written on it. */
export function closedWhileIdle(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { [CLOSED_WHILE_IDLE]?: true })[CLOSED_WHILE_IDLE] === true;
}

/**
 * Sends again, at once, while the upstream closed a reused connection before answering: not a
 * retry (no wait, no ledger row, whatever the retry policy), since nothing read the request. Two
 * resends at most: several pooled connections may have gone idle-stale together.
 */
export async function sendOnLiveConnection<T>(send: () => Promise<T>, signal?: { readonly aborted: boolean }): Promise<T> {
  for (let resends = 0; ; resends++) {
    try {
      return await send();
    } catch (err) {
      if (resends >= 2 || !closedWhileIdle(err) || signal?.aborted) throw err;
    }
  }
}
