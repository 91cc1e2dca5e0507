/** Status bar text and tooltips from the proxy state and today's summary. Pure (no `vscode`). */
import type { SummaryBucket } from '@contract/api';
import type { ProxyState } from '../proxy/state';

import { formatPercent, formatUsd } from '@contract/format';

export { formatPercent, formatUsd };

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
}

export function statusView(state: ProxyState, today?: SummaryBucket): StatusView {
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
    case 'failed':
      return { text: '$(error) Tollgate: failed', tooltip: `${state.message} Click for options.`, tone: 'error' };
    case 'running': {
      const spend = today ? formatUsd(today.costUsd) : '…';
      const rate = today ? hitRate(today) : undefined;
      const parts = [`$(pass-filled) Tollgate ${spend} today`];
      if (rate !== undefined) parts.push(`${formatPercent(rate)} cached`);
      const lines = [
        `Tollgate proxy running on ${state.url}${state.attached ? ' (started elsewhere)' : ''}${state.version ? ` — v${state.version}` : ''}`,
        `OpenAI base URL: ${state.url}/v1 · Anthropic base URL: ${state.url}`,
      ];
      if (today) {
        lines.push(
          `Today: ${today.calls} call${today.calls === 1 ? '' : 's'}, ${formatUsd(today.costUsd)} spent, ${formatUsd(today.savedUsd)} saved by the cache` +
            (rate !== undefined ? `, ${formatPercent(rate)} cache hits` : ''),
        );
      }
      lines.push('Click for proxy actions.');
      return { text: parts.join(' · '), tooltip: lines.join('\n') };
    }
  }
}
