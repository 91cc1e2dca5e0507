/**
 * Turns the proxy's Summary.series (already bucketed by the proxy) into the aligned arrays the
 * charts plot. Pure. Times become seconds because uPlot's time scale counts seconds.
 */
import type { Summary } from '../protocol';

export interface SpendSeries {
  t: number[];
  costUsd: number[];
  savedUsd: number[];
}

export interface CacheSeries {
  t: number[];
  /** Percentage of calls answered from cache per bucket; null where a bucket had no calls. */
  hitRatePct: Array<number | null>;
  /** $ saved so far within the range (running total). */
  savedCumUsd: number[];
}

type Bucket = NonNullable<Summary['series']>[number];

/**
 * The proxy returns only buckets that had calls; charts need every bucket of the range (an idle
 * hour is $0 spent, not a line drawn across it). Buckets align to multiples of `bucketMs`, as the
 * proxy's `(ts / bucketMs) * bucketMs` does. Capped so a bad range cannot allocate millions.
 */
export function denseSeries(summary: Summary, bucketMs: number, maxBuckets = 2000): Bucket[] {
  const sparse = summary.series ?? [];
  if (!(bucketMs > 0)) return sparse;
  const first = Math.floor(summary.from / bucketMs) * bucketMs;
  const last = Math.floor((summary.to - 1) / bucketMs) * bucketMs;
  if ((last - first) / bucketMs + 1 > maxBuckets) return sparse;
  const byT = new Map(sparse.map((b) => [b.t, b]));
  const out: Bucket[] = [];
  for (let t = first; t <= last; t += bucketMs) out.push(byT.get(t) ?? { t, costUsd: 0, savedUsd: 0, calls: 0, hits: 0 });
  return out;
}

export function spendSeries(summary: Summary, bucketMs = 0): SpendSeries {
  const s = denseSeries(summary, bucketMs);
  return { t: s.map((b) => b.t / 1000), costUsd: s.map((b) => b.costUsd), savedUsd: s.map((b) => b.savedUsd) };
}

export function cacheSeries(summary: Summary, bucketMs = 0): CacheSeries {
  const s = denseSeries(summary, bucketMs);
  let cum = 0;
  return {
    t: s.map((b) => b.t / 1000),
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
