/**
 * The Responses API bills its built-in search tools per call on top of tokens ($10 per 1,000 web
 * searches, $2.50 per 1,000 file searches in genai-prices), and its usage block does not count
 * them: the answer's `web_search_call` / `file_search_call` items do. The ledger bills
 * genai-prices' own figure, for a JSON answer, a stream, and a stream cut after the searches ran;
 * flex processing halves the tokens only.
 */
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, lastRow, proxyOverUpstream, type Scenario } from './openaiUpstream';

const ANSWERED = 'gpt-5-2025-08-07';
const usage = { input_tokens: 12_000, input_tokens_details: { cached_tokens: 2_000 }, output_tokens: 640, output_tokens_details: { reasoning_tokens: 256 }, total_tokens: 12_640 };
const search = (id: string, action: Json, status = 'completed'): Json => ({ id, type: 'web_search_call', status, action });
const answer = (id: string): Json => ({
  id,
  object: 'response',
  created_at: 1_764_600_000,
  status: 'completed',
  model: ANSWERED,
  output: [
    search('ws_01', { type: 'search', query: 'paris weather', sources: [{ type: 'url', url: 'https://example.com' }] }),
    search('ws_02', { type: 'search', query: 'paris forecast' }),
    // Reading a page it found is part of a search, and a failed call is not billed.
    search('ws_03', { type: 'open_page', url: 'https://example.com' }),
    search('ws_04', { type: 'search', query: 'x' }, 'failed'),
    { id: 'fs_01', type: 'file_search_call', status: 'completed', queries: ['umbrella policy'], results: null },
    { id: 'msg_01', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'It is sunny in Paris; the policy allows umbrellas.', annotations: [], logprobs: [] }] },
  ],
  usage,
});
const scenarios: Record<string, Scenario> = {
  json: { body: answer('resp_json') },
  stream: { body: answer('resp_stream') },
  cut: { body: answer('resp_cut'), cutAfterItems: 5 },
  flex: { body: { ...answer('resp_flex'), service_tier: 'flex' } },
};
const t = proxyOverUpstream(scenarios, 'sk-proj-search');

const genai = (u: Record<string, number>): number => calcPrice(u, ANSWERED, { providerId: 'openai' })!.total_price;
const tokens = { input_tokens: 12_000, cache_read_tokens: 2_000, output_tokens: 640 };
const params = (word: string) => ({ model: 'gpt-5', input: `${word} ${process.pid}`, tools: [{ type: 'web_search' as const }, { type: 'file_search' as const, vector_store_ids: ['vs_1'] }] });
const rowCount = (): number => (t.h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;

describe('Responses search tool fees in the ledger', () => {
  it('a JSON answer: tokens plus two web searches and one file search', async () => {
    const r = await t.client.responses.create(params('json'));
    expect(r.output_text).toContain('sunny');
    const usd = lastRow(t.h).cost_usd as number;
    expect(usd).toBeCloseTo(genai({ ...tokens, web_searches: 2, storage_searches: 1 }), 10);
    expect(usd - genai(tokens)).toBeCloseTo(0.0225, 10);
  });

  it('a stream: the same figure', async () => {
    const final = await t.client.responses.stream(params('stream')).finalResponse();
    expect(final.id).toBe('resp_stream');
    expect(lastRow(t.h).cost_usd as number).toBeCloseTo(genai({ ...tokens, web_searches: 2, storage_searches: 1 }), 10);
  });

  it('on the flex tier the tokens are at batch rates, the search fees at their full rate', async () => {
    await t.client.responses.create({ ...params('flex'), service_tier: 'flex' });
    expect(lastRow(t.h).cost_usd as number).toBeCloseTo(genai(tokens) / 2 + 0.0225, 10);
  });

  it('a stream cut by an error event after the searches still bills them', async () => {
    const before = rowCount();
    const outcome = await t.client.responses
      .stream(params('cut'))
      .finalResponse()
      .then(
        () => 'finished',
        () => 'failed',
      );
    expect(outcome).toBe('failed');
    for (let i = 0; i < 600 && rowCount() === before; i++) await new Promise((r) => setTimeout(r, 50));
    const row = lastRow(t.h);
    expect(row.status).not.toBe(200);
    // No usage block came: the tokens are estimated, the searches counted from the items that arrived.
    const estimated = genai({ input_tokens: row.input_tokens as number, output_tokens: row.output_tokens as number });
    expect(row.cost_usd as number).toBeCloseTo(estimated + 0.0225, 10);
  }, 40_000);
});
