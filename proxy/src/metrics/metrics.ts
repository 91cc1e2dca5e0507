/** Prometheus metrics (prom-client) on a registry owned by one proxy instance. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRecord } from '../ledger/types';

/**
 * Distinct `model` label values per provider on the cost counter. The model is the client's (or a
 * route's) model name, and genai-prices prices names by family (`claude-3-5-sonnet-<anything>`):
 * without a cap, clients could add a series per request. Later models are counted as "other".
 */
export const MAX_MODEL_LABELS = 100;

type RequestLabels = Record<'provider' | 'endpoint' | 'cache' | 'status', string>;

export class Metrics {
  readonly registry = new Registry();
  /** Model label values in use, per provider. */
  private readonly modelLabels = new Map<string, Set<string>>();
  /** Label sets of tollgate_requests_total in use, per provider (to drop a removed provider's: forgetProviders). */
  private readonly requestLabels = new Map<string, Map<string, RequestLabels>>();
  private readonly requests = new Counter({
    name: 'tollgate_requests_total',
    help: 'Calls through the proxy by provider, endpoint, cache status and HTTP status class.',
    labelNames: ['provider', 'endpoint', 'cache', 'status'] as const,
    registers: [this.registry],
  });
  private readonly cost = new Counter({ name: 'tollgate_cost_usd_total', help: 'USD spent upstream.', labelNames: ['provider', 'model'] as const, registers: [this.registry] });
  private readonly saved = new Counter({ name: 'tollgate_saved_usd_total', help: 'USD saved by cache hits.', labelNames: ['cache'] as const, registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'tollgate_tokens_total', help: 'Tokens by direction.', labelNames: ['direction'] as const, registers: [this.registry] });
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
    const labels: RequestLabels = { provider: c.provider, endpoint: c.endpoint, cache: c.cache, status: `${Math.floor(c.status / 100)}xx` };
    this.requests.inc(labels);
    this.rememberRequestLabels(labels);
    // The figures come from the upstream's usage block: a negative or non-finite one (a buggy
    // OpenAI-compatible server) must not throw here — prom-client refuses to decrease a counter,
    // and the throw turned the call into a 502 — nor make a counter go down or infinite.
    const cost = countable(c.costUsd);
    if (cost > 0) this.cost.inc({ provider: c.provider, model: this.modelLabel(c.provider, c.modelUsed) }, cost);
    const saved = countable(c.savedUsd);
    if (saved > 0) this.saved.inc({ cache: c.cache }, saved);
    const input = countable(c.inputTokens);
    if (input > 0) this.tokens.inc({ direction: 'input' }, input);
    const output = countable(c.outputTokens);
    if (output > 0) this.tokens.inc({ direction: 'output' }, output);
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
    for (const [provider, series] of this.requestLabels) {
      if (keep.has(provider)) continue;
      for (const labels of series.values()) this.requests.remove(labels);
      this.requestLabels.delete(provider);
    }
    for (const [provider, models] of this.modelLabels) {
      if (keep.has(provider)) continue;
      for (const model of [...models, 'other']) this.cost.remove({ provider, model });
      this.modelLabels.delete(provider);
    }
  }

  private rememberRequestLabels(labels: RequestLabels): void {
    let series = this.requestLabels.get(labels.provider);
    if (!series) {
      series = new Map();
      this.requestLabels.set(labels.provider, series);
    }
    const key = `${labels.endpoint}\u0000${labels.cache}\u0000${labels.status}`;
    if (!series.has(key)) series.set(key, labels);
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
