/** Prometheus metrics (prom-client) on a registry owned by one proxy instance. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CallRecord } from '../ledger/types';

export class Metrics {
  readonly registry = new Registry();
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
    this.requests.inc({ provider: c.provider, endpoint: c.endpoint, cache: c.cache, status: `${Math.floor(c.status / 100)}xx` });
    if (c.costUsd > 0) this.cost.inc({ provider: c.provider, model: c.modelUsed }, c.costUsd);
    if (c.savedUsd > 0) this.saved.inc({ cache: c.cache }, c.savedUsd);
    if (c.inputTokens) this.tokens.inc({ direction: 'input' }, c.inputTokens);
    if (c.outputTokens) this.tokens.inc({ direction: 'output' }, c.outputTokens);
    this.overhead.observe(c.overheadMs / 1000);
    this.latency.observe({ cache: c.cache }, c.latencyMs / 1000);
  }
}
