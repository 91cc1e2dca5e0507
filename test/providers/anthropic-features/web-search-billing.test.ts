/**
 * Web searches are billed per search ($10 per 1,000 in genai-prices), on top of tokens. A whole
 * answer reports them in usage.server_tool_use (message_delta, for a stream), and the ledger bills
 * genai-prices' own figure. A stream that breaks off after the searches ran (an overloaded error
 * event, a client that hangs up) never gets message_delta: its searches were still run and billed,
 * so the ledger counts the search results the answer holds.
 */
import Anthropic from '@anthropic-ai/sdk';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './anthropicUpstream';

const MODEL = 'claude-sonnet-4-5-20250929';
const result = (n: number): Json => ({ type: 'web_search_result', title: `Result ${n}`, url: `https://example.com/${n}`, encrypted_content: `EqgfCioIARgBIiQ3YTAw${n}`, page_age: null });
const searched = (id: string): Json[] => [
  { type: 'server_tool_use', id, name: 'web_search', input: { query: `paris weather ${id}` } },
  { type: 'web_search_tool_result', tool_use_id: id, content: [result(1), result(2)] },
];
const answer: Json = {
  id: 'msg_01Search',
  type: 'message',
  role: 'assistant',
  content: [
    { type: 'text', text: 'Let me search.' },
    ...searched('srvtoolu_01'),
    ...searched('srvtoolu_02'),
    // A failed search is not billed.
    { type: 'server_tool_use', id: 'srvtoolu_03', name: 'web_search', input: { query: 'x' } },
    { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_03', content: { type: 'web_search_tool_result_error', error_code: 'max_uses_exceeded' } },
    { type: 'text', text: 'It is sunny in Paris today.', citations: [{ type: 'web_search_result_location', cited_text: 'Sunny', url: 'https://example.com/1', title: 'Result 1', encrypted_index: 'Eo8BCioIAhgB' }] },
  ],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 9_400, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 420, service_tier: 'standard', server_tool_use: { web_search_requests: 2 } },
};
const scenarios: Record<string, Scenario> = {
  whole: { message: answer },
  // Cut before the failed search: both searches ran and returned results.
  cut: { message: answer, streamError: { type: 'overloaded_error', message: 'Overloaded', blocks: 5 } },
};

const t = proxyOverUpstream(scenarios, 'sk-ant-search');

const rowCount = (): number => (t.h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM calls').get() as { n: number }).n;
const lastRow = (): Json => t.h.proxy.services.db.prepare('SELECT status, error_type, input_tokens, output_tokens, cost_usd FROM calls ORDER BY id DESC LIMIT 1').get() as Json;
/** The row of a cut stream lands once its output is counted (the SDK has hung up by then). */
async function nextRow(before: number): Promise<Json> {
  for (let i = 0; i < 900 && rowCount() === before; i++) await new Promise((r) => setTimeout(r, 50));
  return lastRow();
}
const genaiUsd = (usage: Json): number => {
  const extracted = extractUsage(findProvider({ providerId: 'anthropic' })!, { ...answer, usage });
  return calcPrice(extracted.usage, MODEL, { providerId: 'anthropic' })!.total_price;
};
const params = (prompt: string) => ({ model: MODEL, max_tokens: 1_024, tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const, max_uses: 2 }], messages: [{ role: 'user' as const, content: `${prompt} ${process.pid}` }] });

describe('web search fees in the ledger', () => {
  it('a whole streamed answer: tokens plus its two searches, as genai-prices prices them', async () => {
    const final = await t.client.messages.stream(params('whole')).finalMessage();
    expect(final.usage.server_tool_use).toEqual({ web_search_requests: 2 });
    const usd = lastRow().cost_usd as number;
    expect(usd).toBeCloseTo(genaiUsd(answer.usage as Json), 10);
    // The searches are in it: the same tokens without them cost $0.02 less.
    expect(usd - genaiUsd({ ...(answer.usage as Json), server_tool_use: null })).toBeCloseTo(0.02, 10);
  });

  it('a stream cut by an error event after two searches still bills both', async () => {
    const before = rowCount();
    const err = await t.client.messages
      .stream(params('cut'))
      .finalMessage()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    const row = await nextRow(before);
    expect(row).toMatchObject({ status: 502, error_type: 'overloaded_error', input_tokens: 9_400 });
    // Input at message_start's count, the output estimated from what arrived, and two searches.
    const tokensOnly = genaiUsd({ input_tokens: 9_400, output_tokens: row.output_tokens, server_tool_use: null });
    expect(row.cost_usd as number).toBeCloseTo(tokensOnly + 0.02, 10);
  });
});
