/**
 * A 429 without `retry-after` but with the provider's own rate-limit reset headers: the retry waits
 * for the reset of the limit that was exhausted (OpenAI/Groq durations, Anthropic RFC 3339
 * timestamps, OpenRouter epoch milliseconds, epoch seconds), and a reset past maxBackoffMs moves on
 * to the fallback instead of a blind jittered retry (another call, another 429).
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDuration, rateLimitResetMs, retryDecision } from '../../proxy/src/governance/retry';
import { startHarness, type Harness } from '../support/harness';
import { policy } from './helpers';
import { scriptedUpstream, type ScriptedUpstream } from './support/scriptedUpstream';

const retries = policy({ retries: { attempts: 3, backoffMs: 100, maxBackoffMs: 10_000 } }).retries;
const NOW = Date.UTC(2026, 11, 2, 7, 0, 0);
const now = () => NOW;
const iso = (ms: number) => new Date(NOW + ms).toISOString();

describe('rate-limit reset headers', () => {
  it('reads Go-style durations (OpenAI, Groq) and bare seconds (Azure)', () => {
    expect(parseDuration('1s')).toBe(1_000);
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('2m59.56s')).toBe(179_560);
    expect(parseDuration('7')).toBe(7_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('5x')).toBeUndefined();
  });

  it('waits for the exhausted limit, not the one with room left (OpenAI)', () => {
    const h = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1.5s', 'x-ratelimit-remaining-tokens': '140000', 'x-ratelimit-reset-tokens': '6m0s' };
    expect(rateLimitResetMs(h, NOW)).toBe(1_500);
    expect(retryDecision({ attempt: 1, status: 429, headers: h }, retries, () => 0, now)).toMatchObject({ retry: true, delayMs: 1_500 });
    // Tokens exhausted instead (Groq: the same headers).
    const g = { 'x-ratelimit-remaining-requests': '14370', 'x-ratelimit-reset-requests': '2m59.56s', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '7.66s' };
    expect(rateLimitResetMs(g, NOW)).toBe(7_660);
  });

  it('takes the latest reset when none says it is exhausted', () => {
    expect(rateLimitResetMs({ 'x-ratelimit-reset-requests': '120ms', 'x-ratelimit-reset-tokens': '900ms' }, NOW)).toBe(900);
  });

  it('reads Anthropic RFC 3339 timestamps, input and output token limits included', () => {
    const h = {
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': iso(1_000),
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': iso(4_000),
      'anthropic-ratelimit-output-tokens-remaining': '8000',
      'anthropic-ratelimit-output-tokens-reset': iso(60_000),
    };
    expect(rateLimitResetMs(h, NOW)).toBe(4_000);
    const out = { 'anthropic-ratelimit-output-tokens-remaining': '0', 'anthropic-ratelimit-output-tokens-reset': iso(40_000), 'anthropic-ratelimit-tokens-reset': iso(2_000) };
    // 40 s is past maxBackoffMs: no early retry against the provider's word, the fallback is next.
    expect(retryDecision({ attempt: 1, status: 429, headers: out }, retries, () => 0.5, now)).toMatchObject({ retry: false, delayMs: 40_000 });
  });

  it('tells OpenRouter epoch milliseconds from epoch seconds by magnitude; small numbers are seconds from now', () => {
    expect(rateLimitResetMs({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(NOW + 2_500) }, NOW)).toBe(2_500);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': String(NOW / 1000 + 30) }, NOW)).toBe(30_000);
    expect(rateLimitResetMs({ 'x-ratelimit-reset': '5' }, NOW)).toBe(5_000);
    // A reset already past: retry now.
    expect(rateLimitResetMs({ 'x-ratelimit-reset': String(NOW - 10_000) }, NOW)).toBe(0);
  });

  it('retry-after wins; reset headers count only on a 429; unreadable ones fall back to backoff', () => {
    const h = { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '3s' };
    expect(retryDecision({ attempt: 1, status: 429, retryAfter: '1', headers: h }, retries, () => 0, now)).toMatchObject({ retry: true, delayMs: 1_000 });
    // OpenAI sends these on every answer: on a 500 they say when a limit refills, nothing more.
    expect(retryDecision({ attempt: 1, status: 500, headers: { 'x-ratelimit-reset-tokens': '6m0s' } }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 50, reason: 'backoff' });
    expect(retryDecision({ attempt: 1, status: 429, headers: { 'x-ratelimit-reset-requests': 'later' } }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 50 });
    expect(rateLimitResetMs({}, NOW)).toBeUndefined();
    // Azure's "not reported" (-1 remaining, reset 0) is no answer: the jittered backoff, not a retry at once.
    const azure = { 'x-ratelimit-remaining-tokens': '-1', 'x-ratelimit-reset-tokens': '0', 'x-ratelimit-limit-tokens': '-1' };
    expect(rateLimitResetMs(azure, NOW)).toBeUndefined();
    expect(retryDecision({ attempt: 2, status: 429, headers: azure }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 100, reason: 'backoff' });
  });
});

describe('through the proxy: a 429 whose reset is past maxBackoffMs', () => {
  let upstream: ScriptedUpstream;
  let h: Harness;

  beforeAll(async () => {
    // OpenAI's wire shape: a 429 with its rate-limit headers and no retry-after (as on some 429s);
    // the fallback model answers.
    upstream = await scriptedUpstream({
      model: 'gpt-4o',
      status: 429,
      headers: {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '40s',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '2ms',
      },
      error: { message: 'Rate limit reached for gpt-4o on requests per min (RPM): Limit 500, Used 500.', type: 'requests', code: 'rate_limit_exceeded' },
    });
    h = await startHarness({ retries: { attempts: 2, backoffMs: 100, maxBackoffMs: 1_000 }, fallbacks: [{ from: 'gpt-4o', to: ['gpt-4o-mini'] }] }, { openai: { baseUrl: upstream.url } });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await upstream?.close();
  });

  it('goes to the fallback without calling the rate-limited model again', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-rl', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toBe('fallback answer');
    expect(response.headers.get('x-tollgate-fallback')).toBe('openai/gpt-4o-mini');
    expect(upstream.asked).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });
});
