/**
 * A call is priced as the model that answered. Azure's v1 endpoint takes a deployment name as
 * `model` and answers with the snapshot the deployment runs; priced by the name asked for, such
 * calls were unpriced ($0 in the ledger and in every budget).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceCall } from '../../proxy/src/pricing/price';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  // The fake answers as the snapshot this provider header names, whatever model was asked for.
  h = await startHarness({}, { openai: { headers: { 'x-fake-answer-model': 'gpt-4o-2024-08-06' } } });
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-answered', maxRetries: 0 });
});
afterAll(async () => h.close());

function expectPricedAs(model: string): void {
  const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
  expect(row.modelUsed).toBe('prod-chat');
  expect(row.priced).toBe(true);
  const expected = priceCall(model, { inputTokens: row.inputTokens, outputTokens: row.outputTokens }, 'openai').totalUsd;
  expect(expected).toBeGreaterThan(0);
  expect(row.costUsd).toBeCloseTo(expected, 12);
}

describe('pricing by the answering model', () => {
  it('a deployment name is priced as the snapshot the JSON answer names', async () => {
    const r = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'price me as the snapshot' }] });
    expect(r.model).toBe('gpt-4o-2024-08-06');
    expectPricedAs('gpt-4o-2024-08-06');
  });

  it('and as the snapshot a streamed answer names', async () => {
    const s = await client.chat.completions.create({ model: 'prod-chat', messages: [{ role: 'user', content: 'stream and price me' }], stream: true });
    for await (const _chunk of s) {
      // drain
    }
    expectPricedAs('gpt-4o-2024-08-06');
  });
});
