/**
 * A background response's cost reaches the budgets: its create call answers `queued` (the
 * reservation is released at $0) and the bill shows when the result is read. It used to reach the
 * ledger only, so a monthly budget never saw the most expensive calls (deep research, o3-pro).
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './openaiUpstream';

const ID = 'resp_0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const base: Json = { id: ID, object: 'response', created_at: 1_764_600_000, model: 'o3-deep-research-2025-06-26', background: true, output: [], usage: null };
const done: Json = {
  ...base,
  status: 'completed',
  output: [{ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [], logprobs: [] }] }],
  usage: { input_tokens: 20_000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 8_000, output_tokens_details: { reasoning_tokens: 6_000 }, total_tokens: 28_000 },
};
const scenarios: Record<string, Scenario> = { research: { body: { ...base, status: 'queued' } } };
const t = proxyOverUpstream(scenarios, 'sk-proj-background-budget', { budgets: [{ name: 'research-month', period: 'month', usd: 1, scope: { team: 'research' } }] }, { [`GET /v1/responses/${ID}`]: done });

async function spent(): Promise<{ spentUsd: number; spentTokens: number }> {
  const res = await fetch(`${t.h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${t.h.proxy.adminToken}` } });
  const all = (await res.json()) as Array<{ name: string; spentUsd: number; spentTokens: number }>;
  return all.find((b) => b.name === 'research-month')!;
}

describe('background responses and budgets', () => {
  it('the finished response is charged to the budget of the team that reads it, once', async () => {
    const headers = { 'x-tollgate-team': 'research' };
    const created = await t.client.responses.create({ model: 'o3-deep-research', input: 'research it', background: true }, { headers });
    expect(created.status).toBe('queued');
    expect((await spent()).spentUsd).toBe(0);
    await t.client.responses.retrieve(ID, {}, { headers });
    await t.client.responses.retrieve(ID, {}, { headers });
    const expected = calcPrice({ input_tokens: 20_000, output_tokens: 8_000 }, 'o3-deep-research-2025-06-26', { providerId: 'openai' })!.total_price;
    expect(expected).toBeGreaterThan(0.1);
    const after = await spent();
    expect(after.spentUsd).toBeCloseTo(expected, 6);
    expect(after.spentTokens).toBe(28_000);
  });
});
