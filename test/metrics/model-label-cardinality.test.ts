/**
 * The `model` label of tollgate_cost_usd_total comes from the client's request: a client (or a
 * permissive upstream that accepts any name) must not be able to grow /metrics without bound.
 * A model name with a tag after a colon (`claude-3-5-sonnet:<anything>`, as Ollama and Bedrock
 * write versions) is priced as the model, so each would get its own series.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../proxy/src/ledger/types';
import { MAX_MODEL_LABELS, Metrics } from '../../proxy/src/metrics/metrics';
import { startHarness, type Harness } from '../support/harness';

const costSeries = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('tollgate_cost_usd_total{'));

describe('model label cardinality', () => {
  it(`keeps at most ${MAX_MODEL_LABELS} model values per provider, the rest counted as model="other"`, async () => {
    const m = new Metrics(false);
    const rec = (model: string) =>
      ({ provider: 'anthropic', endpoint: 'messages', cache: 'miss', status: 200, modelUsed: model, costUsd: 0.01, savedUsd: 0, inputTokens: 1, outputTokens: 1, overheadMs: 1, latencyMs: 1 }) as CallRecord;
    for (let i = 0; i < MAX_MODEL_LABELS + 50; i++) m.observe(rec(`claude-3-5-sonnet-x${i}`));
    m.observe(rec('claude-3-5-sonnet-x0')); // a model already labelled keeps its series
    const series = costSeries(await m.registry.metrics());
    expect(series).toHaveLength(MAX_MODEL_LABELS + 1);
    const value = (label: string): number => Number(series.find((l) => l.includes(`model="${label}"`))?.split(' ').at(-1));
    expect(value('other')).toBeCloseTo(50 * 0.01, 9);
    expect(value('claude-3-5-sonnet-x0')).toBeCloseTo(2 * 0.01, 9);
    // Total cost is kept whole.
    const total = series.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(total).toBeCloseTo((MAX_MODEL_LABELS + 51) * 0.01, 9);
  });

  describe('through the proxy', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(async () => {
      await h.close();
    });

    it('random priced model names from clients do not each add a series', async () => {
      const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
      const n = MAX_MODEL_LABELS + 20;
      for (let i = 0; i < n; i += 20) {
        await Promise.all(
          Array.from({ length: Math.min(20, n - i) }, (_, k) =>
            client.messages.create({ model: `claude-3-5-sonnet:${i + k}-${Math.random().toString(36).slice(2)}`, max_tokens: 10, messages: [{ role: 'user', content: `hi ${i + k}` }] }),
          ),
        );
      }
      const series = costSeries(await (await fetch(`${h.proxy.url}/metrics`)).text());
      expect(series.length).toBeLessThanOrEqual(MAX_MODEL_LABELS + 1);
      expect(series.some((l) => l.includes('model="other"'))).toBe(true);
    }, 60_000);
  });
});
