/** Retry/backoff maths (injected random and clock) and fallback target order. */
import { describe, expect, it } from 'vitest';
import { fallbackTargets, parseRetryAfter, retryDecision } from '../../proxy/src/governance/retry';
import { retryAfterMs } from '../../proxy/src/governance/retryAfter';
import { policy } from './helpers';

const retries = policy({ retries: { attempts: 3, backoffMs: 100, maxBackoffMs: 1000 } }).retries;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const now = () => NOW;

describe('retryDecision', () => {
  it('full jitter: delay = random × min(max, base × 2^(attempt−1))', () => {
    expect(retryDecision({ attempt: 1, status: 500 }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 50 });
    expect(retryDecision({ attempt: 2, status: 503 }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 100 });
    expect(retryDecision({ attempt: 3, status: 429 }, retries, () => 0.5, now)).toMatchObject({ retry: true, delayMs: 200 });
    // The ceiling is capped by maxBackoffMs.
    const big = { ...retries, attempts: 10 };
    expect(retryDecision({ attempt: 8, status: 500 }, big, () => 0.999, now).delayMs).toBeLessThan(1000);
    expect(retryDecision({ attempt: 8, status: 500 }, big, () => 0.5, now).delayMs).toBe(500);
    expect(retryDecision({ attempt: 1, status: 500 }, retries, () => 0, now).delayMs).toBe(0);
  });

  it('stops after the configured number of retries', () => {
    expect(retryDecision({ attempt: 3, status: 500 }, retries, () => 0.5, now).retry).toBe(true);
    expect(retryDecision({ attempt: 4, status: 500 }, retries, () => 0.5, now).retry).toBe(false);
  });

  it('retries 429/5xx/connect/timeout/reset, not 400 or 401', () => {
    expect(retryDecision({ attempt: 1, status: 400 }, retries).retry).toBe(false);
    expect(retryDecision({ attempt: 1, status: 401 }, retries).retry).toBe(false);
    expect(retryDecision({ attempt: 1, errorKind: 'connect' }, retries).retry).toBe(true);
    expect(retryDecision({ attempt: 1, errorKind: 'timeout' }, retries).retry).toBe(true);
    expect(retryDecision({ attempt: 1, errorKind: 'reset' }, retries).retry).toBe(true);
    const onlyTimeouts = { ...retries, retryOn: ['timeout' as const] };
    expect(retryDecision({ attempt: 1, errorKind: 'connect' }, onlyTimeouts).retry).toBe(false);
  });

  it('never retries once a stream reached the client', () => {
    expect(retryDecision({ attempt: 1, status: 500, streamStarted: true }, retries).retry).toBe(false);
  });

  it('honours retry-after in seconds and as an HTTP date', () => {
    expect(retryDecision({ attempt: 1, status: 429, retryAfter: '0.7' }, retries, () => 0.1, now)).toMatchObject({ retry: true, delayMs: 700 });
    const date = new Date(NOW + 800).toUTCString(); // HTTP dates have 1 s resolution
    expect(retryDecision({ attempt: 1, status: 429, retryAfter: date }, retries, () => 0.1, now)).toMatchObject({ retry: true, delayMs: 0 });
    const later = new Date(NOW + 1000).toUTCString();
    expect(retryDecision({ attempt: 1, status: 503, retryAfter: later }, retries, () => 0.1, now)).toMatchObject({ retry: true, delayMs: 1000 });
  });

  it('does not retry early when retry-after asks for longer than maxBackoffMs (falls back instead)', () => {
    const d = retryDecision({ attempt: 1, status: 429, retryAfter: '30' }, retries, () => 0.5, now);
    expect(d.retry).toBe(false);
    expect(d.delayMs).toBe(30_000);
  });

  it('ignores an unparseable retry-after and backs off normally', () => {
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(retryDecision({ attempt: 2, status: 429, retryAfter: 'soon' }, retries, () => 0.5, now).delayMs).toBe(100);
  });
});

describe('fallbackTargets', () => {
  const p = policy({
    providers: { openrouter: { baseUrl: 'https://openrouter.ai/api/v1' } },
    fallbacks: [
      { from: 'gpt-4.1*', to: ['gpt-4.1-mini', 'anthropic/claude-sonnet-4-5', 'openrouter/openai/gpt-4o'] },
      { from: 'gpt-4.1', to: ['gpt-4.1-mini', 'gpt-4o'] },
      { from: 'claude-*', to: ['openai/gpt-4.1'] },
    ],
  });

  it('lists matching targets in policy order, switching provider on a known prefix', () => {
    expect(fallbackTargets('gpt-4.1', 'openai', p)).toEqual([
      { provider: 'openai', model: 'gpt-4.1-mini' },
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
      { provider: 'openrouter', model: 'openai/gpt-4o' },
      { provider: 'openai', model: 'gpt-4o' },
    ]);
  });

  it('leaves out the failing target itself and unknown prefixes stay part of the model id', () => {
    expect(fallbackTargets('gpt-4.1-mini', 'openai', p).map((t) => `${t.provider}:${t.model}`)).toEqual([
      'anthropic:claude-sonnet-4-5',
      'openrouter:openai/gpt-4o',
    ]);
    const q = policy({ fallbacks: [{ from: 'm', to: ['meta-llama/llama-3'] }] });
    expect(fallbackTargets('m', 'local', q)).toEqual([{ provider: 'local', model: 'meta-llama/llama-3' }]);
    expect(fallbackTargets('claude-opus-4-1', 'anthropic', p)).toEqual([{ provider: 'openai', model: 'gpt-4.1' }]);
    expect(fallbackTargets('other', 'openai', p)).toEqual([]);
  });

  it("keeps only targets of the client's wire protocol when it is given", () => {
    expect(fallbackTargets('gpt-4.1', 'openai', p, 'openai').map((t) => `${t.provider}:${t.model}`)).toEqual(['openai:gpt-4.1-mini', 'openrouter:openai/gpt-4o', 'openai:gpt-4o']);
    expect(fallbackTargets('gpt-4.1', 'openai', p, 'anthropic')).toEqual([{ provider: 'anthropic', model: 'claude-sonnet-4-5' }]);
    expect(fallbackTargets('claude-opus-4-1', 'anthropic', p, 'anthropic')).toEqual([]);
  });
});

describe('retryAfterMs (the reader the upstream embedder shares)', () => {
  it('reads a fetch Response\'s headers: retry-after-ms first, else seconds or an RFC 9110 HTTP date', () => {
    const read = (init: Record<string, string>) => retryAfterMs(Object.fromEntries(new Headers(init)), Date.UTC(2026, 9, 21, 7, 27, 30));
    expect(read({ 'Retry-After': 'Wed, 21 Oct 2026 07:28:00 GMT' })).toBe(30_000);
    expect(read({ 'Retry-After': '7' })).toBe(7000);
    expect(read({ 'Retry-After': '7', 'Retry-After-Ms': '250' })).toBe(250);
    expect(read({ 'Retry-After': 'Wed, 21 Oct 2026 07:27:00 GMT' })).toBe(0);
    expect(read({ 'Retry-After': 'soon' })).toBeUndefined();
    expect(read({})).toBeUndefined();
  });
});
