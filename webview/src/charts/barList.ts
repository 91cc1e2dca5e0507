/** Horizontal bars for "spend by model / by feature" (the proxy already aggregated the buckets). */
import { h, replace } from '../dom';
import { countOf, formatUsd, isolateBidi } from '../format';
import type { SummaryBucket } from '../protocol';
import { readPalette } from './palette';
import { seriesColors } from './seriesColors';

const MAX_ROWS = 8;

/** Top buckets by cost, the rest folded into one "other" row. Pure. */
export function topBuckets(buckets: SummaryBucket[], max = MAX_ROWS): SummaryBucket[] {
  const sorted = [...buckets].sort((a, b) => b.costUsd - a.costUsd || b.calls - a.calls);
  if (sorted.length <= max) return sorted;
  // The proxy's last "N others" bucket (past its MAX_GROUPS) is N keys: folded with the rest, never a top row.
  const proxyOthers = buckets.at(-1)!;
  const n = Number(/^(\d+) others$/.exec(proxyOthers.key)?.[1] ?? 0);
  const named = n ? sorted.filter((b) => b !== proxyOthers) : sorted;
  const rest = [...named.slice(max - 1), ...(n ? [proxyOthers] : [])];
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
    { key: countOf(rest.length + Math.max(0, n - 1), 'other'), calls: 0, costUsd: 0, savedUsd: 0, inputTokens: 0, outputTokens: 0, hits: 0 },
  );
  return [...named.slice(0, max - 1), other];
}

/** A row's tooltip; the name is isolated so its own bidi controls cannot reverse the figures after it. Pure. */
export function barTooltip(b: SummaryBucket): string {
  return `${isolateBidi(b.key || '(untagged)')}: ${formatUsd(b.costUsd)} over ${countOf(b.calls, 'call')}, ${formatUsd(b.savedUsd)} saved`;
}

export class BarList {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private last: SummaryBucket[] = [];

  constructor(
    id: string,
    title: string,
    private readonly emptyLabel: string,
  ) {
    this.list = h('ol', { class: 'bars' });
    this.element = h('figure', { class: 'chart bar-chart', attrs: { 'data-chart': id } }, h('figcaption', null, title), this.list);
  }

  /** Theme changed: colours are resolved against the card, so draw again. */
  retheme(): void {
    this.setBuckets(this.last);
  }

  setBuckets(buckets: SummaryBucket[]): void {
    this.last = buckets;
    const rows = topBuckets(buckets);
    if (!rows.length) {
      replace(this.list, h('li', { class: 'muted' }, this.emptyLabel));
      return;
    }
    const max = Math.max(...rows.map((b) => b.costUsd), 1e-12);
    const palette = readPalette(this.element);
    const folded = buckets.length > MAX_ROWS ? rows.length - 1 : -1;
    replace(
      this.list,
      ...rows.map((b, i) => {
        // A key keeps its colour as rankings change; the folded "N others" row is neutral.
        const colorIndex = i === folded ? -1 : seriesColors.index(b.key);
        const bar = h('span', { class: 'bar-fill', dataset: { color: String(colorIndex) } });
        bar.style.width = `${Math.max(0.5, (100 * b.costUsd) / max)}%`;
        bar.style.background = colorIndex < 0 ? palette.muted : palette.series[colorIndex % palette.series.length]!;
        const track = h('span', { class: 'bar-track' }, bar);
        track.style.background = palette.track;
        return h(
          'li',
          { attrs: { title: barTooltip(b) } },
          h('span', { class: 'bar-label' }, b.key || '(untagged)'),
          track,
          h('span', { class: 'bar-value num' }, formatUsd(b.costUsd)),
          h('span', { class: 'bar-calls num muted' }, countOf(b.calls, 'call')),
        );
      }),
    );
  }
}
