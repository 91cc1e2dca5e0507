/**
 * docs/proxy.md on `x-tollgate-budget`: `warn` when this call's worst case takes a budget past its
 * `warnAt` (its `used` counts that worst case, so it can read over 100 % before anything is spent),
 * `exceeded; …; action=…` once spend had reached the limit before the call. Checked on a real proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

describe('x-tollgate-budget as docs/proxy.md describes it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ budgets: [{ name: 'tiny', period: 'day', usd: 0.000001, action: 'allow' }] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const ask = async (content: string) => {
    const r = await fetch(`${h.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-docs-budget-header' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] }),
    });
    await r.text();
    return r.headers.get('x-tollgate-budget') ?? '';
  };

  it('reads warn with the worst case counted before any spend, then exceeded with the action', async () => {
    const first = await ask('budget header one');
    expect(first).toMatch(/^warn; name=tiny; used=\d+%; resets=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(/used=(\d+)%/.exec(first)?.[1])).toBeGreaterThan(100);
    const second = await ask('budget header two');
    expect(second).toMatch(/^exceeded; name=tiny; used=\d+%; resets=\S+; action=allow$/);
  });
});
