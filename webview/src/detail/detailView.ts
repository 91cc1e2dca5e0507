/**
 * One call in detail: the headers Tollgate added, the cost breakdown, the cache source prompt of a
 * semantic hit (with Evict), the routing reason and the budget state.
 */
import { isAuthFailure, isBudgetBlock, isInFlightHold, type RouteFeedbackResult } from '@contract/api';
import { h, replace } from '../dom';
import { formatCache, formatModel, formatMs, formatTokens, formatUsd, isolateBidi } from '../format';
import type { CallDetailView } from '../protocol';
import { routeFeedbackSection, type RouteVerdict } from './routeFeedback';

export interface DetailActions {
  evict(entryId: number): Promise<void>;
  /** Routing verdict on this call (writes a team exemplar); absent where the host cannot send it. */
  routeFeedback?(callId: number, verdict: RouteVerdict): Promise<RouteFeedbackResult>;
  copy(text: string): void;
  close(): void;
}

/** The x-tollgate-* headers of a header map, sorted. Pure. */
export function tollgateHeaders(headers: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(headers ?? {})
    .filter(([k]) => k.toLowerCase().startsWith('x-tollgate-'))
    .map(([k, v]): [string, string] => [k.toLowerCase(), v])
    .sort(([a], [b]) => a.localeCompare(b));
}

/**
 * When the proxy did not keep the response headers of a call, the x-tollgate-* values it sent
 * follow from the ledger record itself; shown labelled as such. Pure.
 */
