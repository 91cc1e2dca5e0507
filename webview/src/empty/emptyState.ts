/**
 * Shown while the proxy has recorded no call: exactly how to point an app at it, with copy
 * buttons (copying goes through the extension, which owns the clipboard).
 */
import { h } from '../dom';
import { onboarding } from './snippets';

export function emptyState(proxyUrl: string, copy: (text: string) => void, compact = false): HTMLElement {
  const o = onboarding(proxyUrl);
  const copyButton = (text: string, label: string) =>
    h('vscode-button', { class: 'copy', attrs: { secondary: true, title: `Copy ${label}`, 'aria-label': `Copy ${label}` }, on: { click: () => copy(text) } }, 'Copy');
  const urlRow = (label: string, url: string, id: string) =>
    h('div', { class: 'url-row', dataset: { url: id } }, h('span', { class: 'url-label' }, label), h('code', { class: 'url' }, url), copyButton(url, `${label} base URL`));

  const snippets = compact
    ? []
    : o.snippets.map((s) =>
        h(
          'figure',
          { class: 'snippet', dataset: { snippet: s.id } },
          h('figcaption', null, h('span', null, s.title), copyButton(s.code, s.title)),
          h('pre', null, h('code', { class: `lang-${s.language}` }, s.code)),
        ),
      );

  return h(
    'section',
    { class: `empty-state${compact ? ' compact' : ''}`, attrs: { 'aria-label': 'Getting started' } },
    h('h2', null, 'No calls yet — point your app at Tollgate'),
    h(
      'p',
      null,
      'Tollgate is running at ',
      h('code', null, proxyUrl),
      '. Change only the base URL of your OpenAI or Anthropic client; your API key still comes from your app (or from the proxy’s OPENAI_API_KEY / ANTHROPIC_API_KEY). Calls appear here live.',
    ),
    urlRow('OpenAI SDKs', o.openaiBaseUrl, 'openai'),
    urlRow('Anthropic SDK', o.anthropicBaseUrl, 'anthropic'),
    compact ? null : h('div', { class: 'snippets' }, ...snippets),
    h('p', { class: 'muted waiting' }, h('span', { class: 'pulse', attrs: { 'aria-hidden': 'true' } }), 'Waiting for the first call…'),
  );
}
