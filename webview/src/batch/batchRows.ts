/**
 * What the batch section shows, as plain rows (pure, so unit tests and the browser test agree on
 * the figures): per feature the real-time cost, the same calls at the batch and flex rates and the
 * saving, and why the feature looks latency-tolerant; per batch its counts and cost.
 */
import { countOf, formatTime, formatUsd } from '../format';
import type { BatchOpportunities, BatchOpportunity, BatchRecord } from '../protocol';

export interface OpportunityView {
  feature: string;
  calls: string;
  cost: string;
  batch: string;
  batchSaving: string;
  flex: string;
  flexSaving: string;
  /** "yes: named like offline work; never streamed" or "no". */
  tolerant: string;
  latencyTolerant: boolean;
}

export function opportunityView(o: BatchOpportunity): OpportunityView {
  return {
    feature: o.feature,
    calls: o.calls.toLocaleString('en-US'),
    cost: formatUsd(o.costUsd),
    batch: formatUsd(o.batchUsd),
    batchSaving: formatUsd(o.costUsd - o.batchUsd),
    flex: formatUsd(o.flexUsd),
    // No flex tier for any of the feature's models: nothing to save, said as a dash rather than $0.
    flexSaving: o.costUsd - o.flexUsd > 0 ? formatUsd(o.costUsd - o.flexUsd) : '–',
    tolerant: o.latencyTolerant ? `yes: ${o.reasons.join('; ')}` : 'no',
    latencyTolerant: o.latencyTolerant,
  };
}

/** The headline: what moving the latency-tolerant features to batch would have saved. */
export function opportunityHeadline(o: BatchOpportunities): string {
  const tolerant = o.features.filter((f) => f.latencyTolerant);
  if (o.features.length === 0) return 'No real-time calls in this range.';
  if (tolerant.length === 0) return 'No feature looks latency-tolerant in this range; the table shows what batch would cost anyway.';
  const cost = tolerant.reduce((n, f) => n + f.costUsd, 0);
  const batch = tolerant.reduce((n, f) => n + f.batchUsd, 0);
  return `${countOf(tolerant.length, 'latency-tolerant feature')} cost ${formatUsd(cost)} in real time; as batch ${formatUsd(batch)}, saving ${formatUsd(cost - batch)}.`;
}

export interface BatchView {
  id: string;
  provider: string;
  status: string;
  feature: string;
  requests: string;
  cached: string;
  /** Results recorded so far, with failures ("10 (1 failed)"). */
  results: string;
  cost: string;
  realtime: string;
  saved: string;
  created: string;
}

export function batchView(b: BatchRecord, now = Date.now()): BatchView {
  return {
    id: b.id,
    provider: b.provider,
    status: b.answeredByCache ? `${b.status} (cache)` : b.status,
    feature: b.tags.feature ?? '–',
    requests: b.requests.toLocaleString('en-US'),
    cached: b.cached.toLocaleString('en-US'),
    results: b.failed > 0 ? `${b.results.toLocaleString('en-US')} (${b.failed.toLocaleString('en-US')} failed)` : b.results.toLocaleString('en-US'),
    cost: formatUsd(b.costUsd),
    realtime: formatUsd(b.realtimeUsd),
    saved: formatUsd(b.realtimeUsd - b.costUsd),
    created: formatTime(b.createdAt, now),
  };
}
