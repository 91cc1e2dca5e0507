/**
 * Through the real proxy with the official SDKs (only the provider is the fake): a cached answer
 * is never served to a request the upstream would answer differently — another beta header, API
 * version, OpenAI project or query string, or a turn of a stored conversation — in either cache;
 * and fields that only tag the caller or steer the provider's prompt cache, or text sent as one
 * text block instead of a string, do not cause misses.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

let h: Harness;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } });
  openai = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-scope-a', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: h.anthropicBaseUrl, apiKey: 'sk-ant-scope-a', maxRetries: 0 });
  await waitForEmbedder(h.proxy.url);
}, 240_000);
afterAll(async () => h.close());

async function message(content: string, system: string, headers: Record<string, string> = {}) {
  const { data, response } = await anthropic.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 200, system, messages: [{ role: 'user', content }] }, { headers }).withResponse();
  return { text: data.content[0]?.type === 'text' ? data.content[0].text : '', cache: response.headers.get('x-tollgate-cache') };
}

async function chat(content: string, system: string, opts: { headers?: Record<string, string>; query?: Record<string, string>; extra?: Record<string, unknown> } = {}) {
  const { data, response } = await openai.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: system }, { role: 'user', content }], ...opts.extra }, { ...(opts.headers ? { headers: opts.headers } : {}), ...(opts.query ? { query: opts.query } : {}) })
    .withResponse();
  return { text: data.choices[0]?.message.content ?? '', cache: response.headers.get('x-tollgate-cache') };
}

describe('exact cache: what the upstream is asked besides the body', () => {
  it('an anthropic-beta header is part of the key; its flags are a set', async () => {
    const plain = await message('Summarise the plot of Hamlet', 'exact-beta');
    const beta = await message('Summarise the plot of Hamlet', 'exact-beta', { 'anthropic-beta': 'interleaved-thinking-2025-05-14,output-128k-2025-02-19' });
    expect(plain.cache).toBe('miss');
    expect(beta.cache).toBe('miss');
    expect(beta.text).not.toBe(plain.text);
    const reordered = await message('Summarise the plot of Hamlet', 'exact-beta', { 'anthropic-beta': 'output-128k-2025-02-19, interleaved-thinking-2025-05-14' });
    expect(reordered).toEqual({ text: beta.text, cache: 'exact' });
    // The SDK's own anthropic-version (the default the proxy sends anyway) never splits the key.
    expect(await message('Summarise the plot of Hamlet', 'exact-beta')).toEqual({ text: plain.text, cache: 'exact' });
    expect((await message('Summarise the plot of Hamlet', 'exact-beta', { 'anthropic-version': '2023-01-01' })).cache).toBe('miss');
  });

  it('another OpenAI project or organization is a miss', async () => {
    const a = await chat('List three prime numbers', 'exact-project', { headers: { 'openai-project': 'proj_a' } });
    const b = await chat('List three prime numbers', 'exact-project', { headers: { 'openai-project': 'proj_b' } });
    const c = await chat('List three prime numbers', 'exact-project', { headers: { 'openai-project': 'proj_a', 'openai-organization': 'org_b' } });
    expect([a.cache, b.cache, c.cache]).toEqual(['miss', 'miss', 'miss']);
    expect(await chat('List three prime numbers', 'exact-project', { headers: { 'openai-project': 'proj_a' } })).toEqual({ text: a.text, cache: 'exact' });
  });

  it('safety_identifier, prompt_cache_key and prompt_cache_retention do not split the key', async () => {
    const first = await chat('Name a colour', 'exact-tags', { extra: { safety_identifier: 'user-1', prompt_cache_key: 'k1' } });
    const second = await chat('Name a colour', 'exact-tags', { extra: { safety_identifier: 'user-2', prompt_cache_key: 'k2', prompt_cache_retention: '24h' } });
    expect(first.cache).toBe('miss');
    expect(second).toEqual({ text: first.text, cache: 'exact' });
  });

  it('a system prompt or turn sent as one text block is the same request as that text', async () => {
    const ask = (system: string | Anthropic.TextBlockParam[], content: string | Anthropic.TextBlockParam[]) =>
      anthropic.messages.create({ model: 'claude-haiku-4-5-20251001', max_tokens: 200, system, messages: [{ role: 'user', content }] }).withResponse();
    const first = await ask('exact-blocks: be brief', 'Name a river');
    const second = await ask([{ type: 'text', text: 'exact-blocks: be brief' }], [{ type: 'text', text: 'Name a river' }]);
    expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
    expect(second.response.headers.get('x-tollgate-cache')).toBe('exact');
    expect(second.data.content).toEqual(first.data.content);
  });

  it('a turn of a stored conversation (Responses `conversation`) is never answered from the cache', async () => {
    const calls = h.upstream.calls();
    const ask = () => openai.responses.create({ model: 'gpt-4o-mini', input: 'And then?', conversation: 'conv_scope_1' }).withResponse();
    const one = await ask();
    const two = await ask();
    expect([one.response.headers.get('x-tollgate-cache'), two.response.headers.get('x-tollgate-cache')]).toEqual(['bypass', 'bypass']);
    expect(two.data.output_text).not.toBe(one.data.output_text);
    expect(h.upstream.calls()).toBe(calls + 2);
  });
});

describe('semantic cache: the same scope as the exact key', () => {
  it('a paraphrase with another anthropic-beta header is a miss; with the same one, a hit', async () => {
    await message('How do I reset my password?', 'semantic-beta', { 'anthropic-beta': 'interleaved-thinking-2025-05-14' });
    expect((await message('How can I reset my password?', 'semantic-beta')).cache).toBe('miss');
    expect((await message('How can I reset my password?', 'semantic-beta', { 'anthropic-beta': 'interleaved-thinking-2025-05-14' })).cache).toBe('semantic');
  });

  it('a paraphrase with another query string or OpenAI project is a miss', async () => {
    await chat('How do I reset my password?', 'semantic-query', { query: { 'api-version': '2024-10-21' } });
    expect((await chat('How can I reset my password?', 'semantic-query', { query: { 'api-version': '2025-04-01' } })).cache).toBe('miss');
    expect((await chat('How can I reset my password?', 'semantic-query', { query: { 'api-version': '2025-04-01' }, headers: { 'openai-project': 'proj_x' } })).cache).toBe('miss');
    expect((await chat('How can I change my password?', 'semantic-query', { query: { 'api-version': '2024-10-21' } })).cache).toBe('semantic');
  });
});
