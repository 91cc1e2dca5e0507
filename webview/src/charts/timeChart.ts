/**
 * A small uPlot time chart (bundled, no CDN) themed from VS Code's colours. It is rebuilt on theme
 * change (uPlot bakes colours into its options) and resized with its container.
 */
import uPlot from 'uplot';
import { h } from '../dom';
import { readPalette, withAlpha, type ChartPalette } from './palette';

export interface TimeSeriesSpec {
  label: string;
  /** Index into the palette's series colours, or the theme's muted foreground. */
  color: number | 'muted';
  kind: 'bars' | 'line' | 'area';
  scale: string;
  format(v: number): string;
}

export interface TimeChartSpec {
  id: string;
  title: string;
  /** Initial series; `setSeries` replaces them (e.g. one per model). */
  series: TimeSeriesSpec[];
  /** Controls shown beside the title. */
  controls?: HTMLElement;
  /** Scale key → axis value formatter; the first is on the left, a second on the right. */
  axes: Array<{ scale: string; format(v: number): string; range?: [number, number] }>;
  height?: number;
}

/**
 * The y range of an auto-scaled axis: from 0 (spend and savings are never negative) to a little
 * above the largest value; with no data or only zeros, a one-cent axis rather than uPlot's
 * default 0…100, which reads as "$100" for a day that cost nothing. Pure.
 */
export function valueRange(min: number | null, max: number | null, emptyMax = 0.01): [number, number] {
  const lo = Math.min(0, Number.isFinite(min) ? (min as number) : 0);
  const hi = Number.isFinite(max) ? (max as number) : 0;
  if (!(hi > lo) || hi <= 0) return [lo, emptyMax];
  return [lo, hi * 1.1];
}

/** The chart in words: per series its latest and highest value ("Total: latest $0.12, peak $0.40"). Pure. */
export function chartText(spec: Pick<TimeChartSpec, 'title' | 'series'>, values: ReadonlyArray<ReadonlyArray<number | null>>): string {
  const parts = spec.series.map((s, i) => {
    const v = (values[i] ?? []).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (!v.length) return `${s.label}: no data`;
    return `${s.label}: latest ${s.format(v[v.length - 1]!)}, peak ${s.format(Math.max(...v))}`;
  });
  return `${spec.title}. ${parts.join('; ')}.`;
}

export class TimeChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | undefined;
  private data: uPlot.AlignedData = [[]];
  /** Fixed x range in seconds (the chosen time range), so one bucket does not stretch to years. */
  private xRange: [number, number] | undefined;

  constructor(private readonly spec: TimeChartSpec) {
    // The canvas says nothing to a screen reader: the plot is an image whose label states the figures.
    this.plotHost = h('div', { class: 'chart-plot', attrs: { role: 'img', 'aria-label': `${spec.title}: no data yet` } });
    this.element = h('figure', { class: 'chart', attrs: { 'data-chart': spec.id } }, h('figcaption', null, h('span', null, spec.title), spec.controls), this.plotHost);
    this.data = [[], ...spec.series.map(() => [] as number[])];
    new ResizeObserver(() => this.resize()).observe(this.plotHost);
  }

  /** `t` in seconds; `range` the visible time span in seconds. */
  setData(range: [number, number], t: number[], ...values: Array<Array<number | null>>): void {
    this.xRange = range;
    this.data = [t, ...values] as uPlot.AlignedData;
    this.element.dataset.points = String(t.length);
    this.plotHost.setAttribute('aria-label', chartText(this.spec, values));
    if (this.plot) this.plot.setData(this.data);
    else this.build();
  }

  /** Replace the plotted series (call before setData); the chart is rebuilt if they changed. */
  setSeries(series: TimeSeriesSpec[]): void {
    const key = (list: TimeSeriesSpec[]) => list.map((s) => `${s.label}|${s.kind}|${s.color}|${s.scale}`).join('\n');
    if (key(series) === key(this.spec.series)) return;
    this.spec.series = series;
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** Theme changed: rebuild with the new colours. */
  retheme(): void {
    this.build();
  }

  private width(): number {
    // A small floor only: a wider canvas than its card would scroll a narrow pane sideways.
    return Math.max(120, Math.floor(this.plotHost.clientWidth || this.element.clientWidth || 400));
  }

  private resize(): void {
    if (!this.plot) return;
    const w = this.width();
    if (w !== this.plot.width) this.plot.setSize({ width: w, height: this.spec.height ?? 170 });
  }

  private build(): void {
    this.plot?.destroy();
    const p = readPalette(this.element);
    this.plot = new uPlot(this.options(p), this.data, this.plotHost);
  }

  private options(p: ChartPalette): uPlot.Options {
    const axisBase = { stroke: p.muted, font: p.font, grid: { stroke: p.grid, width: 1 }, ticks: { stroke: p.grid, width: 1 } };
    const bars = uPlot.paths.bars?.({ size: [0.7, 24], gap: 1 });
    return {
      width: this.width(),
      height: this.spec.height ?? 170,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: Object.fromEntries([['x', { time: true, range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => this.xRange ?? [min, max] }], ...this.spec.axes.map((a) => [a.scale, a.range ? { range: a.range } : { auto: true, range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => valueRange(min, max) }])]),
      axes: [
        { ...axisBase, scale: 'x' },
        ...this.spec.axes.map((a, i) => ({
          ...axisBase,
          scale: a.scale,
          side: i === 0 ? 3 : 1,
          // Wide enough for the longest tick label ("$0.00005" must not be clipped).
          size: (_u: uPlot, values: string[] | null) => Math.max(40, 16 + 8 * Math.max(0, ...(values ?? []).map((v) => v.length))),
          grid: { ...axisBase.grid, show: i === 0 },
          values: (_u: uPlot, ticks: number[]) => ticks.map((v) => a.format(v)),
        })),
      ],
      series: [
        {},
        ...this.spec.series.map((s) => {
          const color = s.color === 'muted' ? p.muted : p.series[s.color % p.series.length]!;
          return {
            label: s.label,
            scale: s.scale,
            stroke: color,
            width: s.kind === 'bars' ? 1 : 2,
            fill: s.kind === 'line' ? undefined : withAlpha(color, s.kind === 'bars' ? 0.35 : 0.18),
            spanGaps: false,
            // Single buckets would be invisible as a line; dots mark each bucket with data.
            points: { show: s.kind !== 'bars', size: 4, fill: color },
            value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : s.format(v)),
            ...(s.kind === 'bars' && bars ? { paths: bars } : {}),
          };
        }),
      ],
    };
  }
}
