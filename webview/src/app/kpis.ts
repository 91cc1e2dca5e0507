/** Headline figures for a range (from the proxy's Summary totals). */
import { h, replace } from '../dom';
import { formatPercent, formatTokens, formatUsd } from '../format';
import type { CallRecord, Summary } from '../protocol';
import { LiveTotals } from './liveTotals';

export class Kpis {
  readonly element: HTMLElement;

  constructor(private readonly compact = false) {
    this.element = h('section', { class: `kpis${compact ? ' compact' : ''}`, attrs: { 'aria-label': 'Totals' } });
  }

  /** The figures shown: the last summary plus the live calls it does not cover. */
  private readonly figures = new LiveTotals();

  /** A summary of the proxy's ledger (or none: figures not loaded yet). */
  set(summary: Pick<Summary, 'totals' | 'from' | 'to' | 'lastId'> | undefined): void {
    this.figures.set(summary);
    this.render();
  }

  /** Live calls, counted at once; calls before `from` (outside the range shown) are left out. */
  addCalls(calls: readonly CallRecord[], from = 0): void {
    if (this.figures.add(calls, from)) this.render();
  }

  private render(): void {
    const t = this.figures.current;
    const tile = (id: string, label: string, value: string, sub?: string, tone?: string) =>
      h('div', { class: `kpi${tone ? ` ${tone}` : ''}`, dataset: { kpi: id } }, h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value num' }, value), sub ? h('span', { class: 'kpi-sub muted' }, sub) : null);
    if (!t) {
      replace(this.element, tile('spend', 'Spend', '…'), tile('saved', 'Saved', '…'), tile('hit', 'Cache hit rate', '…'), tile('calls', 'Calls', '…'));
      return;
    }
    replace(
      this.element,
      tile('spend', 'Spend', formatUsd(t.costUsd)),
      tile('saved', 'Saved by cache', formatUsd(t.savedUsd), t.costUsd + t.savedUsd > 0 ? `${formatPercent(t.savedUsd / (t.costUsd + t.savedUsd))} of would-be spend` : undefined, t.savedUsd > 0 ? 'good' : undefined),
      // No calls, nothing to rate: "0 %, 0 of 0" read as a cache that never hits.
      tile('hit', 'Cache hit rate', t.calls ? formatPercent(t.hits / t.calls) : '–', t.calls ? `${t.hits.toLocaleString('en-US')} of ${t.calls.toLocaleString('en-US')}` : undefined),
      tile('calls', 'Calls', t.calls.toLocaleString('en-US'), this.compact ? undefined : `${formatTokens(t.inputTokens)} in · ${formatTokens(t.outputTokens)} out`),
    );
  }
}
