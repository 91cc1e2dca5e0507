/**
 * Flex processing is keyed by what the upstream is (batch/flex.ts `flexTierOf`, batchUpstream), not
 * by the policy's name for it: OpenAI named `openai-prod` was never sent flex and was billed at
 * standard rates for flex answers, and an Azure resource named `openai` was sent
 * `service_tier: "flex"` (Azure's preview refuses it with a 400 for a deployment without flex).
 * Azure bills the flex answers it serves at half price (documented); they were billed at the
 * standard price.
 */
import { calcPrice } from '@pydantic/genai-prices';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flexTierOf } from '../../proxy/src/batch/flex';
import { opportunitiesFromRows } from '../../proxy/src/batch/opportunities';
import { batchUpstream } from '../../proxy/src/batch/rates';
import type { CallContext } from '../../proxy/src/pipeline/context';
import { settleCost } from '../../proxy/src/pipeline/cost';
import { startFakeUpstream, type FakeUpstream } from '../support/fakeUpstream';
import { startHarness, type Harness } from '../support/harness';

const USAGE = { inputTokens: 20_000, outputTokens: 3_000, cachedTokens: 8_000, cacheWriteTokens: 0 };
const standard = calcPrice({ input_tokens: 20_000, cache_read_tokens: 8_000, output_tokens: 3_000 }, 'gpt-5', { providerId: 'openai' })!.total_price;

type Upstream = Parameters<typeof flexTierOf>[0];
const openaiProd: Upstream = { name: 'openai-prod', baseUrl: 'https://api.openai.com/v1', kind: 'openai', authHeader: 'authorization' };
const residency: Upstream = { name: 'eu', baseUrl: 'https://eu.api.openai.com/v1', kind: 'openai', authHeader: 'authorization' };
const azureNamedOpenai: Upstream = { name: 'openai', baseUrl: 'https://acme.openai.azure.com/openai/v1', kind: 'openai', authHeader: 'api-key' };
const vllmNamedFast: Upstream = { name: 'fast', baseUrl: 'http://10.0.0.7:8000/v1', kind: 'openai', authHeader: 'authorization' };

/** settleCost of a finished gpt-5 call answered at `service_tier: "flex"` by this provider. */
async function flexAnswerCost(provider: Upstream): Promise<number> {
  const ctx = {
    endpoint: { id: 'chat.completions', billable: true },
    provider,
    modelUsed: 'gpt-5',
    body: { model: 'gpt-5', service_tier: 'flex', messages: [] },
    responseBody: { model: 'gpt-5', service_tier: 'flex' },
    usage: { ...USAGE },
    complete: true,
    services: { log: { warn: () => {} } },
    costUsd: 0,
    priced: false,
  } as unknown as CallContext;
  await settleCost(ctx);
  expect(ctx.priced).toBe(true);
  return ctx.costUsd;
}

describe('flex tier by upstream', () => {
  it('OpenAI under any name (and its data-residency hosts) has flex; Azure bills flex answers but is never asked; other servers named openai have none', () => {
    expect(flexTierOf(openaiProd, 'gpt-5')).toMatchObject({ factor: 0.5, ask: true });
    expect(flexTierOf(residency, 'o3-2025-04-16')?.factor).toBe(0.5);
    expect(flexTierOf(openaiProd, 'gpt-4o')).toBeUndefined();
    // Azure OpenAI's flex (preview): half price, by deployment name, so Tollgate never asks for it.
    expect(flexTierOf(azureNamedOpenai, 'prod-gpt5')).toMatchObject({ factor: 0.5, ask: false });
    expect(flexTierOf(vllmNamedFast, 'gpt-5')).toBeUndefined();
  });

  it('batch opportunities show the flex saving by upstream: OpenAI named openai-prod has it, Azure named openai has not', () => {
    const providers = new Map([openaiProd, azureNamedOpenai, vllmNamedFast].map((p) => [p.name, p]));
    const row = (provider: string) => ({ feature: 'eval', provider, model_used: 'gpt-5', ts: 0, stream: 0, cost_usd: 1 });
    const flexUsd = (provider: string) => opportunitiesFromRows([row(provider)], 0, (name) => batchUpstream(providers.get(name)!)).features[0]!.flexUsd;
    expect(flexUsd('openai-prod')).toBeCloseTo(0.5, 12);
    expect(flexUsd('openai')).toBeCloseTo(1, 12);
    expect(flexUsd('fast')).toBeCloseTo(1, 12);
  });

  it('a flex answer is billed at half price from OpenAI under any name and from Azure, at the standard price elsewhere', async () => {
    expect(await flexAnswerCost(openaiProd)).toBeCloseTo(standard / 2, 12);
    expect(await flexAnswerCost(azureNamedOpenai)).toBeCloseTo(standard / 2, 12);
    expect(await flexAnswerCost(vllmNamedFast)).toBeCloseTo(standard, 12);
  });

  describe('through the proxy: an Azure resource (api-key auth) named openai', () => {
    let up: FakeUpstream | undefined;
    let h: Harness | undefined;
    beforeAll(async () => {
      up = await startFakeUpstream();
      const flex = [{ name: 'evals', match: { provider: 'openai' } }];
      h = await startHarness({ retries: { attempts: 0 }, routing: { flex }, providers: { openai: { baseUrl: up.openaiBaseUrl, authHeader: 'api-key' } } });
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await up?.close();
    });

    it('is not sent service_tier "flex", says why in x-tollgate-route', async () => {
      const client = new OpenAI({ baseURL: h!.openaiBaseUrl, apiKey: 'azure-key-flex', maxRetries: 0 });
      const { response } = await client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'azure flex' }] }).withResponse();
      expect(response.headers.get('x-tollgate-route')).toContain('flex unavailable for gpt-5');
      expect((up!.requests.at(-1)?.body as Record<string, unknown> | undefined)?.service_tier).toBeUndefined();
    });
  });
});
