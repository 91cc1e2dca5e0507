/**
 * A budget with `unpriced: block` refuses models it cannot price (docs/governance.md). An Anthropic
 * message batch may mix models line by line: one whose first line is priced and a later line is not
 * passed such a budget, and every unpriced line then ran at $0 to it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const request = (i: number, model: string) => ({ custom_id: `m-${i}`, params: { model, max_tokens: 40, messages: [{ role: 'user' as const, content: `mixed models ${i}` }] } });

describe('a batch with a line Tollgate cannot price', () => {
  it('is refused by an unpriced: block budget wherever the line is, nothing sent; a batch of priced lines still goes', async () => {
    h = await startHarness({ budgets: [{ name: 'usd', period: 'day', usd: 100, unpriced: 'block' }] });
    const client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-unpriced', maxRetries: 0 });
    for (const models of [
      ['claude-3-5-haiku-latest', 'tollgate-unpriced-model-x'],
      ['tollgate-unpriced-model-x', 'claude-3-5-haiku-latest'],
    ]) {
      const refused = await client.messages.batches.create({ requests: models.map((m, i) => request(i, m)) }).then(
        () => undefined,
        (err: unknown) => err as InstanceType<typeof Anthropic.APIError>,
      );
      expect(refused?.status).toBe(429);
      expect(refused?.message).toContain('tollgate-unpriced-model-x');
    }
    expect(h.upstream.batch.batches.size).toBe(0);
    const ok = await client.messages.batches.create({ requests: [request(0, 'claude-3-5-haiku-latest'), request(1, 'claude-3-5-haiku-latest')] });
    expect(ok.processing_status).toBe('in_progress');
    expect(h.upstream.batch.batches.size).toBe(1);
  });
});
