/**
 * Loads the built dashboard bundle in headless Debian chromium exactly as VS Code would host it:
 * the HTML shell and CSP from extension/src/dashboard/html.ts, served from 127.0.0.1, with a
 * stand-in for acquireVsCodeApi() that bridges every message to a DashboardHost in this (Node)
 * process — the same host class the real panel uses, over a real DashboardDataSource.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { DashboardDataSource } from '../../../extension/src/dashboard/dataSource';
import { DashboardHost } from '../../../extension/src/dashboard/host';
import { dashboardHtml } from '../../../extension/src/dashboard/html';
import type { DashboardViewKind, HostToWebviewMessage } from '../../../webview/src/protocol';
import type { WebviewTheme } from './themes';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * The browser tests run unless the e2e layer is switched off (TOLLGATE_SKIP_E2E=1) and Chromium is
 * absent: `npm test` installs Chromium first, so a missing browser there is a failure, not a skip.
 */
export const chromiumAvailable = existsSync(CHROMIUM) || process.env.TOLLGATE_SKIP_E2E !== '1';
const root = join(import.meta.dirname, '..', '..', '..');

/**
 * Where a test saves screenshot `name`: docs/screenshots/ only when TOLLGATE_UPDATE_SCREENSHOTS=1
 * asks for new ones (every run rewrote them, a changed PNG in the checkout each time), else the
 * temporary folder, so the capture still runs (Playwright makes the folder).
 */
export function screenshotPath(name: string, update = process.env.TOLLGATE_UPDATE_SCREENSHOTS === '1'): string {
  return join(update ? join(root, 'docs', 'screenshots') : join(tmpdir(), 'tollgate-screenshots'), name);
}

/** Bundle webview/src/main.ts with the options scripts/build.mjs uses, into a private directory. */
async function buildWebviewBundle(): Promise<{ dir: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-webview-'));
  await build({
    absWorkingDir: root,
    entryPoints: { main: 'webview/src/main.ts' },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css', '.ttf': 'file', '.woff2': 'file' },
    sourcemap: true,
    logLevel: 'error',
  });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WebviewServer {
  origin: string;
  close(): Promise<void>;
}

const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2' };

/** Serves the bundle and the HTML shell (a fresh nonce per page load) on 127.0.0.1. */
async function serveWebview(bundleDir: string): Promise<WebviewServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const view = (url.searchParams.get('view') === 'sidebar' ? 'sidebar' : 'panel') as DashboardViewKind;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(dashboardHtml({ cspSource: origin, nonce: randomBytes(16).toString('base64'), scriptUri: `${origin}/main.js`, styleUri: `${origin}/main.css`, view }));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // VS Code webviews have none; keep the console clean
      return;
    }
    const file = join(bundleDir, url.pathname.replace(/^\/+/, ''));
    const ext = Object.keys(types).find((e) => file.endsWith(e));
    if (!file.startsWith(bundleDir) || !ext || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[ext]! });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Playwright gives every launch() a fresh temporary --user-data-dir and removes it on close. */
