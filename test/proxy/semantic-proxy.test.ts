/**
 * The semantic cache inside the proxy, with the real bundled USE-lite model and real sqlite-vec:
 * a paraphrase hits, a near-miss with a different meaning does not, keys/system prompts/models
 * never share entries, and a streaming request replays a semantic hit as SSE.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  // The fake's answers cost ~$0.00001: with no cost set for a wrong answer, the expected-value rule leaves the judge's operating point in charge.
  h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } });
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-semantic-a', maxRetries: 0 });
  // The model loads in the background; until then calls are plain misses.
  await waitForEmbedder(h.proxy.url);
}, 180_000);
afterAll(async () => h.close());

const ask = (c: OpenAI, content: string, system = 'You are a helpful support agent.', model = 'gpt-4o-mini') =>
  c.chat.completions
    .create({ model, messages: [{ role: 'system', content: system }, { role: 'user', content }] })
    .withResponse()
    .then(({ data, response }) => ({ text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache') }));

describe('semantic cache through the proxy', () => {
  it('a paraphrase is answered from the cache, with the similarity and source recorded', async () => {
    const first = await ask(client, 'How do I reset my password?');
    expect(first.cache).toBe('miss');
    const second = await ask(client, 'How can I reset my password?');
    expect(second.cache).toBe('semantic');
    expect(second.text).toBe(first.text);
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    expect(row.cache).toBe('semantic');
    expect(row.similarity).toBeGreaterThan(0.5);
    expect(row.sourceEntryId).toBeDefined();
    const detail = (await (await fetch(`${h.proxy.url}/tollgate/calls/${row.id}`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as { sourcePrompt?: string; responseHeaders?: Record<string, string> };
    expect(detail.sourcePrompt).toBe('How do I reset my password?');
    expect(detail.responseHeaders?.['x-tollgate-cache']).toBe('semantic');
    expect(Number(detail.responseHeaders?.['x-tollgate-similarity'])).toBeCloseTo(row.similarity!, 3);
  });

  it('a near-miss with a different meaning is not a hit (numbers, negation)', async () => {
    await ask(client, 'Show me the top 5 selling products this month');
    expect((await ask(client, 'Show me the top 50 selling products this month')).cache).toBe('miss');
    await ask(client, 'Is smoking allowed in the hotel rooms?');
    expect((await ask(client, 'Is smoking not allowed in the hotel rooms?')).cache).toBe('miss');
  });

  it('a different API key, system prompt or model never matches', async () => {
    await ask(client, 'How do I find your opening hours on weekends?');
    const other = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-semantic-b', maxRetries: 0 });
    expect((await ask(other, 'How can I find your opening hours on weekends?')).cache).toBe('miss');
    expect((await ask(client, 'How can I find your opening hours on weekends?', 'You are a pirate.')).cache).toBe('miss');
    expect((await ask(client, 'How can I find your opening hours on weekends?', undefined, 'gpt-4o')).cache).toBe('miss');
    expect((await ask(client, 'How can I find your opening hours on weekends?')).cache).toBe('semantic');
  });

  it('a streaming request replays a semantic hit as SSE', async () => {
    const first = await ask(client, 'Where can I download my monthly statement?');
    const stream = await client.chat.completions
      .create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content: 'Where do I download my monthly statement?' }] })
      .withResponse();
    expect(stream.response.headers.get('x-tollgate-cache')).toBe('semantic');
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    let text = '';
    for await (const c of stream.data) text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe(first.text);
  });

  it('a per-request threshold of 1 turns semantic hits off; an invalid one is refused', async () => {
    await ask(client, 'Can I change the email address on my account?');
    const strict = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content: 'How do I change the email address on my account?' }] }, { headers: { 'x-tollgate-semantic-threshold': '1' } })
      .withResponse();
    expect(strict.response.headers.get('x-tollgate-cache')).toBe('miss');
    const bad = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-tollgate-semantic-threshold': 'high' } }).catch((e: unknown) => e);
    expect((bad as { status?: number }).status).toBe(400);
  });

  it('evicting a bad hit removes it for good', async () => {
    await ask(client, 'How do I close my savings account?');
    const hit = await ask(client, 'How can I close my savings account?');
    expect(hit.cache).toBe('semantic');
    const row = h.proxy.services.ledger.page({}, 1).calls[0]!;
    const r = await fetch(`${h.proxy.url}/tollgate/cache/entries/${row.sourceEntryId}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.proxy.adminToken}` } });
    expect(r.status).toBe(200);
    expect((await ask(client, 'How can I close my savings account?')).cache).toBe('miss');
    // An id that is not one is a 400 saying so; a well-formed unknown id is a 404.
    const del = (id: string) => fetch(`${h.proxy.url}/tollgate/cache/entries/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.proxy.adminToken}` } }).then((x) => x.status);
    expect([await del('abc'), await del('1.5'), await del('999999')]).toEqual([400, 400, 404]);
  });
  it("the request's cache directives govern the semantic lookup and index as they do the exact cache", async () => {
    const asked = (content: string, headers: Record<string, string> = {}) =>
      client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content }] }, { headers })
        .withResponse()
        .then(({ response }) => response.headers.get('x-tollgate-cache'));
    // no-store: neither looked up nor stored or indexed.
    expect(await asked('How do I update my billing address?', { 'x-tollgate-cache': 'no-store' })).toBe('bypass');
    expect(await asked('How do I update my billing address?')).toBe('miss');
    expect(await asked('How can I update my billing address?')).toBe('semantic');
    // no-cache (Tollgate's or the standard Cache-Control): no semantic lookup, but the answer is stored.
    expect(await asked('How do I cancel my subscription plan?')).toBe('miss');
    expect(await asked('How can I cancel my subscription plan?', { 'x-tollgate-cache': 'no-cache' })).toBe('bypass');
    expect(await asked('How can I cancel my subscription plan?', { 'cache-control': 'no-cache' })).toBe('bypass');
    expect(await asked('How can I cancel my subscription plan?')).toBe('exact');
  });
});