export function headersFromRecord(call: CallDetailView['call']): Array<[string, string]> {
  const fromCache = call.cache === 'exact' || call.cache === 'semantic';
  const rows: Array<[string, string | undefined]> = [
    ['x-tollgate-budget', call.budget],
    ['x-tollgate-cache', call.cache],
    ['x-tollgate-cost-usd', String(call.costUsd)],
    ['x-tollgate-overhead-ms', String(call.overheadMs)],
    ['x-tollgate-request-id', call.requestId],
    ['x-tollgate-route', call.route],
    ['x-tollgate-saved-usd', fromCache ? String(call.savedUsd) : undefined],
    ['x-tollgate-similarity', call.similarity !== undefined ? call.similarity.toFixed(4) : undefined],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

function kv(rows: Array<[string, string | Node]>, cls = 'kv'): HTMLElement {
  return h('dl', { class: cls }, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

export function renderDetail(view: CallDetailView, actions: DetailActions): HTMLElement {
  const { call, breakdown } = view;
  const fromCache = call.cache === 'exact' || call.cache === 'semantic';
  const uncached = Math.max(0, call.inputTokens - call.cachedTokens - call.cacheWriteTokens);
  const est = call.tokensEstimated ? ' (estimated)' : '';

  const costRows: Array<[string, string]> = [
    ['Input tokens', `${formatTokens(call.inputTokens)}${est}${call.cachedTokens || call.cacheWriteTokens ? ` — ${formatTokens(uncached)} new, ${formatTokens(call.cachedTokens)} prompt-cache read, ${formatTokens(call.cacheWriteTokens)} cache write` : ''}`],
    ['Output tokens', `${formatTokens(call.outputTokens)}${est}`],
  ];
  if (breakdown.priced) {
    const would = fromCache ? ' (would have cost)' : '';
    costRows.push(['Input $', `${formatUsd(breakdown.inputUsd)}${would}`], ['Output $', `${formatUsd(breakdown.outputUsd)}${would}`]);
    costRows.push([`Total (${fromCache ? 'would have cost' : 'cost'})`, formatUsd(breakdown.totalUsd)]);
    if (breakdown.matchedModel) costRows.push(['Priced as', breakdown.matchedModel]);
  } else {
    costRows.push(['Price', `no known price for ${call.modelUsed || call.modelRequested} — cost reads $0`]);
  }
  costRows.push(['Charged', formatUsd(call.costUsd)]);
  if (call.savedUsd > 0) costRows.push(['Saved', formatUsd(call.savedUsd)]);

  const recorded = tollgateHeaders(call.responseHeaders);
  const added = recorded.length ? recorded : headersFromRecord(call);
  const sent = tollgateHeaders(call.requestHeaders);

  const sections: Array<HTMLElement | null> = [
    h(
      'header',
      { class: 'detail-head' },
      h('h2', null, formatModel(call)),
      h('vscode-button', { class: 'close', attrs: { secondary: true, 'aria-label': 'Close detail' }, on: { click: () => actions.close() } }, 'Close'),
    ),
    kv([
      ['Time', new Date(call.ts).toLocaleString()],
      ['Request id', call.requestId],
      ['Endpoint', `${call.provider} ${call.endpoint}${call.stream ? ' (stream)' : ''}`],
      ['Status', `${call.status}${call.errorType ? ` ${call.errorType}` : ''}`],
      ['Cache', formatCache(call)],
      ['Latency', `${formatMs(call.latencyMs)} (Tollgate overhead ${formatMs(call.overheadMs)})`],
      ['Tags', ['feature', 'team', 'user'].map((k) => `${k}=${isolateBidi(call.tags?.[k as 'team'] ?? '–')}`).join('  ')],
      ['Attempt', String(call.attempt)],
    ]),
    failureHint(call),
    h('section', { class: 'detail-cost' }, h('h3', null, 'Cost breakdown'), kv(costRows)),
    call.route ? h('section', { class: 'detail-route' }, h('h3', null, 'Routed'), h('p', null, `${isolateBidi(call.modelRequested)} → ${isolateBidi(call.modelUsed)}`), h('pre', null, call.route)) : null,
    routeFeedbackSection(call.route, actions.routeFeedback ? (v) => actions.routeFeedback!(call.id, v) : undefined),
    call.budget ? h('section', { class: 'detail-budget' }, h('h3', null, 'Budget'), h('p', null, call.budget)) : null,
    fromCache ? cacheSourceSection(view, actions) : null,
    call.promptPreview ? h('section', null, h('h3', null, 'Prompt (preview)'), h('pre', { class: 'prompt' }, call.promptPreview)) : null,
    h(
      'section',
      { class: 'detail-headers' },
      h('h3', null, 'Headers Tollgate added'),
      recorded.length ? null : h('p', { class: 'muted' }, 'As derived from the ledger record (the proxy did not keep this response’s headers).'),
      kv(added, 'kv headers'),
      sent.length ? h('h3', null, 'Tollgate headers the client sent') : null,
      sent.length ? kv(sent, 'kv headers') : null,
    ),
  ];
  return h('div', { class: 'detail', dataset: { callId: String(call.id) } }, ...sections);
}

/**
 * What to do about a failed call, with the command that fixes it: the webview allows command
 * links to exactly these commands (enableCommandUris in the panel and sidebar options).
 */
function failureHint(call: CallDetailView['call']): HTMLElement | null {
  if (isAuthFailure(call)) {
    return h('p', { class: 'hint detail-hint', attrs: { role: 'note' } },
      `The provider rejected the request's API key (${call.status}): it is missing or invalid. `,
      h('a', { attrs: { href: 'command:tollgate.setProviderKey' } }, 'Set Provider API Key'),
      ' stores one in your OS keychain for the proxy, or send a key from your app.');
  }
  if (isBudgetBlock(call) && isInFlightHold(call.budget)) {
    return h('p', { class: 'hint detail-hint', attrs: { role: 'note' } },
      'Tollgate held this call for a moment: calls still in flight reserve their worst case against a budget, ' +
        'and this one did not fit beside them. It was not sent to the provider; the client was told to retry in 2 seconds. ' +
        'The budget itself is not used up.');
  }
  if (isBudgetBlock(call)) {
    return h('p', { class: 'hint detail-hint', attrs: { role: 'note' } },
      'Tollgate refused this call because a budget is used up; it was not sent to the provider. ',
      h('a', { attrs: { href: 'command:tollgate.openPolicy' } }, 'Open Policy'),
      ' to change the budget, or wait until it resets.');
  }
  return null;
}

/** Where a cache hit's answer came from, with Evict (a bad semantic match, a stale exact answer). */
function cacheSourceSection(view: CallDetailView, actions: DetailActions): HTMLElement {
  const { call } = view;
  const status = h('span', { class: 'muted evict-status', attrs: { role: 'status' } });
  const entryId = call.sourceEntryId;
  const button =
    entryId !== undefined
      ? h(
          'vscode-button',
          {
            class: 'evict',
            attrs: { title: 'Remove this cache entry so the next similar prompt goes upstream' },
            on: {
              click: (ev) => {
                const b = ev.currentTarget as HTMLElement;
                b.setAttribute('disabled', '');
                replace(status, 'Evicting…');
                actions.evict(entryId).then(
                  () => replace(status, `Evicted cache entry ${entryId}.`),
                  (err: Error) => {
                    b.removeAttribute('disabled');
                    replace(status, `Evict failed: ${err.message}`);
                  },
                );
              },
            },
          },
          'Evict',
        )
      : null;
  const semantic = call.cache === 'semantic';
  return h(
    'section',
    { class: semantic ? 'detail-cache detail-semantic' : 'detail-cache' },
    h('h3', null, semantic ? `Answered from a similar prompt (similarity ${call.similarity?.toFixed(3) ?? '?'})` : 'Answered from an identical earlier request'),
    semantic
      ? view.call.sourcePrompt
        ? h('pre', { class: 'prompt source-prompt' }, view.call.sourcePrompt)
        : h('p', { class: 'muted' }, 'The source prompt is no longer in the cache.')
      : null,
    entryId !== undefined ? h('p', { class: 'muted' }, `Cache entry ${entryId}.`) : null,
    h('div', { class: 'actions' }, button, status),
  );
}
