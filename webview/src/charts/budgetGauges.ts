/** Budget gauges: spent so far, and the proxy's forecast to the end of the period as a marker. */
import { h, replace } from '../dom';
import { budgetPercent, formatBudgetUse } from '@contract/format';
import { formatUsd } from '../format';
import type { BudgetStatus } from '../protocol';
import { readPalette, type ChartPalette } from './palette';

export type BudgetLevel = 'ok' | 'warn' | 'exceeded';

/** Pure: how a budget reads, from its ratio and forecast. */
export function budgetLevel(b: BudgetStatus): BudgetLevel {
  if (b.ratio >= 1) return 'exceeded';
  // The budget's own warnAt, as the proxy's alerts use it (a fixed 80 % disagreed with `warnAt: 0.5`).
  if (b.ratio >= (b.warnAt ?? 0.8) || (b.limitUsd !== undefined && b.forecastUsd > b.limitUsd)) return 'warn';
  return 'ok';
}

/**
 * Pure: the figures under a gauge. The bar shows `ratio`, the tighter of the $ and token limits, so
 * a budget with both shows both figures; the $ forecast marker sits on the bar only when the $
 * limit is the one it shows (next to a token-driven fill it would point at the wrong scale).
 */
export function budgetFigures(b: BudgetStatus): { spent: string; forecastRatio: number | undefined } {
  // A limit of 0 is full from the start (as the proxy's ratio has it), not absent.
  const share = (n: number, limit: number | undefined) => (limit === undefined ? undefined : limit > 0 ? n / limit : 1);
  const usdRatio = share(b.spentUsd, b.limitUsd);
  const tokenRatio = share(b.spentTokens, b.limitTokens);
  const usdShown = usdRatio !== undefined && (tokenRatio === undefined || usdRatio >= tokenRatio);
  return { spent: formatBudgetUse(b), forecastRatio: usdShown ? share(b.forecastUsd, b.limitUsd) : undefined };
}

function resetsIn(resetsAt: number, now: number): string {
  const ms = resetsAt - now;
  if (ms <= 0) return 'resetting';
  const hrs = ms / 3_600_000;
  if (hrs < 1) return `resets in ${Math.ceil(ms / 60_000)} min`;
  if (hrs < 48) return `resets in ${Math.round(hrs)} h`;
  return `resets in ${Math.round(hrs / 24)} d`;
}

export class BudgetGauges {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private last: { budgets: BudgetStatus[]; now: number } | undefined;
  private resetTimer: ReturnType<typeof setTimeout> | undefined;

  /** `onReset`: read the budgets again (a period ended: the gauge said "resetting" until the next periodic read). */
  constructor(private readonly compact = false, private readonly onReset?: () => void) {
    this.list = h('div', { class: 'gauges' });
    this.element = h('section', { class: 'chart budgets', attrs: { 'data-chart': 'budgets', 'aria-label': 'Budgets' } }, h('h3', { class: 'figcaption' }, 'Budgets'), this.list);
  }

  /** Theme changed: colours are resolved against the card, so draw again. */
  retheme(): void {
    if (this.last) this.setBudgets(this.last.budgets, Date.now());
  }

  setBudgets(budgets: BudgetStatus[], now = Date.now()): void {
    this.last = { budgets, now };
    clearTimeout(this.resetTimer);
    // A second after the first reset; none for one already past (the proxy's clock is behind: no re-read loop).
    const next = Math.min(...budgets.map((b) => b.resetsAt).filter((t) => t > now));
    if (this.onReset && next < Infinity) this.resetTimer = setTimeout(this.onReset, Math.min(next - now + 1_000, 2_147_483_647));
    if (!budgets.length) {
      replace(this.list, h('p', { class: 'muted' }, 'No budgets in the policy file. Add a "budgets:" section to cap spend per team, feature or user.'));
      return;
    }
    const palette = readPalette(this.element);
    replace(this.list, ...budgets.map((b) => this.gauge(b, now, palette)));
  }

  private gauge(b: BudgetStatus, now: number, palette: ChartPalette): HTMLElement {
    const level = budgetLevel(b);
    const { spent: spentText, forecastRatio } = budgetFigures(b);
    // Whole percent rounded down below the limit: 99.6 % read "100%" on an amber gauge the proxy had not closed.
    const pct = budgetPercent(b.ratio);
    const fill = h('span', { class: `gauge-fill ${level}` });
    fill.style.width = `${Math.min(100, b.ratio * 100)}%`;
    // Theme colours adjusted to 3:1 against this card (readPalette), the track outlined at 3:1.
    fill.style.background = level === 'exceeded' ? palette.bad : level === 'warn' ? palette.warn : palette.good;
    const track = h('span', {
      class: 'gauge-track',
      // A meter's value must lie within min…max (an exceeded budget reads 100); the text says by how much.
      attrs: {
        role: 'meter',
        'aria-valuemin': 0,
        'aria-valuemax': 100,
        'aria-valuenow': Math.min(100, Math.max(0, pct)),
        'aria-valuetext': `${pct}%, ${spentText}`,
        'aria-label': `Budget ${b.name}`,
      },
    }, fill);
    track.style.background = palette.track;
    track.style.boxShadow = `inset 0 0 0 1px ${palette.trackBorder}`;
    // "over limit" compares with the $ limit, whichever the bar shows (a $0 limit's marker sits at its end).
    const over = b.limitUsd !== undefined && b.forecastUsd > b.limitUsd;
    if (forecastRatio !== undefined) {
      const mark = h('span', { class: `gauge-forecast${over ? ' over' : ''}`, attrs: { title: `forecast ${formatUsd(b.forecastUsd)} at period end` } });
      mark.style.left = `${Math.min(100, forecastRatio * 100)}%`;
      track.appendChild(mark);
    }
    const forecast = b.limitUsd !== undefined ? h('span', { class: over ? 'tone-warn' : 'muted' }, `forecast ${formatUsd(b.forecastUsd)}${over ? ' — over limit' : ''}`) : null;
    return h(
      'div',
      { class: `gauge ${level}`, dataset: { budget: b.name } },
      h('div', { class: 'gauge-head' }, h('strong', null, b.name), h('span', { class: 'muted' }, this.compact ? b.period : `${b.scope} · ${b.period}`), h('span', { class: `num gauge-pct ${level}` }, `${pct}%`)),
      track,
      h('div', { class: 'gauge-foot' }, h('span', null, spentText), forecast, h('span', { class: 'muted' }, resetsIn(b.resetsAt, now))),
    );
  }
}
