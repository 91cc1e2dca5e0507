/**
 * The dashboard's HTML shell with its Content Security Policy. Pure (no `vscode`), so the browser
 * test serves exactly the page VS Code gets: only the bundled script (by nonce) and stylesheet
 * (from the webview's own origin) may load; no inline script, no remote origin.
 */
import type { DashboardViewKind } from '../../../webview/src/protocol';

export interface DashboardHtmlOptions {
  /** webview.cspSource: the origin the webview's local resources are served from. */
  cspSource: string;
  /** Fresh per render, e.g. crypto.randomBytes(16).toString('base64'). */
  nonce: string;
  /** webview.asWebviewUri(dist/webview/main.js) as a string. */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview/main.css) as a string. */
  styleUri: string;
  view: DashboardViewKind;
  title?: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

export function dashboardHtml(o: DashboardHtmlOptions): string {
  const title = o.title ?? (o.view === 'panel' ? 'Tollgate: Cost Dashboard' : 'Tollgate');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(o.styleUri)}" nonce="${esc(o.nonce)}">
<title>${esc(title)}</title>
</head>
<body data-view="${o.view}">
<main id="app"></main>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>
`;
}
