/**
 * A call answered while the proxy stops (a restart by the editor, a policy change, `tollgate
 * start` ended) says `Connection: close`: the proxy closes that connection once it is idle, so a
 * client pool that took the answer's `keep-alive` at its word sent its next call on a socket being
 * closed, and got a reset ("socket hang up", httpx's "Server disconnected") instead of a clean
 * refusal it retries on a new connection.
 */
import { afterAll, expect, it } from 'vitest';
import { startHarness } from '../support/harness';
import { until } from '../reliability/support';
import { rawExchange } from './support/rawExchange';

const h = await startHarness();
afterAll(() => h.close());

it('an answer written during the stop closes its kept-alive connection, in its headers', async () => {
  const json = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'answered while stopping [[fake:slow=300]]' }] });
  const exchange = rawExchange(
    h.proxy.port,
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${h.proxy.port}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-keepalive\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    10_000,
  );
  await until(() => h.upstream.requests.length === 1);
  const stopped = h.proxy.close();
  const raw = await exchange;
  await stopped;
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  expect(head).toMatch(/\r\nconnection: close(\r\n|$)/i);
  expect(head).not.toMatch(/keep-alive/i);
});
