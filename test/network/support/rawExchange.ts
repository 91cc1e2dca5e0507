/**
 * One exchange on a raw socket, for requests an HTTP client will not send (two Host lines, a
 * Transfer-Encoding of its own, HEAD with pipelining, malformed heads): writes `bytes` once
 * connected and resolves with everything the server sent until it closed, read as latin1 so
 * status lines and bodies compare as text. A server that never closes is cut after `closeWithinMs`.
 */
import { connect } from 'node:net';

export function rawExchange(port: number, bytes: string | Buffer, closeWithinMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    socket.on('error', reject);
    const timer = setTimeout(() => socket.destroy(), closeWithinMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}
