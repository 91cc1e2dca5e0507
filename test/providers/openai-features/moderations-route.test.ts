/**
 * `POST /v1/moderations`, which apps call with the same base URL as their chat calls: relayed
 * with the caller's key (the model is optional), never cached (the model behind
 * `omni-moderation-latest` changes), recorded in the ledger at $0.
 */
import { describe, expect, it } from 'vitest';
import { type Json, lastRow, proxyOverUpstream } from './openaiUpstream';

const result: Json = {
  id: 'modr-970d409ef3bef3b70c73d8232df86e7d',
  model: 'omni-moderation-latest',
  results: [{ flagged: false, categories: { violence: false, harassment: false }, category_scores: { violence: 0.0004, harassment: 0.0001 }, category_applied_input_types: { violence: ['text'], harassment: ['text'] } }],
};
const t = proxyOverUpstream({}, 'sk-proj-moderation', {}, { 'POST /v1/moderations': result });

describe('moderations', () => {
  it('is relayed each time, without a model too', async () => {
    const a = await t.client.moderations.create({ input: 'I want to bake a cake.' });
    const b = await t.client.moderations.create({ model: 'omni-moderation-latest', input: 'I want to bake a cake.' });
    expect(a.results[0]?.flagged).toBe(false);
    expect(b.id).toBe(result.id);
    const sent = t.up.requests.filter((r) => r.path === '/v1/moderations');
    expect(sent.map((r) => r.body)).toEqual([{ input: 'I want to bake a cake.' }, { model: 'omni-moderation-latest', input: 'I want to bake a cake.' }]);
    expect(sent[0]!.headers.authorization).toBe('Bearer sk-proj-moderation');
    expect(lastRow(t.h)).toMatchObject({ status: 200, endpoint: 'moderations', cost_usd: 0 });
  });
});
