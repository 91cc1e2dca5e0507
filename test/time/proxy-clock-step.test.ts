/**
 * The real proxy (in this process, so vitest's fake Date is its wall clock) behind the openai SDK,
 * with the fake upstream speaking OpenAI's wire format: an RPM limit when the wall clock steps an
 * hour back (an NTP correction, a resumed VM) keeps refusing for at most one window, not an hour.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  vi.useRealTimers();
});

describe('the proxy when the wall clock steps back', () => {
  it('an hour back: retry-after stays within the 60 s window and calls go through after it', async () => {
    // Only Date is faked: sockets and timers run for real.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2026, 10, 23, 12, 0, 0));
    h = await startHarness({ rateLimits: [{ name: 'rpm', rpm: 3 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-time', maxRetries: 0 });
    const ask = (i: number) => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: `question ${i} [[fake:words=5]]` }] });
    for (let i = 0; i < 3; i++) await ask(i);
    vi.setSystemTime(Date.now() - 3_600_000);
    const refused = await ask(3).then(
      () => undefined,
      (e: unknown) => e as { status?: number; headers?: Headers },
    );
    expect(refused?.status).toBe(429);
    const retryAfter = Number(refused?.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    vi.setSystemTime(Date.now() + retryAfter * 1000);
    await expect(ask(4)).resolves.toMatchObject({ object: 'chat.completion' });
  });
});
