/**
 * Dashboard webview entry (bundled by scripts/build.mjs to dist/webview/main.js + main.css).
 * The same bundle renders the full panel or the compact sidebar, as the host page says.
 */
import 'uplot/dist/uPlot.min.css';
import './styles/main.css';
import './elements';
import { PanelApp, type PanelState } from './app/panelApp';
import { SidebarApp } from './app/sidebarApp';
import { HostClient } from './ipc/client';

function boot(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  const api = acquireVsCodeApi<PanelState>();
  const client = new HostClient<PanelState>(api);
  if (document.body.dataset.view === 'sidebar') new SidebarApp(client as HostClient<unknown>, root);
  else new PanelApp(client, root);
  client.command({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
