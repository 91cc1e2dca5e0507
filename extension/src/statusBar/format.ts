/** Status bar text and tooltips from the proxy state and today's summary. Pure (no `vscode`). */
import type { SummaryBucket } from '@contract/api';
import type { ProxyState } from '../proxy/state';
import type { AlertAction, StatusAlert } from './alerts';

import { formatPercent, formatUsd } from '@contract/format';
import { iconText } from '../util/iconText';

export function hitRate(totals: Pick<SummaryBucket, 'calls' | 'hits'>): number | undefined {
  return totals.calls > 0 ? totals.hits / totals.calls : undefined;
}

/** Epoch ms of the last local midnight: "today" as the user sees it. */
export function localMidnight(now: number = Date.now()): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** 'error' | 'warning' colour the item; undefined is the normal colour. */
  tone?: 'error' | 'warning';
  /** What a click runs when it is not the proxy menu: the action that fixes the problem shown. */
  action?: AlertAction;
  /** Screen-reader label: the text in words, never icon names like "pass-filled". */
  ariaLabel: string;
}

/** "$(pass-filled) Tollgate $0.01 today" → "Tollgate $0.01 today". */
export function withoutIcons(text: string): string {
  return text.replace(/\$\([a-z0-9~-]+\)\s*/gi, '').trim();
}

/** The status bar's and the warning's words for a process on the port that cannot prove it is this user's proxy. */
export function strangerOnPort(port: number): string {
  return `Port ${port} is served by a process this window did not start, and it cannot prove it is your Tollgate proxy. Apps pointed at http://127.0.0.1:${port} would send it their API keys.`;
}

export function statusView(state: ProxyState, today?: SummaryBucket, alerts: readonly StatusAlert[] = []): StatusView {
  const view = baseView(state, today, alerts);
  return { ...view, ariaLabel: view.ariaLabel ?? withoutIcons(view.text) };
}

function baseView(state: ProxyState, today: SummaryBucket | undefined, alerts: readonly StatusAlert[]): Omit<StatusView, 'ariaLabel'> & { ariaLabel?: string } {
  const policy = alerts.find((a) => a.kind === 'policy');
  switch (state.kind) {
    case 'stopped':
      return { text: '$(circle-slash) Tollgate: stopped', tooltip: 'The Tollgate proxy is stopped. Click to start it.' };
    case 'starting':
      return { text: '$(loading~spin) Tollgate: starting', tooltip: 'Starting the Tollgate proxy…' };
    case 'restarting':
      return {
        text: '$(loading~spin) Tollgate: restarting',
        tooltip: `The proxy ${state.reason}; restarting in ${Math.round(state.inMs / 100) / 10} s (attempt ${state.attempt}).`,
        tone: 'warning',
      };
    case 'failed': {
      if (state.reason === 'bad-policy' && policy) {
        const tooltip = `${state.message}\n${policy.detail}\nClick to ${policy.action.title}; the proxy restarts by itself once the file is valid.`;
        return { text: '$(error) Tollgate: policy error', tooltip, tone: 'error', action: policy.action, ariaLabel: `Tollgate: the proxy did not start. ${policy.detail} Activate to ${policy.action.title}.` };
      }
      return { text: '$(error) Tollgate: failed', tooltip: `${state.message} Click for options.`, tone: 'error', ariaLabel: `Tollgate failed. ${state.message}` };
    }
    case 'running': {
      // A stranger's port (whatever its /healthz claims): its "today" never loads, and the base URLs would send apps' keys to it.
      if (state.attached && state.verified === false) {
        return { text: `$(warning) Tollgate: port ${state.port} not verified`, tooltip: `${strangerOnPort(state.port)}\nClick to Open Settings.`, tone: 'warning', action: { title: 'Open Settings', command: 'workbench.action.openSettings', args: ['tollgate.proxy.port'] } };
      }
      if (state.dataFileProblem) return dataFileProblemView(state, state.dataFileProblem.message);
      const spend = today ? formatUsd(today.costUsd) : '…';
      const rate = today ? hitRate(today) : undefined;
      const alert = alerts[0];
      const parts = [`${alert ? '$(warning)' : '$(pass-filled)'} Tollgate ${spend} today`];
      // The alert's words may quote a provider's name from the ledger: no icon of theirs in the status bar.
      if (alert) parts.push(iconText(alert.short));
      else if (rate !== undefined) parts.push(`${formatPercent(rate)} cached`);
      const lines = [
        `Tollgate proxy running on ${state.url}${state.attached ? ' (started elsewhere)' : ''}${state.version ? ` — v${state.version}` : ''}`,
        `OpenAI base URL: ${state.url}/v1 · Anthropic base URL: ${state.url}`,
      ];
      if (today) {
        lines.push(
          `Today: ${today.calls.toLocaleString('en-US')} call${today.calls === 1 ? '' : 's'}, ${formatUsd(today.costUsd)} spent, ${formatUsd(today.savedUsd)} saved by the cache` +
            (rate !== undefined ? `, ${formatPercent(rate)} cache hits` : ''),
        );
      }
      const spoken = [`Tollgate ${today ? `${spend} spent today` : 'running'}`];
      if (rate !== undefined) spoken.push(`${formatPercent(rate)} of calls answered from the cache`);
      if (alert) {
        lines.unshift(...alerts.map((a) => `⚠ ${a.detail}`), '');
        lines.push(`Click to ${alert.action.title}.`);
        return {
          text: parts.join(' · '),
          tooltip: lines.join('\n'),
          tone: 'warning',
          action: alert.action,
          ariaLabel: `Warning: ${alert.detail} Activate to ${alert.action.title}. ${spoken.join(', ')}.`,
        };
      }
      lines.push('Click for proxy actions.');
      return { text: parts.join(' · '), tooltip: lines.join('\n'), ariaLabel: `${spoken.join(', ')}. Activate for proxy actions.` };
    }
  }
}

/**
 * A proxy whose data file a newer Tollgate migrated: it answers /healthz but refuses every call, so
 * "running" with today's spend would mislead. The action restarts it on the newer build: reloading
 * the window that started it (the updated extension starts its own); a proxy started elsewhere is
 * restarted there, so its log is what this window can show.
 */
function dataFileProblemView(state: Extract<ProxyState, { kind: 'running' }>, message: string): Omit<StatusView, 'ariaLabel'> & { ariaLabel: string } {
  const action: AlertAction = state.attached ? { title: 'Show Proxy Log', command: 'tollgate.showProxyLog' } : { title: 'Reload Window', command: 'workbench.action.reloadWindow' };
  return {
    text: '$(error) Tollgate: restart needed',
    tooltip: `${message}\nClick to ${action.title}.`,
    tone: 'error',
    action,
    ariaLabel: `Tollgate: restart needed, calls are refused. ${message} Activate to ${action.title}.`,
  };
}
