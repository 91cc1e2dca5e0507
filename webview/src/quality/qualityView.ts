/**
 * The dashboard card "Semantic cache quality": per feature tag, the measured hit rate and reported
 * false-hit rate (with a per-day sparkline of both) and the operating point feedback has set. Data
 * from the host's `cache/quality` request; the card loads on its own, so an older proxy without
 * the route only empties this card. Pure parts are in qualityData.ts.
 */
import './quality.css';
import { h, replace } from '../dom';
import { formatPercent } from '../format';
import type { SemanticQualityReport } from '../protocol';
import { staticTable, type StaticColumn } from '../table/staticTable';
import { FALSE_HIT_GOAL, qualityRows, sparkline, type QualityRow } from './qualityData';

const SVG = 'http://www.w3.org/2000/svg';
const W = 96;
const H = 22;

export class SemanticQualityView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private seq = 0;

  constructor() {
    this.body = h('div', { class: 'quality-body' }, h('p', { class: 'muted' }, 'Loading…'));
    this.element = h(
      'section',
      { class: 'chart semantic-quality', attrs: { 'data-chart': 'semantic-quality', 'aria-label': 'Semantic cache quality' } },
      h('h3', { class: 'figcaption' }, 'Semantic cache quality'),
      this.body,
    );
  }

  /** Fetches and shows the report since `from`; a late answer from an older request is dropped. */
  async load(fetchReport: (from: number) => Promise<SemanticQualityReport>, from: number): Promise<void> {
    const seq = ++this.seq;
    try {
      const report = await fetchReport(from);
      if (seq === this.seq) this.set(report);
    } catch (err) {
      if (seq === this.seq) replace(this.body, h('p', { class: 'muted' }, `Semantic cache quality unavailable: ${(err as Error).message}`));
    }
  }

  set(report: SemanticQualityReport): void {
    const rows = qualityRows(report);
    if (!rows.length) {
      replace(this.body, h('p', { class: 'muted' }, 'No semantic lookups in this range. Turn on cache.semantic in the policy file to serve answers to paraphrased prompts.'));
      return;
    }
    const maxRate = Math.max(...rows.flatMap((r) => r.points.map((p) => p.hitRate ?? 0)));
    replace(
      this.body,
      staticTable({ class: 'quality-table' }, this.columns(maxRate), rows, (r) => ({ class: `quality-row ${r.level}`, dataset: { feature: r.feature } })),
      h('p', { class: 'muted quality-note' }, 'Report a wrong answer by evicting it (call detail) or with the x-tollgate-feedback: bad-hit header; that feature then needs more certainty.'),
    );
  }

  private columns(maxRate: number): StaticColumn<QualityRow>[] {
    return [
      { label: 'Feature', rowHeader: true, cell: (r) => r.feature },
      { label: 'Lookups', num: true, cell: (r) => r.lookups },
      { label: 'Hit rate', num: true, cell: (r) => `${formatPercent(r.hitRate, 1)} (${r.hits})`, props: () => ({ class: 'quality-hit-rate' }) },
      {
        label: 'False hits',
        num: true,
        title: `Reported false hits per lookup (goal ≤ ${formatPercent(FALSE_HIT_GOAL)})`,
        cell: (r) => `${formatPercent(r.falseHitRate, 1)} (${r.badHits})`,
        props: (r) => ({ class: `quality-false-rate ${r.level}` }),
      },
      {
        label: 'Operating point',
        num: true,
        title: 'Required P(same): the default operating point, moved by feedback',
        cell: (r) => `${r.minProbability.toFixed(3)} ${r.shift === 'default' ? '' : `(${r.shift})`}`.trim(),
        props: (r) => ({ attrs: { title: r.feedback ? `${r.feedback} report(s)` : 'no reports yet' } }),
      },
      { label: 'Per day', cell: (r) => this.spark(r, maxRate) },
    ];
  }

  private spark(r: QualityRow, maxRate: number): SVGSVGElement {
    const svg = svgElement('svg', {
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      class: 'quality-spark',
      role: 'img',
      'aria-label': `${r.feature}: hit rate and false-hit rate per day over ${r.points.length} day(s)`,
    });
    const lines: Array<[string, Array<number | undefined>]> = [
      ['spark-hits', r.points.map((p) => p.hitRate)],
      ['spark-false', r.points.map((p) => p.falseHitRate)],
    ];
    for (const [cls, values] of lines) {
      for (const points of sparkline(values, W - 2, H - 2, maxRate)) {
        svg.appendChild(svgElement('polyline', { points, transform: 'translate(1 1)', class: cls }));
        // A lone measured day has no line to draw: mark it with a dot.
        if (!points.includes(' ')) {
          const [x, y] = points.split(',');
          svg.appendChild(svgElement('circle', { cx: Number(x) + 1, cy: Number(y) + 1, r: 1.8, class: cls }));
        }
      }
    }
    return svg;
  }
}

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}
