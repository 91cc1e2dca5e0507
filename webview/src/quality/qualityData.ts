/**
 * Pure: what the dashboard's "semantic cache quality" card shows for each feature tag — its hit
 * rate and reported false-hit rate over the range and per day, and the operating point feedback has
 * moved it to. Rates per lookup (the same denominator as GET /tollgate/cache/quality), so a day
 * without lookups is a gap, not a zero.
 */
import type { SemanticFeatureQuality, SemanticQualityReport } from '../protocol';

/** Reported false hits per lookup above this are flagged (the semantic cache's goal is ≤ 1 %). */
export const FALSE_HIT_GOAL = 0.01;

export type QualityLevel = 'ok' | 'warn' | 'none';

export interface QualityPoint {
  day: string;
  /** Undefined on a day without lookups. */
  hitRate: number | undefined;
  falseHitRate: number | undefined;
}

/** A feature's figures as the proxy reports them, with what the card derives from them. */
export interface QualityRow extends Omit<SemanticFeatureQuality, 'adjustment' | 'series'> {
  /** 'none' until the feature has any lookups; 'warn' above FALSE_HIT_GOAL. */
  level: QualityLevel;
  /** How feedback moved the required P(same) ("+0.020", "−0.031", "default"). */
  shift: string;
  points: QualityPoint[];
}

export function levelOf(f: Pick<SemanticFeatureQuality, 'lookups' | 'falseHitRate'>): QualityLevel {
  if (f.lookups === 0) return 'none';
  return f.falseHitRate > FALSE_HIT_GOAL ? 'warn' : 'ok';
}

export function shiftText(adjustment: number): string {
  if (Math.abs(adjustment) < 0.0005) return 'default';
  return `${adjustment > 0 ? '+' : '−'}${Math.abs(adjustment).toFixed(3)}`;
}

/** Rows, busiest feature first (ties by name, so the order is stable between refreshes). */
export function qualityRows(report: SemanticQualityReport): QualityRow[] {
  return [...report.features]
    .sort((a, b) => b.lookups - a.lookups || a.feature.localeCompare(b.feature))
    .map(({ adjustment, series, ...figures }) => ({
      ...figures,
      level: levelOf(figures),
      shift: shiftText(adjustment),
      points: series.map((d) => ({ day: d.day, hitRate: d.lookups ? d.hits / d.lookups : undefined, falseHitRate: d.lookups ? d.badHits / d.lookups : undefined })),
    }));
}

/**
 * SVG polyline points for one rate series in a `width` × `height` box, y scaled to `max` (at least
 * 1 %, so a quiet feature does not look alarming). Days without lookups break the line: one string
 * per run of consecutive measured days.
 */
export function sparkline(values: Array<number | undefined>, width: number, height: number, max: number): string[] {
  const top = Math.max(max, 0.01);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((v, i) => {
    if (v === undefined) {
      if (run.length) runs.push(run.join(' '));
      run = [];
      return;
    }
    const x = values.length > 1 ? i * step : width / 2;
    const y = height - (Math.min(v, top) / top) * height;
    run.push(`${round(x)},${round(y)}`);
  });
  if (run.length) runs.push(run.join(' '));
  return runs;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
