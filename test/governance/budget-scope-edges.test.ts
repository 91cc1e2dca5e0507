/**
 * Two ways a budget's scope let calls through that its owner meant to stop, checked through the
 * proxy with the official OpenAI SDK against the fake upstream and a real SQLite file:
 * - `usd: 0` / `tokens: 0` (freeze a team's spend) was refused by the policy schema, and a limit of
 *   0 computed 0/0 = NaN, which no check saw as exceeded;
 * - `x-tollgate-team: Search` escaped a budget for `team: search` (tags were matched case-sensitively).
 */
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ask = (client: OpenAI, content: string, headers: Record<string, string>) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content }] }, { headers }).withResponse();

describe('a budget of $0 or 0 tokens freezes its scope', () => {
  it('the schema accepts 0 (not a negative figure)', () => {
    expect(PolicySchema.safeParse({ budgets: [{ name: 'frozen', period: 'day', usd: 0 }] }).success).toBe(true);
    expect(PolicySchema.safeParse({ budgets: [{ name: 'frozen', period: 'day', tokens: 0 }] }).success).toBe(true);
    expect(PolicySchema.safeParse({ budgets: [{ name: 'frozen', period: 'day', usd: -1 }] }).success).toBe(false);
  });

  for (const limit of [{ usd: 0 }, { tokens: 0 }] as const) {
    it(`${JSON.stringify(limit)}: every call of the team is refused before it is sent, saying so; other teams pass`, async () => {
      h = await startHarness({ budgets: [{ name: 'frozen', scope: { team: 'search' }, period: 'day', ...limit }] });
      const client = new OpenAI({ apiKey: 'sk-frozen', baseURL: h.openaiBaseUrl, maxRetries: 0 });
      const seen = h.upstream.requests.length;
      const refused = await ask(client, 'hello', { 'x-tollgate-team': 'search' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      const e = refused as InstanceType<typeof OpenAI.RateLimitError>;
      expect(e.message).toContain(`is ${'usd' in limit ? '$0' : '0 tokens'}: it refuses every call`);
      expect(e.message).not.toMatch(/NaN|Infinity/);
      expect(h.upstream.requests.length).toBe(seen);
      const other = await ask(client, 'hello', { 'x-tollgate-team': 'ads' });
      expect(other.response.status).toBe(200);
      const budgets = (await (await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as Array<{ name: string; level: string; ratio: number; forecast: { used: number } }>;
      const frozen = budgets.find((b) => b.name === 'frozen');
      expect(frozen?.level).toBe('exceeded');
      // Full now and at the period's end: the forecast read a limit of 0 as no limit (0 %).
      expect([frozen?.ratio, frozen?.forecast.used]).toEqual([1, 1]);
    });
  }

  it('a $0 downgrade budget sends the team to the cheapest tier instead', async () => {
    h = await startHarness({
      budgets: [{ name: 'frozen', scope: { team: 'search' }, period: 'day', usd: 0, action: 'downgrade' }],
      routing: { tiers: { openai: { small: 'gpt-4.1-nano', medium: 'gpt-4.1-mini', large: 'gpt-4.1' } } },
    });
    const client = new OpenAI({ apiKey: 'sk-frozen', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: 'gpt-4.1', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] }, { headers: { 'x-tollgate-team': 'search' } })
      .withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-tollgate-budget')).toMatch(/^exceeded; name=frozen; .*action=downgrade/);
    expect(h.upstream.requests.at(-1)?.body).toMatchObject({ model: 'gpt-4.1-nano' });
  });
});

describe('budget scopes match tags whatever their case', () => {
  it('x-tollgate-team: Search is held by the budget for team search; the ledger keeps the tag as sent', async () => {
    h = await startHarness({ budgets: [{ name: 'search-day', scope: { team: 'search', feature: 'Chat*' }, period: 'day', usd: 0.000001 }] });
    const client = new OpenAI({ apiKey: 'sk-case', baseURL: h.openaiBaseUrl, maxRetries: 0 });
    const first = await ask(client, 'first', { 'x-tollgate-team': 'Search', 'x-tollgate-feature': 'chat-box' });
    expect(first.response.status).toBe(200);
    const second = await ask(client, 'second', { 'x-tollgate-team': 'SEARCH', 'x-tollgate-feature': 'CHAT-box' }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OpenAI.RateLimitError);
    expect((second as Error).message).toContain('"search-day"');
    const rows = h.proxy.services.ledger.page({}, 10).calls;
    expect(rows.map((r) => r.tags.team)).toContain('Search');
  });
});
