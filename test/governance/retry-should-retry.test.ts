/**
 * `x-should-retry: false` is the provider's word that the same request will fail the same way
 * (OpenAI and Anthropic send it; their SDKs obey it). Tollgate's own retries asked the same target
 * again anyway, each attempt a billed-or-failed ledger row; a fallback target is still tried.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDecision } from '../../proxy/src/governance/retry';
import { startHarness, type Harness } from '../support/harness';
import { policy } from './helpers';
import { scriptedUpstream, type ScriptedUpstream } from './support/scriptedUpstream';

describe('x-should-retry', () => {
  const retries = policy({ retries: { attempts: 3, backoffMs: 10, maxBackoffMs: 1_000 } }).retries;
  it('false stops retries on the target; absent or true leaves the policy to decide', () => {
    const failure = (headers: Record<string, string>) => retryDecision({ attempt: 1, status: 503, headers }, retries, () => 0.5);
    expect(failure({ 'x-should-retry': 'false' }).retry).toBe(false);
    expect(failure({ 'x-should-retry': ' False ' }).retry).toBe(false);
    expect(failure({ 'x-should-retry': 'true' }).retry).toBe(true);
    expect(failure({}).retry).toBe(true);
  });
});

describe('through the proxy: a 503 the provider marks not retryable', () => {
  let upstream: ScriptedUpstream;
  let h: Harness;
  let withFallback: Harness;

  beforeAll(async () => {
    // OpenAI's wire shape for an overloaded model that will not recover for this request.
    upstream = await scriptedUpstream({
      model: 'gpt-4o',
      status: 503,
      headers: { 'x-should-retry': 'false' },
      error: { message: 'The engine is currently overloaded.', type: 'server_error', code: null },
    });
    const retries = { attempts: 3, backoffMs: 10, maxBackoffMs: 1_000 };
    h = await startHarness({ retries }, { openai: { baseUrl: upstream.url } });
    withFallback = await startHarness({ retries, fallbacks: [{ from: 'gpt-4o', to: ['gpt-4o-mini'] }] }, { openai: { baseUrl: upstream.url } });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await withFallback?.close();
    await upstream?.close();
  });

  it('is asked once, and the client gets the 503 with the header', async () => {
    upstream.asked.length = 0;
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-503', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(upstream.asked).toEqual(['gpt-4o']);
  });

  it('still goes to a fallback target', async () => {
    upstream.asked.length = 0;
    const client = new OpenAI({ baseURL: withFallback.openaiBaseUrl, apiKey: 'sk-503', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('fallback answer');
    expect(response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4o-mini');
    expect(upstream.asked).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });
});
