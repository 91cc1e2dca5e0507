/**
 * A provider's `priceAs`: Azure deployments and gateway aliases have names their owner chose
 * (`prod-4o`), which genai-prices cannot price. Mapped to the model they run, the calls are priced
 * as that model; a target genai-prices cannot price is a policy error at its line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { priceAsModel, priceCall } from '../../proxy/src/pricing/price';
import { startProxy } from '../../proxy/src/server/start';
import { startFakeUpstream } from '../support/fakeUpstream';
import { startHarness, type Harness } from '../support/harness';

describe('priceAs', () => {
  it('maps an exact name, else the first glob that matches, else keeps the name', () => {
    const p = { priceAs: { 'prod-4o': 'gpt-4o-2024-08-06', 'mini-*': 'gpt-4o-mini' } };
    expect(priceAsModel(p, 'prod-4o')).toBe('gpt-4o-2024-08-06');
    expect(priceAsModel(p, 'mini-eu')).toBe('gpt-4o-mini');
    expect(priceAsModel(p, 'gpt-4.1')).toBe('gpt-4.1');
    expect(priceAsModel({}, 'prod-4o')).toBe('prod-4o');
    // Names that are properties of every object are not keys of the map.
    expect(priceAsModel(p, 'constructor')).toBe('constructor');
    expect(priceAsModel(p, '__proto__')).toBe('__proto__');
  });

  it('a target genai-prices cannot price is a policy error at its line', () => {
    const yaml = ['providers:', '  azure-prod:', '    baseUrl: https://my-resource.openai.azure.com/openai', '    priceAs:', '      prod-4o: gpt-4o-2024-08-06', '      prod-x: my-own-finetune', ''].join('\n');
    const r = parsePolicy(yaml);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 6 });
    expect(r.problems[0]!.message).toContain('my-own-finetune');
  });

  it('a target is checked as the ledger prices it, at the provider\'s rates: one genai-prices files under openai only is accepted', () => {
    const r = parsePolicy(['providers:', '  azure-prod:', '    baseUrl: https://my-resource.openai.azure.com/openai', '    priceAs:', '      latest: chatgpt-4o-latest', '      embed-*: text-embedding-3-small', ''].join('\n'));
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('the ledger prices a deployment name as the model it maps to (real proxy, fake upstream)', async () => {
    const upstream = await startFakeUpstream();
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-price-as-'));
    const policy = PolicySchema.parse({
      providers: {
        openai: { baseUrl: upstream.openaiBaseUrl, timeoutMs: 5_000 },
        anthropic: { baseUrl: upstream.anthropicBaseUrl, timeoutMs: 5_000 },
        'azure-prod': { kind: 'openai', baseUrl: upstream.openaiBaseUrl, models: ['prod-*'], priceAs: { 'prod-*': 'gpt-4o-2024-08-06' } },
      },
    });
    const proxy = await startProxy({ port: 0, dataDir, policy, env: {} });
    try {
      const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-test-price-as', maxRetries: 0 });
      await openai.chat.completions.create({ model: 'prod-4o', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] }, { headers: { 'x-tollgate-provider': 'azure-prod' } });
      const row = proxy.services.db.prepare('SELECT model_used, input_tokens, output_tokens, cost_usd, priced FROM calls ORDER BY id DESC LIMIT 1').get() as Record<string, number | string>;
      expect(row).toMatchObject({ model_used: 'prod-4o', priced: 1 });
      const expected = priceCall('gpt-4o-2024-08-06', { inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens) }, 'openai').totalUsd;
      expect(expected).toBeGreaterThan(0);
      expect(row.cost_usd).toBeCloseTo(expected, 12);
    } finally {
      await proxy.close();
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('an alias genai-prices does not know (gemini-flash-latest)', () => {
  it('is refused by an unpriced: block budget with a message that names priceAs; mapped with priceAs, it is priced and admitted', async () => {
    const budgets = [{ name: 'usd-cap', period: 'day' as const, usd: 5, unpriced: 'block' as const }];
    const ask = (h: Harness) =>
      new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-latest', maxRetries: 0 }).chat.completions
        .create({ model: 'gemini-flash-latest', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] })
        .then(() => ({ status: 200, message: '' }), (e: { status?: number; message?: string }) => ({ status: e.status, message: e.message ?? '' }));
    const plain = await startHarness({ budgets });
    try {
      const r = await ask(plain);
      expect(r.status).toBe(429);
      expect(r.message).toContain('gemini-flash-latest');
      expect(r.message).toContain('providers.openai.priceAs');
    } finally {
      await plain.close();
    }
    const mapped = await startHarness({ budgets }, { openai: { priceAs: { 'gemini-flash-latest': 'gemini-2.5-flash' } } });
    try {
      expect((await ask(mapped)).status).toBe(200);
      const row = mapped.proxy.services.db.prepare('SELECT priced, cost_usd FROM calls ORDER BY id DESC LIMIT 1').get() as { priced: number; cost_usd: number };
      expect(row.priced).toBe(1);
      expect(row.cost_usd).toBeGreaterThan(0);
    } finally {
      await mapped.close();
    }
  });
});
