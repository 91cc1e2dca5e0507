/**
 * Tollgate's own response headers quote what the caller chose: the model it asked for in
 * `x-tollgate-downgrade` (and policy model names in -route / -fallback). Node refuses a header value
 * with a control character or a letter above U+00FF, so a budget downgrading `gpt-4o-мини` (a model
 * name typed with Cyrillic letters) answered 500 and never forwarded the call. The characters are
 * percent-encoded instead: the call goes through, and no CR/LF can start a header of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerValue } from '../../../proxy/src/http/http';
import { type Harness, startHarness } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    routing: { tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } },
    budgets: [{ name: 'tight', period: 'day', usd: 0.000001, action: 'downgrade' }],
  });
  // Spend the budget so every later call is downgraded.
  await chat('gpt-4o');
}, 60_000);
afterAll(async () => h?.close());

async function chat(model: string): Promise<Response> {
  const r = await fetch(`${h.proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-headers' },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: `hello ${Math.random()}` }] }),
  });
  await r.text();
  return r;
}

describe('a caller-chosen model name in Tollgate headers', () => {
  it.each(['gpt-4o-мини', 'gpt-4o\nX-Evil: 1', 'gpt-4o\u001b[2J', 'gpt-4o-😀'])('%j is downgraded and answered, its header percent-encoded', async (model) => {
    const r = await chat(model);
    expect(r.status).toBe(200);
    const downgrade = r.headers.get('x-tollgate-downgrade') ?? '';
    expect(downgrade).toContain(headerValue(model));
    expect(downgrade).toContain('gpt-4.1-nano');
    expect(r.headers.get('x-evil')).toBeNull();
  });

  it('leaves a valid value as it is (Latin-1 letters included)', () => {
    expect(headerValue('gpt-4o → gpt-4.1-nano')).toBe('gpt-4o %E2%86%92 gpt-4.1-nano');
    expect(headerValue('café; tab\there')).toBe('café; tab\there');
  });
});