export async function launchChromium(): Promise<{ browser: Browser; dispose(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return { browser, dispose: () => browser.close() };
}

export interface BrowserSuite {
  browser: Browser;
  server: WebviewServer;
  /** openDashboard() on this suite's browser and server. */
  open(opts: OpenOptions): Promise<DashboardPage>;
}

/**
 * Registers beforeAll/afterAll hooks that build and serve the bundle and launch Chromium (unless
 * it is absent and the suite skipped); the fields are set once the suite's tests run.
 */
export function useBrowser(): BrowserSuite {
  let bundle: { dir: string; dispose(): void } | undefined;
  let chrome: { browser: Browser; dispose(): Promise<void> } | undefined;
  const suite = { open: (opts) => openDashboard(suite.browser, suite.server, opts) } as BrowserSuite;
  beforeAll(async () => {
    if (!chromiumAvailable) return;
    [bundle, chrome] = await Promise.all([buildWebviewBundle(), launchChromium()]);
    suite.browser = chrome.browser;
    suite.server = await serveWebview(bundle.dir);
  }, 120_000);
  afterAll(async () => {
    await chrome?.dispose();
    await suite.server?.close();
    bundle?.dispose();
  });
  return suite;
}

export interface DashboardPage {
  page: Page;
  host: DashboardHost;
  /** Text the webview asked the extension to copy. */
  copied: string[];
  /** How often the sidebar asked to open the full dashboard. */
  openDashboardRequests: number;
  /** Console errors and CSP violations seen in the page. */
  problems: string[];
  setTheme(theme: WebviewTheme): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the dashboard in a new page. `inPageHost`: a script run in the page instead of the Node
 * bridge, defining `window.__tollgateInPageHost(message, reply)` (for synthetic data at scale).
 */
export interface OpenOptions {
  source?: DashboardDataSource;
  view?: DashboardViewKind;
  theme: WebviewTheme;
  viewport?: { width: number; height: number };
  inPageHost?: string;
  /** Install Playwright's clock at this time (it flows on; `page.clock.fastForward` jumps it). */
  clockAt?: number;
}

export async function openDashboard(browser: Browser, server: WebviewServer, opts: OpenOptions): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1400, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  if (opts.clockAt !== undefined) await page.clock.install({ time: opts.clockAt });
  const problems: string[] = [];
  const copied: string[] = [];
  const counters = { openDashboardRequests: 0 };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));

  let host: DashboardHost | undefined;
  if (opts.source) {
    host = new DashboardHost({
      source: opts.source,
      view: opts.view ?? 'panel',
      batchMs: 20,
      post: (m: HostToWebviewMessage) => page.evaluate((msg) => window.postMessage(msg, '*'), m).catch(() => undefined),
      copy: (text) => void copied.push(text),
      openDashboard: () => void counters.openDashboardRequests++,
    });
    const h = host;
    await page.exposeBinding('__tollgateToHost', (_src, msg: unknown) => void h.handle(msg));
  }
  // A string, not a function: the test runner's transpiler would inject helpers the page lacks.
  await page.addInitScript({ content: standInScript(opts.theme) });
  // Evaluated by the DevTools protocol at document start, like the theme above (not subject to the page CSP).
  if (opts.inPageHost) await page.addInitScript({ content: opts.inPageHost });
  await page.goto(`${server.origin}/?view=${opts.view ?? 'panel'}`);
  return {
    page,
    host: host ?? (undefined as unknown as DashboardHost),
    copied,
    get openDashboardRequests() {
      return counters.openDashboardRequests;
    },
    problems,
    async setTheme(theme) {
      await page.evaluate((t) => {
        for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
        document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
        document.body.classList.add(t.bodyClass);
      }, theme);
    },
    async close() {
      host?.dispose();
      await context.close();
    },
  };
}

/**
 * What VS Code does before a webview's own scripts run: theme variables on <html>, the theme class
 * on <body>, and acquireVsCodeApi() (callable once) whose postMessage reaches the extension.
 */
function standInScript(theme: WebviewTheme): string {
  return `(() => {
  const theme = ${JSON.stringify(theme)};
  document.addEventListener('DOMContentLoaded', () => {
    for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.add(theme.bodyClass);
    document.body.dataset.vscodeThemeKind = theme.kind;
  });
  document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));
  let state;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may only be called once');
    acquired = true;
    return {
      postMessage(m) {
        if (window.__tollgateInPageHost) window.__tollgateInPageHost(m, (r) => window.postMessage(r, '*'));
        else window.__tollgateToHost(m);
      },
      getState() { return state; },
      setState(s) { state = s; },
    };
  };
})();`;
}

/**
 * Pixels of a chart's canvas drawn in `rgb` (±tolerance, any alpha > 0). uPlot draws series on a
 * transparent canvas, so a series colour shows up unblended.
 */
export async function canvasPixelsOfColour(page: Page, selector: string, rgb: [number, number, number], tolerance = 6): Promise<number> {
  return page.$eval(
    selector,
    (canvas, [r, g, b, tol]) => {
      const c = canvas as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 0 && Math.abs(data[i]! - r!) <= tol! && Math.abs(data[i + 1]! - g!) <= tol! && Math.abs(data[i + 2]! - b!) <= tol!) n++;
      }
      return n;
    },
    [...rgb, tolerance],
  );
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
