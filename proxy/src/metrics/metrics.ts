/** Prometheus metrics (prom-client) on a registry owned by one proxy instance. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRecord } from '../ledger/types';

/**
 * Distinct `model` label values per provider on the cost counter. The model is the client's (or a
 * route's) model name, and genai-prices prices names by family (`claude-3-5-sonnet-<anything>`):
 * without a cap, clients could add a series per request. Later models are counted as "other".
 */
export const MAX_MODEL_LABELS = 100;

/** A counter summed here by a key the caller builds, handed to prom-client when scraped: its `inc` hashes and validates the labels each time (5 a call). */
class SummedCounter<L extends string> {
  private readonly sums = new Map<string, { labels: Record<L, string>; value: number }>();
  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[]) {
    const sums = this.sums;
    const collect = function (this: Counter<L>) {
      this.reset();
      for (const s of sums.values()) this.inc(s.labels, s.value);
    };
    new Counter({ name, help, labelNames, registers: [registry], collect });
  }

  add(key: string, labels: Record<L, string>, value: number): void {
    const s = this.sums.get(key);
    if (s) s.value += value;
    else this.sums.set(key, { labels, value });
  }

  /** Drops the series of providers not in `keep` (a counter labelled by provider). */
  keepProviders(keep: ReadonlySet<string>): void {
    for (const [key, s] of this.sums) if (!keep.has((s.labels as { provider?: string }).provider ?? '')) this.sums.delete(key);
  }
}

export class Metrics {
  readonly registry = new Registry();
  /** Model label values in use, per provider. */
  private readonly modelLabels = new Map<string, Set<string>>();
  private readonly requests = new SummedCounter(this.registry, 'tollgate_requests_total', 'Calls through the proxy by provider, endpoint, cache status and HTTP status class.', ['provider', 'endpoint', 'cache', 'status'] as const);
  private readonly cost = new SummedCounter(this.registry, 'tollgate_cost_usd_total', 'USD spent upstream.', ['provider', 'model'] as const);
  private readonly saved = new SummedCounter(this.registry, 'tollgate_saved_usd_total', 'USD saved by cache hits.', ['cache'] as const);
  private readonly tokens = new SummedCounter(this.registry, 'tollgate_tokens_total', 'Tokens by direction.', ['direction'] as const);
  private readonly overhead = new Histogram({
    name: 'tollgate_overhead_seconds',
    help: 'Time spent in the proxy itself (excluding the upstream).',
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'tollgate_request_duration_seconds',
    help: 'End-to-end call latency.',
    labelNames: ['cache'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    // The event-loop lag metric samples with a timer: prom-client's default (10 ms) woke an idle
    // proxy 100 times a second; on a laptop beside the editor, 2 a second is enough for a lag figure.
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_process_', eventLoopMonitoringPrecision: 500 });
  }

  observe(c: CallRecord): void {
    const status = `${Math.floor(c.status / 100)}xx`;
    this.requests.add(`${c.provider}\u0000${c.endpoint}\u0000${c.cache}\u0000${status}`, { provider: c.provider, endpoint: c.endpoint, cache: c.cache, status }, 1);
    // The figures come from the upstream's usage block: a negative or non-finite one (a buggy
    // OpenAI-compatible server) must not throw here — prom-client refuses to decrease a counter,
    // and the throw turned the call into a 502 — nor make a counter go down or infinite.
    const cost = countable(c.costUsd);
    const model = cost > 0 ? this.modelLabel(c.provider, c.modelUsed) : '';
    if (cost > 0) this.cost.add(`${c.provider}\u0000${model}`, { provider: c.provider, model }, cost);
    const saved = countable(c.savedUsd);
    if (saved > 0) this.saved.add(c.cache, { cache: c.cache }, saved);
    const input = countable(c.inputTokens);
    if (input > 0) this.tokens.add('input', { direction: 'input' }, input);
    const output = countable(c.outputTokens);
    if (output > 0) this.tokens.add('output', { direction: 'output' }, output);
    // A batch result's row is written when its results are read, hours after it ran: no latency
    // or proxy overhead of its own to put beside live calls'.
    if (c.endpoint.startsWith('batch:')) return;
    this.overhead.observe(countable(c.overheadMs) / 1000);
    this.latency.observe({ cache: c.cache }, countable(c.latencyMs) / 1000);
  }

  /**
   * Drops the series of providers not in `keep` (a policy reload removed or renamed them): they
   * stayed in /metrics until a restart, counters frozen at their last value, and a renamed
   * provider showed twice. The cost counter's model labels of such a provider are forgotten too.
   */
  forgetProviders(keep: ReadonlySet<string>): void {
    this.requests.keepProviders(keep);
    this.cost.keepProviders(keep);
    for (const provider of this.modelLabels.keys()) if (!keep.has(provider)) this.modelLabels.delete(provider);
  }

  private modelLabel(provider: string, model: string): string {
    let seen = this.modelLabels.get(provider);
    if (!seen) {
      seen = new Set();
      this.modelLabels.set(provider, seen);
    }
    if (seen.has(model)) return model;
    if (seen.size >= MAX_MODEL_LABELS) return 'other';
    seen.add(model);
    return model;
  }
}

/** A finite, non-negative amount, else 0. */
function countable(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}
