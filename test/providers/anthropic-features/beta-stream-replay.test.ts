/**
 * Beta Messages features through the exact cache, with the real SDK's beta stream helper against an
 * upstream speaking Anthropic's wire format: a cached answer's `finalMessage()` must equal the one
 * the SDK built from the upstream's own stream.
 *  - Code execution: the container comes in message_delta's `delta.container`, context editing's
 *    report in message_delta's `context_management`; the beta SDK takes both from message_delta, so
 *    a replay must send them there too.
 *  - The MCP connector: `mcp_tool_use` streams its input as input_json_delta like any tool call; the
 *    stored answer must hold that input, not the `{}` the block opened with; and one cut short by
 *    max_tokens is relayed but never stored, like a cut `tool_use`.
 * The ledger bills the miss at genai-prices' own figure and the hit at $0.
 */
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { type Json, proxyOverUpstream, type Scenario } from './anthropicUpstream';

const MODEL = 'claude-sonnet-4-5-20250929';
const usage = { input_tokens: 2_140, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 312, service_tier: 'standard' };
const message = (id: string, content: Json[], extra: Json = {}): Json => ({ id, type: 'message', role: 'assistant', content, stop_reason: 'end_turn', stop_sequence: null, usage, ...extra });

const scenarios: Record<string, Scenario> = {
  codeexec: {
    message: message(
      'msg_01CodeExec',
      [
        { type: 'server_tool_use', id: 'srvtoolu_01Bash', name: 'bash_code_execution', input: { command: 'python3 -c "print(sum(range(10)))"' } },
        { type: 'bash_code_execution_tool_result', tool_use_id: 'srvtoolu_01Bash', content: { type: 'bash_code_execution_result', stdout: '45\n', stderr: '', return_code: 0, content: [] } },
        { type: 'text', text: 'The sum is 45.' },
      ],
      { container: { id: 'container_011CVxyz', expires_at: '2026-12-01T20:30:00Z', skills: null }, context_management: { applied_edits: [{ type: 'clear_tool_uses_20250919', cleared_tool_uses: 2, cleared_input_tokens: 1_200 }] } },
    ),
    deltaFields: ['container'],
  },
  mcp: {
    message: message('msg_01Mcp', [
      { type: 'mcp_tool_use', id: 'mcptoolu_01Echo', name: 'echo', server_name: 'tools', input: { text: 'hello', times: 2 } },
      { type: 'mcp_tool_result', tool_use_id: 'mcptoolu_01Echo', is_error: false, content: [{ type: 'text', text: 'hello hello', citations: null }] },
      { type: 'text', text: 'It echoed twice.' },
    ]),
  },
  // The output limit struck while the MCP call's input was being written: no server can run it.
  mcpcut: {
    message: { ...message('msg_01McpCut', [{ type: 'text', text: 'Calling the tool.' }, { type: 'mcp_tool_use', id: 'mcptoolu_02', name: 'echo', server_name: 'tools', input: {} }]), stop_reason: 'max_tokens' },
  },
};

const t = proxyOverUpstream(scenarios, 'sk-ant-beta-replay');

const rows = (): Json[] => t.h.proxy.services.db.prepare('SELECT cache, cost_usd, saved_usd FROM calls ORDER BY id').all() as Json[];
function genaiUsd(body: Json): number {
  const { usage: u, model } = extractUsage(findProvider({ providerId: 'anthropic' })!, body);
  return calcPrice(u, model ?? MODEL, { providerId: 'anthropic' })!.total_price;
}

/** The same beta streaming request twice: each finalMessage() and x-tollgate-cache. */
async function streamTwice(prompt: string, betas: string[]) {
  const finals: Json[] = [];
  const cache: (string | null)[] = [];
  for (let i = 0; i < 2; i++) {
    const s = t.client.beta.messages.stream({ model: MODEL, max_tokens: 1_024, betas, messages: [{ role: 'user', content: `${prompt} ${process.pid}` }] });
    finals.push((await s.finalMessage()) as unknown as Json);
    cache.push((await s.withResponse()).response.headers.get('x-tollgate-cache'));
  }
  return { finals, cache };
}

describe('beta stream answers replayed from the cache', () => {
  it('code execution: the container and the context-management report survive the replay', async () => {
    const n = rows().length;
    const { finals, cache } = await streamTwice('codeexec run it', ['code-execution-2025-08-25', 'context-management-2025-06-27']);
    expect(cache).toEqual(['miss', 'exact']);
    const want = scenarios.codeexec!.message;
    expect(finals[0]!.container).toEqual(want.container);
    expect(finals[0]!.context_management).toEqual(want.context_management);
    expect(finals[1]).toStrictEqual(finals[0]);
    const [miss, hit] = rows().slice(n);
    expect(miss!.cost_usd).toBeCloseTo(genaiUsd({ ...want, model: MODEL }), 10);
    expect(hit).toMatchObject({ cache: 'exact', cost_usd: 0 });
    expect(hit!.saved_usd).toBeCloseTo(miss!.cost_usd as number, 10);
  });

  it('an MCP tool call keeps its streamed input, in the stream replay and in a JSON hit', async () => {
    const { finals, cache } = await streamTwice('mcp echo', ['mcp-client-2025-04-04']);
    expect(cache).toEqual(['miss', 'exact']);
    const block = (m: Json) => (m.content as Json[])[0];
    expect(block(finals[0]!)).toMatchObject({ type: 'mcp_tool_use', input: { text: 'hello', times: 2 } });
    expect(finals[1]).toStrictEqual(finals[0]);
    // The stored body itself holds the input: the same request without streaming is a hit with it.
    const { data, response } = await t.client.beta.messages
      .create({ model: MODEL, max_tokens: 1_024, betas: ['mcp-client-2025-04-04'], messages: [{ role: 'user', content: `mcp echo ${process.pid}` }] })
      .withResponse();
    expect(response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(data.content[0]).toMatchObject({ type: 'mcp_tool_use', input: { text: 'hello', times: 2 } });
  });

  it('an MCP tool call cut by max_tokens is relayed, not stored: asked again, it goes upstream', async () => {
    const before = t.up.requests.length;
    const cache: (string | null)[] = [];
    for (let i = 0; i < 2; i++) {
      const { data, response } = await t.client.beta.messages
        .create({ model: MODEL, max_tokens: 40, betas: ['mcp-client-2025-04-04'], messages: [{ role: 'user', content: `mcpcut ${process.pid}` }] })
        .withResponse();
      expect(data.stop_reason).toBe('max_tokens');
      cache.push(response.headers.get('x-tollgate-cache'));
    }
    expect({ cache, upstream: t.up.requests.length - before }).toEqual({ cache: ['miss', 'miss'], upstream: 2 });
  });
});
