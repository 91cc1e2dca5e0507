/**
 * A web app the user allowed (TOLLGATE_ALLOWED_ORIGINS) reading Tollgate's response headers in a
 * real headless Chromium. The proxy sent no Access-Control-Expose-Headers, so the browser hid every
 * `x-tollgate-*` header (what the call cost, whether it was cached) and the upstream's request id
 * from the page's script: `headers.get('x-tollgate-cost-usd')` was null. Only the headers a client
 * needs are exposed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium } from '../webview/support/webviewPage';
import { startHarness, type Harness } from '../support/harness';

if (!chromiumAvailable) console.warn(`CORS expose-headers browser test skipped: ${CHROMIUM} not found`);

const READ = ['x-tollgate-cost-usd', 'x-tollgate-cache', 'x-tollgate-request-id', 'x-request-id', 'content-type'];

describe.skipIf(!chromiumAvailable)('an allowed web app reads the proxy response headers (real Chromium)', () => {
  let h: Harness;
  let page: Server;
  let pageUrl: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>app</body></html>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    h = await startHarness({}, { env: { TOLLGATE_ALLOWED_ORIGINS: pageUrl } });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.dispose();
    await new Promise<void>((r) => page?.close(() => r()));
    await h?.close();
  });

  it("the page's fetch sees the cost, cache status and request ids", async () => {
    const tab = await browser.browser.newPage();
    await tab.goto(`${pageUrl}/`);
    const script = `(async () => {
      const r = await fetch(${JSON.stringify(`${h.openaiBaseUrl}/chat/completions`)}, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-browser-app' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi from a page' }] }),
      });
      await r.text();
      return { status: r.status, headers: Object.fromEntries(${JSON.stringify(READ)}.map((n) => [n, r.headers.get(n)])) };
    })()`;
    const got = (await tab.evaluate(script)) as { status: number; headers: Record<string, string | null> };
    expect(got.status).toBe(200);
    expect(got.headers['x-tollgate-cache']).toBe('miss');
    expect(Number(got.headers['x-tollgate-cost-usd'])).toBeGreaterThan(0);
    expect(got.headers['x-tollgate-request-id']).toMatch(/^tg_/);
    expect(got.headers['x-request-id']).toMatch(/^req_/);
    await tab.close();
  });

  it('exposes only named headers, never the /healthz proof or a wildcard', async () => {
    const r = await fetch(`${h.openaiBaseUrl}/models`, { headers: { origin: pageUrl, authorization: 'Bearer sk-browser-app' } });
    await r.text();
    const exposed = (r.headers.get('access-control-expose-headers') ?? '').split(/\s*,\s*/);
    expect(exposed).toContain('x-tollgate-cost-usd');
    expect(exposed).not.toContain('*');
    expect(exposed).not.toContain('x-tollgate-proof');
    expect(exposed.every((n) => /^(x-tollgate-|x-request-id$|request-id$|retry-after|x-should-retry$|x-ratelimit-|anthropic-ratelimit-)/.test(n))).toBe(true);
  });

  it('an origin that is not allowed gets no CORS headers at all', async () => {
    const r = await fetch(`${h.openaiBaseUrl}/models`, { headers: { origin: 'http://127.0.0.1:1' } });
    await r.text();
    expect(r.status).toBe(403);
    expect(r.headers.get('access-control-expose-headers')).toBeNull();
  });
});
