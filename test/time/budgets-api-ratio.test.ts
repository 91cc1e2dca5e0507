/**
 * GET /tollgate/budgets while a call is in flight, through the real proxy and the openai SDK (the
 * fake upstream delays its answer): `ratio` is settled spend / limit, as contract/api.ts says and
 * as the gauges' "$x of $y" text reads, and the call's worst case shows as `reservedUsd` instead.
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { BudgetStatus } from '../../contract/api';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function budgets(hh: Harness): Promise<BudgetStatus[]> {
  const res = await fetch(`${hh.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${hh.proxy.adminToken}` } });
  return (await res.json()) as BudgetStatus[];
}

const ratioOf = (b: BudgetStatus): number =>
  Math.max(b.limitUsd ? b.spentUsd / b.limitUsd : 0, b.limitTokens ? b.spentTokens / b.limitTokens : 0);

describe('GET /tollgate/budgets ratio', () => {
  it('is spent / limit while a call holds a reservation, and moves once the call settles', async () => {
    h = await startHarness({ budgets: [{ name: 'daily', period: 'day', usd: 0.01, tokens: 1_000_000 }] });
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-time', maxRetries: 0 });
    const ask = (extra: string) => client.chat.completions.create({ model: 'gpt-4o', max_tokens: 4000, messages: [{ role: 'user', content: `hello ${extra}` }] });
    await ask('first [[fake:words=10]]');
    const settled = (await budgets(h))[0]!;
    expect(settled.spentUsd).toBeGreaterThan(0);
    expect(settled.ratio).toBeCloseTo(ratioOf(settled), 12);

    const inFlight = ask('second [[fake:slow=1500]] [[fake:words=10]]');
    let during: BudgetStatus | undefined;
    for (let i = 0; i < 100 && !(during?.reservedUsd ?? 0); i++) {
      during = (await budgets(h))[0]!;
      if (!during.reservedUsd) await new Promise((r) => setTimeout(r, 20));
    }
    // gpt-4o with max_tokens 4000 reserves ~$0.04, four times the limit: the old ratio read > 4.
    expect(during!.reservedUsd).toBeGreaterThan(0.01);
    expect(during!.spentUsd).toBeCloseTo(settled.spentUsd, 12);
    expect(during!.ratio).toBeCloseTo(ratioOf(during!), 12);
    expect(during!.ratio).toBeLessThan(1);
    await inFlight;
    const after = (await budgets(h))[0]!;
    expect(after.reservedUsd).toBe(0);
    expect(after.ratio).toBeGreaterThan(settled.ratio);
    expect(after.ratio).toBeCloseTo(ratioOf(after), 12);
  });
});
