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

/**
 * The proxy returns only buckets that had calls; charts need every bucket of the range (an idle
 * hour is $0 spent, not a line drawn across it). Buckets align to multiples of `bucketMs` in the
 * client's local time (`offsetMs`, its UTC offset), as the proxy's bucketing with `bucketOffsetMs` does. Capped so a bad range cannot allocate millions.
 */
export function denseSeries(summary: Summary, bucketMs: number, maxBuckets = 2000, offsetMs = 0): Bucket[] {
  const sparse = summary.series ?? [];
  if (!(bucketMs > 0)) return sparse;
  const first = Math.floor((summary.from + offsetMs) / bucketMs) * bucketMs - offsetMs;
  const last = Math.floor((summary.to - 1 + offsetMs) / bucketMs) * bucketMs - offsetMs;
  if ((last - first) / bucketMs + 1 > maxBuckets) return sparse;
  const byT = new Map(sparse.map((b) => [b.t, b]));
  const out: Bucket[] = [];
  for (let t = first; t <= last; t += bucketMs) out.push(byT.get(t) ?? { t, costUsd: 0, savedUsd: 0, calls: 0, hits: 0 });
  return out;
}

const HOUR = 3_600_000;

/** The series half of the dashboard's summary request: hours for longer buckets (localSeries), at local hours. */
export function seriesQuery(from: number, to: number, bucketMs: number): { from: number; to: number; bucketMs: number; bucketOffsetMs: number } {
  return { from, to, bucketMs: Math.min(bucketMs, HOUR), bucketOffsetMs: -new Date(to).getTimezoneOffset() * 60_000 };
}

/**
 * Every bucket at local boundaries. The proxy buckets with one UTC offset, and a range across a DST
 * change has two (its days before the change ran an hour off): days are summed here from hours.
 */
function localSeries(summary: Summary, bucketMs: number, offsetMs: number): Bucket[] {
  const hours = denseSeries(summary, Math.min(bucketMs, HOUR), undefined, offsetMs);
  if (!(bucketMs > HOUR)) return hours;
  const out: Bucket[] = [];
  for (const b of hours) {
    const d = new Date(b.t);
    d.setHours(d.getHours() - (d.getHours() % (bucketMs / HOUR)), 0, 0, 0);
    const last = out.at(-1);
    if (last?.t !== d.getTime()) out.push({ ...b, t: d.getTime() });
    else Object.assign(last, { costUsd: last.costUsd + b.costUsd, savedUsd: last.savedUsd + b.savedUsd, calls: last.calls + b.calls, hits: last.hits + b.hits });
  }
  return out;
}

/** Both charts' arrays from one pass over the buckets (the total's summary feeds both charts). */
export function chartSeries(summary: Summary, bucketMs = 0, offsetMs = 0): ChartSeries {
  const s = localSeries(summary, bucketMs, offsetMs);
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
