import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-test-openai-node', maxRetries: 0 });
});
afterAll(async () => h.close());

describe('openai (Node SDK) through the proxy', () => {
  it('chat completion: miss then exact hit with identical content', async () => {
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Name three primes' }], max_tokens: 50 };
    const first = await client.chat.completions.create(params).withResponse();
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    const callsAfterFirst = h.upstream.calls();
    const second = await client.chat.completions.create(params).withResponse();
    expect(second.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(h.upstream.calls()).toBe(callsAfterFirst);
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(Number(first.response.headers.get('x-tollgate-cost-usd'))).toBeGreaterThan(0);
    expect(second.response.headers.get('x-tollgate-cost-usd')).toBe('0');
  });

  it('streaming chat: miss then hit replayed as SSE, usage chunk stripped when not asked', async () => {
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Stream a haiku about caches' }], stream: true as const };
    const collect = async () => {
      const stream = await client.chat.completions.create(params);
      let text = '';
      let sawUsage = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) sawUsage = true;
      }
      return { text, sawUsage };
    };
    const a = await collect();
    const calls = h.upstream.calls();
    const b = await collect();
    expect(h.upstream.calls()).toBe(calls);
    expect(b.text).toBe(a.text);
    expect(a.text).toContain('Stream a haiku');
    expect(a.sawUsage).toBe(false);
    expect(b.sawUsage).toBe(false);
    // The upstream was asked for usage even though the client was not.
    const upstreamReq = h.upstream.requests.find((r) => JSON.stringify(r.body).includes('Stream a haiku'));
    expect((upstreamReq?.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage).toBe(true);
    // … so the ledger has real token counts.
    const page = h.proxy.services.ledger.page({}, 10);
    const row = page.calls.find((c) => c.stream && c.cache === 'miss');
    expect(row?.outputTokens).toBeGreaterThan(0);
    expect(row?.tokensEstimated).toBe(false);
  });
});
