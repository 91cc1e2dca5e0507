/** Horizontal bars for "spend by model / by feature" (the proxy already aggregated the buckets). */
import { h, replace } from '../dom';
import { formatUsd } from '../format';
import type { SummaryBucket } from '../protocol';

const MAX_ROWS = 8;

/** Top buckets by cost, the rest folded into one "other" row. Pure. */
export function topBuckets(buckets: SummaryBucket[], max = MAX_ROWS): SummaryBucket[] {
  const sorted = [...buckets].sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
  if (sorted.length <= max) return sorted;
  const rest = sorted.slice(max - 1);
  const other = rest.reduce<SummaryBucket>(
    (acc, b) => ({
      key: acc.key,
      calls: acc.calls + b.calls,
      costUsd: acc.costUsd + b.costUsd,
      savedUsd: acc.savedUsd + b.savedUsd,
      inputTokens: acc.inputTokens + b.inputTokens,
      outputTokens: acc.outputTokens + b.outputTokens,
      hits: acc.hits + b.hits,
    }),
    { key: `${rest.length} others`, calls: 0, costUsd: 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 },
  );
  return [...sorted.slice(0, max - 1), other];
}

export class BarList {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;

  constructor(
    id: string,
    title: string,
    private readonly emptyLabel: string,
  ) {
    this.list = h('ol', { class: 'bars' });
    this.element = h('figure', { class: 'chart bar-chart', attrs: { 'data-chart': id } }, h('figcaption', null, title), this.list);
  }

  setBuckets(buckets: SummaryBucket[]): void {
    const rows = topBuckets(buckets);
    if (!rows.length) {
      replace(this.list, h('li', { class: 'muted' }, this.emptyLabel));
      return;
    }
    const max = Math.max(...rows.map((b) => b.costUsd), 1e-12);
    replace(
      this.list,
      ...rows.map((b, i) => {
        const bar = h('span', { class: `bar-fill c${i % 6}` });
        bar.style.width = `${Math.max(0.5, (100 * b.costUsd) / max)}%`;
        return h(
          'li',
          { attrs: { title: `${b.key || '(untagged)'}: ${formatUsd(b.costUsd)} over ${b.calls} calls, ${formatUsd(b.savedUsd)} saved` } },
          h('span', { class: 'bar-label' }, b.key || '(untagged)'),
          h('span', { class: 'bar-track' }, bar),
          h('span', { class: 'bar-value num' }, formatUsd(b.costUsd)),
          h('span', { class: 'bar-calls num muted' }, `${b.calls} calls`),
        );
      }),
    );
  }
}
