/**
 * Every call's row is observed on the way out. prom-client's `inc` hashes and validates its labels
 * each time (five counters a call, most of what metrics cost a miss); the counters are summed per
 * label tuple and handed to prom-client only when /metrics is read, one `inc` per series. The
 * exposition is what counting each call into prom-client gives.
 */
import { Counter, Registry } from 'prom-client';
import { afterEach, expect, it, vi } from 'vitest';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { Metrics } from '../../proxy/src/metrics/metrics';

afterEach(() => vi.restoreAllMocks());

const record = (i: number): CallRecord =>
  ({
    provider: i % 3 ? 'openai' : 'anthropic',
    endpoint: i % 3 ? 'chat' : 'messages',
    cache: i % 4 ? 'miss' : 'exact',
    status: i % 5 ? 200 : 429,
    modelUsed: `model-${i % 2}`,
    costUsd: i % 4 ? 0.0001 * (i % 7) : 0,
    savedUsd: i % 4 ? 0 : 0.002,
    inputTokens: i,
    outputTokens: i % 11,
    overheadMs: 0.5,
    latencyMs: 300,
  }) as CallRecord;

/** The same calls counted into plain prom-client counters, one `inc` each. */
async function countedOneByOne(calls: CallRecord[]): Promise<string> {
  const registry = new Registry();
  const requests = new Counter({ name: 'tollgate_requests_total', help: 'x', labelNames: ['provider', 'endpoint', 'cache', 'status'], registers: [registry] });
  const cost = new Counter({ name: 'tollgate_cost_usd_total', help: 'x', labelNames: ['provider', 'model'], registers: [registry] });
  const saved = new Counter({ name: 'tollgate_saved_usd_total', help: 'x', labelNames: ['cache'], registers: [registry] });
  const tokens = new Counter({ name: 'tollgate_tokens_total', help: 'x', labelNames: ['direction'], registers: [registry] });
  for (const c of calls) {
    requests.inc({ provider: c.provider, endpoint: c.endpoint, cache: c.cache, status: `${Math.floor(c.status / 100)}xx` });
    if (c.costUsd > 0) cost.inc({ provider: c.provider, model: c.modelUsed }, c.costUsd);
    if (c.savedUsd > 0) saved.inc({ cache: c.cache }, c.savedUsd);
    if (c.inputTokens > 0) tokens.inc({ direction: 'input' }, c.inputTokens);
    if (c.outputTokens > 0) tokens.inc({ direction: 'output' }, c.outputTokens);
  }
  return counterLines(await registry.metrics());
}

const counterLines = (text: string): string => text.split('\n').filter((l) => /^tollgate_(requests|cost_usd|saved_usd|tokens)_total\{/.test(l)).join('\n');

it('a call hashes no labels in prom-client; a scrape hands over one inc per series, with the sums of counting each call', async () => {
  const inc = vi.spyOn(Counter.prototype as unknown as { incWithoutExemplar: (...a: unknown[]) => unknown }, 'incWithoutExemplar');
  const m = new Metrics(false);
  const calls = Array.from({ length: 1000 }, (_, i) => record(i));
  for (const c of calls) m.observe(c);
  expect(inc).toHaveBeenCalledTimes(0);
  const text = await m.registry.metrics();
  const series = counterLines(text).split('\n');
  expect(inc).toHaveBeenCalledTimes(series.length);
  expect(series.length).toBeLessThan(20);
  inc.mockRestore();
  expect(counterLines(text)).toBe(await countedOneByOne(calls));
  // A second scrape counts nothing twice.
  expect(counterLines(await m.registry.metrics())).toBe(counterLines(text));
});
