/**
 * Webview CSP: the HTML the dashboard panel and sidebar render (extension/src/dashboard/panel.ts →
 * connectWebview → dashboardHtml) allows no inline script and no remote origin. panel.ts itself imports
 * `vscode`, so the pure renderer is exercised with the values VS Code supplies, and the wiring in
 * panel.ts is checked from its source.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dashboardHtml } from '../../extension/src/dashboard/html';
import { createNonce } from '../../extension/src/dashboard/nonce';

// What webview.cspSource and asWebviewUri look like in VS Code desktop.
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const res = (p: string) => `${CSP_SOURCE}/ext/dist/webview/${p}`;

function render(nonce = createNonce(), view: 'panel' | 'sidebar' = 'panel') {
  return dashboardHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: res('main.js'), styleUri: res('main.css'), view });
}

function cspOf(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  expect(metas).toHaveLength(1);
  const decoded = metas[0]![1]!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return new Map(
    decoded
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map((p) => [p[0]!.toLowerCase(), p.slice(1)]),
  );
}

describe('dashboard webview CSP', () => {
  it('default-src is none and script-src allows only the per-render nonce (no inline, eval, host or scheme)', () => {
    const nonce = createNonce();
    const csp = cspOf(render(nonce));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual([`'nonce-${nonce}'`]);
    expect(csp.has('script-src-elem')).toBe(false);
    expect(csp.has('script-src-attr')).toBe(false);
    // Without connect-src/frame-src/worker-src, default-src 'none' forbids fetch, frames and workers.
    for (const d of ['connect-src', 'frame-src', 'child-src', 'worker-src', 'form-action']) expect(csp.has(d), d).toBe(false);
  });

  it('no directive allows a remote origin, a wildcard or unsafe-* (only the webview’s own resource origin)', () => {
    for (const [directive, sources] of cspOf(render())) {
      for (const s of sources) {
        const allowed = s === "'none'" || s === CSP_SOURCE || /^'nonce-[A-Za-z0-9+/=]+'$/.test(s) || (directive === 'img-src' && s === 'data:');
        expect(allowed, `${directive} ${s}`).toBe(true);
      }
    }
  });

  it('the page has no inline script or event-handler attribute, and every script is the bundled file with the nonce', () => {
    fc.assert(
      fc.property(fc.constantFrom<'panel' | 'sidebar'>('panel', 'sidebar'), (view) => {
        const nonce = createNonce();
        const html = render(nonce, view);
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
        expect(scripts.length).toBeGreaterThan(0);
        for (const [, attrs, body] of scripts) {
          expect(body!.trim()).toBe('');
          expect(attrs).toContain(`src="${res('main.js')}"`);
          expect(attrs).toContain(`nonce="${nonce}"`);
        }
        expect(html).not.toMatch(/\son[a-z]+\s*=/i);
        expect(html).not.toMatch(/javascript:/i);
      }),
      { numRuns: 4 },
    );
  });

  it('nonces are fresh per render', () => {
    const a = cspOf(render()).get('script-src');
    const b = cspOf(render()).get('script-src');
    expect(a).not.toEqual(b);
  });

  it('panel.ts renders through dashboardHtml with webview.cspSource and a fresh nonce', () => {
    const src = readFileSync(new URL('../../extension/src/dashboard/panel.ts', import.meta.url), 'utf8');
    const body = src.slice(src.indexOf('export function connectWebview'));
    expect(body).toMatch(/webview\.html = dashboardHtml\(\{/);
    expect(body).toMatch(/cspSource:\s*webview\.cspSource/);
    expect(body).toMatch(/nonce:\s*createNonce\(\)/);
    expect(body).toMatch(/asWebviewUri/);
  });
});
