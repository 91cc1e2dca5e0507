/**
 * A turn the server paused (`stop_reason: "pause_turn"`, its web-search or code-execution loop
 * stopped partway) is relayed exactly as sent, billed, and never stored: the caller sends it back
 * to have it finished, so asking the same question again goes to the provider, which may finish the
 * turn in one go. A finished turn with the same blocks is stored and replayed as before.
 */
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './anthropicUpstream';

const MODEL = 'claude-sonnet-4-5-20250929';
const blocks: Json[] = [
  { type: 'text', text: 'Searching several sources.' },
  { type: 'server_tool_use', id: 'srvtoolu_01P', name: 'web_search', input: { query: 'eu ai act timeline' } },
  { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01P', content: [{ type: 'web_search_result', title: 'Timeline', url: 'https://example.com/t', encrypted_content: 'EqgfCioIARgB', page_age: null }] },
];
const turn = (stop_reason: string): Json => ({
  id: `msg_01${stop_reason}`,
  type: 'message',
  role: 'assistant',
  content: blocks,
  stop_reason,
  stop_sequence: null,
  usage: { input_tokens: 5_210, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 96, service_tier: 'standard', server_tool_use: { web_search_requests: 1 } },
});
const scenarios: Record<string, Scenario> = { paused: { message: turn('pause_turn') }, finished: { message: turn('end_turn') } };

const t = proxyOverUpstream(scenarios, 'sk-ant-paused');

const entries = (): number => (t.h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM cache_entries').get() as { n: number }).n;
const costs = (n: number): number[] => (t.h.proxy.services.db.prepare('SELECT cost_usd FROM calls ORDER BY id DESC LIMIT ?').all(n) as { cost_usd: number }[]).map((r) => r.cost_usd);

/** The same request twice (streamed, then as JSON: one cache entry answers both). */
async function twice(prompt: string) {
  const params = { model: MODEL, max_tokens: 2_048, tools: [{ type: 'web_search_20250305' as const, name: 'web_search' as const }], messages: [{ role: 'user' as const, content: `${prompt} ${process.pid}` }] };
  const before = t.up.requests.length;
  const stream = t.client.messages.stream(params);
  const streamed = await stream.finalMessage();
  const first = (await stream.withResponse()).response.headers.get('x-tollgate-cache');
  const { data, response } = await t.client.messages.create(params).withResponse();
  return { streamed, json: data, cache: [first, response.headers.get('x-tollgate-cache')], upstream: t.up.requests.length - before };
}

describe('paused turns', () => {
  it('are relayed as sent and billed, but asked again they go to the provider', async () => {
    const stored = entries();
    const r = await twice('paused');
    expect({ cache: r.cache, upstream: r.upstream }).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
    expect(r.streamed.stop_reason).toBe('pause_turn');
    expect(r.json).toEqual({ ...turn('pause_turn'), model: MODEL });
    expect(r.streamed.content).toEqual(r.json.content);
    expect(entries()).toBe(stored);
    const [a, b] = costs(2);
    expect(a).toBeGreaterThan(0.01); // tokens and the $0.01 search, each time
    expect(b).toBe(a);
  });

  it('the same blocks in a finished turn are stored and replayed', async () => {
    const r = await twice('finished');
    expect({ cache: r.cache, upstream: r.upstream }).toEqual({ cache: ['miss', 'exact'], upstream: 1 });
    expect(r.json).toEqual(r.streamed);
  });
});
