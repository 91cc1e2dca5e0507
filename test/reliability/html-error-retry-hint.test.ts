/**
 * After the proxy's own retries of an upstream error it tells the SDK `x-should-retry: false`, so the
 * SDK's retries do not run the policy's attempts again. An HTML error page (a load balancer's 503)
 * carrying `x-should-retry: true` overrode that, and the SDK retried: three times the upstream calls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let server: Server;
let calls = 0;
let h: Harness;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      res.writeHead(503, { 'content-type': 'text/html', 'x-should-retry': 'true', 'retry-after-ms': '1' });
      res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h = await startHarness({ retries: { attempts: 1, backoffMs: 1, maxBackoffMs: 5 } }, { openai: { baseUrl: `${url}/v1` } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('an HTML error page after the proxy retried says x-should-retry: false, whatever the page said', async () => {
  const res = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-html' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(502);
  expect(calls).toBe(2);
  expect(res.headers.get('x-should-retry')).toBe('false');
  expect(res.headers.get('retry-after-ms')).toBe('1');
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain('text/html');
});
