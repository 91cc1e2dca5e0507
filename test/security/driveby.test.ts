/**
 * Drive-by spending through a real headless Chromium: a page served from another 127.0.0.1 port
 * fires the three preflight-free request kinds a hostile web page can send (fetch no-cors with a
 * text/plain JSON body, an HTML form with enctype=text/plain forging a JSON body, and
 * navigator.sendBeacon) at the proxy's provider routes. The proxy holds a key in its environment.
 * Nothing may reach the fake upstream. As a control, the page fires the same three at the fake
 * upstream directly, proving the browser really sends them and the upstream would count them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM, launchChromium } from '../webview/support/webviewPage';
import { startHarness, type Harness } from '../support/harness';

if (!chromiumAvailable) console.warn(`drive-by browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

const CHAT = (marker: string) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: marker }] });
const MESSAGES = (marker: string) => JSON.stringify({ model: 'claude-3-5-haiku-latest', max_tokens: 16, messages: [{ role: 'user', content: marker }] });

/** The attacker's page: fires at `target` (the proxy, or the upstream as the control). */
function attackPage(proxy: string, upstream: string): string {
  const chat = CHAT('attack');
  const messages = MESSAGES('attack');
  const control = CHAT('control');
  // The form forges a JSON body: text/plain encodes "name=value", so the name carries the JSON
  // up to a padding field whose value closes it.
  const formFor = (action: string, json: string, id: string) => {
    const name = `${json.slice(0, -1)},"pad":"`;
    return `<form id="${id}" method="POST" action="${action}" enctype="text/plain" target="${id}-frame"><input type="hidden" name='${name.replace(/'/g, '&#39;')}' value='"}'></form><iframe name="${id}-frame" id="${id}-frame"></iframe>`;
  };
  return `<!doctype html><html><body>
${formFor(`${proxy}/v1/messages`, messages, 'attack-form')}
${formFor(`${upstream}/v1/chat/completions`, control, 'control-form')}
<script>
window.fire = async () => {
  const submit = (id) => new Promise((resolve) => {
    document.getElementById(id + '-frame').addEventListener('load', () => resolve(), { once: true });
    document.getElementById(id).submit();
  });
  const results = {};
  results.fetch = await fetch(${JSON.stringify(`${proxy}/v1/chat/completions`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(chat)} }).then((r) => r.type, (e) => String(e));
  await submit('attack-form');
  results.beacon = navigator.sendBeacon(${JSON.stringify(`${proxy}/v1/chat/completions`)}, ${JSON.stringify(chat)});
  results.controlFetch = await fetch(${JSON.stringify(`${upstream}/v1/chat/completions`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(control)} }).then((r) => r.type, (e) => String(e));
  await submit('control-form');
  results.controlBeacon = navigator.sendBeacon(${JSON.stringify(`${upstream}/v1/chat/completions`)}, ${JSON.stringify(control)});
  return results;
};
</script></body></html>`;
}

async function refusedCount(h: Harness): Promise<number> {
  const text = await (await fetch(`${h.proxy.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('tollgate_refused_requests_total{reason="browser"}'));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function until(check: () => boolean | Promise<boolean>, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe.skipIf(!chromiumAvailable)('a web page cannot spend the key (real Chromium)', () => {
  let h: Harness;
  let page: Server;
  let pageUrl: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    h = await startHarness({}, { env: { OPENAI_API_KEY: 'sk-owner-key-0123456789', ANTHROPIC_API_KEY: 'sk-ant-owner-key-0123456789' } });
    const html = attackPage(h.proxy.url, h.upstream.url);
    page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.dispose();
    await new Promise<void>((r) => page?.close(() => r()));
    await h?.close();
  });

  it('fetch no-cors, a form post and sendBeacon reach the proxy but nothing is forwarded', async () => {
    const tab = await browser.browser.newPage();
    await tab.goto(pageUrl);
    const results = (await tab.evaluate('window.fire()')) as Record<string, unknown>;
    expect(results.fetch).toBe('opaque');
    expect(results.beacon).toBe(true);
    const userText = (r: { body: unknown }) => JSON.stringify(r.body);
    // Control: the same three requests fired at the upstream directly all arrive there.
    expect(await until(() => h.upstream.requests.filter((r) => userText(r).includes('control')).length === 3)).toBe(true);
    // The three attack requests arrived at the proxy and were refused there.
    expect(await until(async () => (await refusedCount(h)) === 3)).toBe(true);
    expect(h.upstream.requests.filter((r) => userText(r).includes('attack'))).toEqual([]);
    expect(h.proxy.services.ledger.page({}, 10).total).toBe(0);
    await tab.close();
  });
});
