/**
 * Anthropic's `cache_control` breakpoints change how a call is billed (prompt-cache writes and
 * reads), never what the model answers, and clients move the breakpoint to the newest turn on every
 * call: the same prompt with and without one is one cache entry. Through the real proxy with the
 * official Anthropic SDK; whatever else differs (the text, the tool) is still a miss.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness';

let h: Harness;
let client: Anthropic;

beforeAll(async () => {
  h = await startHarness();
  client = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-cache-control', maxRetries: 0 });
}, 60_000);
afterAll(async () => h?.close());

const EPHEMERAL = { type: 'ephemeral' } as const;
const LONG_SYSTEM = 'You are a support agent for a bicycle shop. Answer in two sentences. '.repeat(20);
const tool = (cached: boolean): Anthropic.Tool => ({ name: 'lookup_order', description: 'Find an order by id', input_schema: { type: 'object', properties: { id: { type: 'string' } } }, ...(cached ? { cache_control: EPHEMERAL } : {}) });

async function ask(system: Anthropic.MessageCreateParams['system'], content: Anthropic.MessageParam['content'], tools?: Anthropic.Tool[]) {
  const { data, response } = await client.messages
    .create({ model: 'claude-haiku-4-5-20251001', max_tokens: 100, system, messages: [{ role: 'user', content }], ...(tools ? { tools } : {}) })
    .withResponse();
  return { text: data.content[0]?.type === 'text' ? data.content[0].text : '', cache: response.headers.get('x-tollgate-cache') };
}

describe('cache_control does not split the key', () => {
  it('a system prompt and a turn with a breakpoint are the same request as without one', async () => {
    const plain = await ask(LONG_SYSTEM, 'Where is my order?');
    expect(plain.cache).toBe('miss');
    const marked = await ask([{ type: 'text', text: LONG_SYSTEM, cache_control: EPHEMERAL }], [{ type: 'text', text: 'Where is my order?', cache_control: EPHEMERAL }]);
    expect(marked).toEqual({ text: plain.text, cache: 'exact' });
    // Two system blocks, the breakpoint on the second (where SDK helpers put it).
    const twoBlocks = await ask([{ type: 'text', text: 'Shop rules.' }, { type: 'text', text: LONG_SYSTEM }], 'Where is my order?');
    expect(twoBlocks.cache).toBe('miss');
    expect(await ask([{ type: 'text', text: 'Shop rules.' }, { type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral', ttl: '1h' } }], 'Where is my order?')).toEqual({ text: twoBlocks.text, cache: 'exact' });
  });

  it('a breakpoint on the last tool is the same request; another tool or text is not', async () => {
    const plain = await ask(LONG_SYSTEM, 'Check order 42', [tool(false)]);
    expect(plain.cache).toBe('miss');
    expect(await ask(LONG_SYSTEM, 'Check order 42', [tool(true)])).toEqual({ text: plain.text, cache: 'exact' });
    expect((await ask(LONG_SYSTEM, 'Check order 43', [tool(true)])).cache).toBe('miss');
    expect((await ask(LONG_SYSTEM, 'Check order 42', [{ ...tool(true), description: 'Find an order by its number' }])).cache).toBe('miss');
  });
});
