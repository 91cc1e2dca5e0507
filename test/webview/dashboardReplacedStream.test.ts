/**
 * The dashboard panel in chromium when the proxy comes back somewhere else (another port after
 * "Use Another Port", or this window's own proxy after another window's went away): the proxy
 * controller replaces its event stream, and the panel must leave "offline", load the calls it
 * missed and keep adding live ones — once each — without the user pressing Refresh.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ProxyDashboardSource } from '../../extension/src/dashboard/proxySource';
import { linkToGoneProxy, sendChat, useProxy } from './support/proxySuite';
import { lightTheme } from './support/themes';
import { CHROMIUM, chromiumAvailable, useBrowser } from './support/webviewPage';

if (!chromiumAvailable) console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (scripts/test-setup/30-chromium.mjs installs it)`);

describe.skipIf(!chromiumAvailable)('dashboard panel when the controller replaces its event stream', () => {
  const proxy = useProxy();
  const ui = useBrowser();

  const send = (feature: string) => sendChat(proxy.harness, feature, 'sk-test-replaced');

  /** Feature of every rendered row (the table is virtual: the test's rows all fit on screen). */
  const features = (page: Page) => page.$$eval('.vt-body .vt-row:not([hidden])', (rows) => rows.map((r) => (r.children[1]?.textContent ?? '').split(' / ')[0]!));

  for (const already of [true, false]) {
    it(`reloads and goes live when the new stream is ${already ? 'already connected' : 'still connecting'}`, async () => {
      const { link, deadUrl, replace } = await linkToGoneProxy(100);
      const source = new ProxyDashboardSource(link);
      const d = await ui.open({ source, theme: lightTheme });
      const tag = already ? 'connected' : 'connecting';
      try {
        await d.page.locator('.conn[data-state="offline"]').waitFor();
        await d.page.locator('.errors [data-error="calls"]').waitFor();
        // What to do, in plain words (the text is not markdown: no backticks).
        const waiting = (await d.page.textContent('.loading')) ?? '';
        expect(waiting).toContain('"Tollgate: Start Proxy"');
        expect(waiting).toContain(deadUrl);
        expect(waiting).not.toContain('`');
        // Calls made while the panel still looks at the old port: they must appear after the switch.
        await send(`${tag}-missed`);
        // Already connected: the status bar subscribed first, on the state change.
        await replace(proxy.harness, already ? () => undefined : undefined);
        await d.page.locator('.conn[data-state="connected"]').waitFor({ timeout: 20_000 });
        await d.page.locator('.dashboard:not([hidden])').waitFor({ timeout: 20_000 });
        expect(await d.page.locator('.errors [data-error="calls"]').count()).toBe(0);
        await expect.poll(() => features(d.page), { timeout: 20_000 }).toContain(`${tag}-missed`);
        await send(`${tag}-live`);
        await expect.poll(async () => (await features(d.page)).filter((f) => f.startsWith(tag)), { timeout: 20_000 }).toEqual([`${tag}-live`, `${tag}-missed`]);
        expect(d.problems).toEqual([]);
      } finally {
        await d.close();
        source.dispose();
        link.events.dispose();
      }
    });
  }
});
