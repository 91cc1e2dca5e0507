/**
 * Turns the proxy's Summary.series (already bucketed by the proxy) into the aligned arrays the
 * charts plot. Pure. Times become seconds because uPlot's time scale counts seconds.
 */
import type { Summary } from '../protocol';

/** A summary's series as the spend and cache charts plot it, at the same times. */
export interface ChartSeries {
  t: number[];
  costUsd: number[];
  savedUsd: number[];
  /** Percentage of calls answered from cache per bucket; null where a bucket had no calls. */
  hitRatePct: Array<number | null>;
  /** $ saved so far within the range (running total). */
  savedCumUsd: number[];
}

type Bucket = NonNullable<Summary['series']>[number];

const HOUR = 3_600_000;

/** The series half of the dashboard's summary request: the proxy buckets at this zone's local hours and midnights, DST days included. */
export function seriesQuery(from: number, to: number, bucketMs: number): { from: number; to: number; bucketMs: number; tz: string } {
  return { from, to, bucketMs, tz: Intl.DateTimeFormat().resolvedOptions().timeZone };
}

/**
 * Every bucket of the range at local boundaries, where the proxy's `tz` buckets start (both name a local hour or
 * midnight by Date's rule, so a DST day is one 23- or 25-hour bucket). Sub-hour buckets step in real time: a
 * repeated hour is two hours of calls. A proxy's bucket is added to the one it starts in: an older proxy that
 * ignores `tz` answers UTC days, which would otherwise match no local midnight and plot $0.
 */
function localSeries(summary: Summary, bucketMs: number, maxBuckets = 2000): Bucket[] {
  const sparse = summary.series ?? [];
  if (!(bucketMs > 0)) return sparse;
  const hours = bucketMs / HOUR;
  const d = new Date(summary.from);
  if (hours >= 1) d.setHours(d.getHours() - (d.getHours() % hours), 0, 0, 0);
  else d.setMinutes(d.getMinutes() - (d.getMinutes() % (bucketMs / 60_000)), 0, 0);
  const out: Bucket[] = [];
  for (let t = d.getTime(), i = 0; t < summary.to && out.length <= maxBuckets; ) {
    const next = hours >= 24 ? d.setDate(d.getDate() + 1) : hours >= 1 ? d.setHours(d.getHours() + hours) : d.setTime(t + bucketMs);
    const b = { t, costUsd: 0, savedUsd: 0, calls: 0, hits: 0 };
    for (let s = sparse[i]; s && s.t < next; s = sparse[++i]) {
      b.costUsd += s.costUsd;
      b.savedUsd += s.savedUsd;
      b.calls += s.calls;
      b.hits += s.hits;
    }
    out.push(b);
    t = next;
  }
  return out.length > maxBuckets ? sparse : out;
}

/** Both charts' arrays from one pass over the buckets (the total's summary feeds both charts). */
export function chartSeries(summary: Summary, bucketMs = 0): ChartSeries {
  const s = localSeries(summary, bucketMs);
  let cum = 0;
  return {
    t: s.map((b) => b.t / 1000),
    costUsd: s.map((b) => b.costUsd),
    savedUsd: s.map((b) => b.savedUsd),
    hitRatePct: s.map((b) => (b.calls > 0 ? (100 * b.hits) / b.calls : null)),
    savedCumUsd: s.map((b) => (cum += b.savedUsd)),
  };
}

/** A bucket width giving ~48 points over the range, rounded to a friendly unit. */
export function bucketFor(rangeMs: number): number {
  const target = rangeMs / 48;
  const steps = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 86_400_000];
  return steps.find((s) => s >= target) ?? 86_400_000;
}
