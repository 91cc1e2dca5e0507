/** Headline figures for a range (from the proxy's Summary totals). */
import { h, replace } from '../dom';
import { formatPercent, formatTokens, formatUsd } from '../format';
import type { CallRecord, SummaryBucket } from '../protocol';

export class Kpis {
  readonly element: HTMLElement;

  constructor(private readonly compact = false) {
    this.element = h('section', { class: `kpis${compact ? ' compact' : ''}`, attrs: { 'aria-label': 'Totals' } });
  }

  /** The figures shown: the last summary plus the live calls counted since. */
  private totals: SummaryBucket | undefined;
  /** Live calls already added to `totals` (a call is counted once, however often it arrives). */
  private readonly counted = new Set<number>();

  /** Figures from a summary of the proxy's ledger: they replace the running totals. */
  set(t: SummaryBucket | undefined): void {
    this.totals = t ? { ...t } : undefined;
    this.counted.clear();
    this.render();
  }

  /**
   * Live calls, counted at once: the headline moves with the table and the status bar instead of
   * one summary refresh later. The next summary replaces these figures with the ledger's own.
   * Calls before `from` (outside the range shown) are left out.
   */
  addCalls(calls: readonly CallRecord[], from = 0): void {
    const t = this.totals;
    if (!t) return;
    let changed = false;
    for (const c of calls) {
      if (this.counted.has(c.id) || c.ts < from) continue;
      this.counted.add(c.id);
      t.calls += 1;
      t.costUsd += c.costUsd;
      t.savedUsd += c.savedUsd;
      t.inputTokens += c.inputTokens;
      t.outputTokens += c.outputTokens;
      if (c.cache === 'exact' || c.cache === 'semantic') t.hits += 1;
      changed = true;
    }
    if (changed) this.render();
  }

  private render(): void {
    const t = this.totals;
    const tile = (id: string, label: string, value: string, sub?: string, tone?: string) =>
      h('div', { class: `kpi${tone ? ` ${tone}` : ''}`, dataset: { kpi: id } }, h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value num' }, value), sub ? h('span', { class: 'kpi-sub muted' }, sub) : null);
    if (!t) {
      replace(this.element, tile('spend', 'Spend', '…'), tile('saved', 'Saved', '…'), tile('hit', 'Cache hit rate', '…'), tile('calls', 'Calls', '…'));
      return;
    }
    const hitRate = t.calls ? t.hits / t.calls : 0;
    replace(
      this.element,
      tile('spend', 'Spend', formatUsd(t.costUsd)),
      tile('saved', 'Saved by cache', formatUsd(t.savedUsd), t.costUsd + t.savedUsd > 0 ? `${formatPercent(t.savedUsd / (t.costUsd + t.savedUsd))} of would-be spend` : undefined, t.savedUsd > 0 ? 'good' : undefined),
      tile('hit', 'Cache hit rate', formatPercent(hitRate), `${t.hits} of ${t.calls}`),
      tile('calls', 'Calls', t.calls.toLocaleString('en-US'), this.compact ? undefined : `${formatTokens(t.inputTokens)} in · ${formatTokens(t.outputTokens)} out`),
    );
  }
}
