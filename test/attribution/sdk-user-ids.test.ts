/**
 * Who pays, as real apps say it: the end-user id an SDK puts on the wire must reach the ledger,
 * the per-user budgets and the summaries alike. Through the real openai SDK and the AI SDK against
 * the real proxy, the fake provider behind it.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetStatus, Summary } from '../../contract/api';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness({
    budgets: [
      { name: 'alice-day', scope: { user: 'alice-7f3a' }, period: 'day', usd: 100 },
      { name: 'auth0-users', scope: { user: 'auth0|*' }, period: 'day', usd: 100 },
    ],
  });
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-attribution', maxRetries: 0 });
});
afterAll(async () => h.close());

const lastRow = () => h.proxy.services.ledger.page({}, 1).calls[0]!;
const admin = () => ({ authorization: `Bearer ${h.proxy.adminToken}` });
async function budget(name: string): Promise<BudgetStatus> {
  const all = (await (await fetch(`${h.proxy.url}/tollgate/budgets`, { headers: admin() })).json()) as BudgetStatus[];
  return all.find((b) => b.name === name)!;
}
async function byUser(): Promise<Map<string, number>> {
  const s = (await (await fetch(`${h.proxy.url}/tollgate/summary?by=user`, { headers: admin() })).json()) as Summary;
  return new Map(s.by.map((b) => [b.key, b.calls]));
}
const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });

describe('safety_identifier (OpenAI’s successor to `user`) tags the call’s user', () => {
  it('chat completions, streamed or not, Responses and the AI SDK’s safetyIdentifier: ledger row, per-user budget and summary', async () => {
    const before = (await budget('alice-day')).spentUsd;
    await client.chat.completions.create({ ...ask('safety id chat'), safety_identifier: 'alice-7f3a' });
    expect(lastRow().tags.user).toBe('alice-7f3a');

    const stream = await client.chat.completions.create({ ...ask('safety id stream'), stream: true, safety_identifier: 'alice-7f3a' });
    for await (const _ of stream) {
      // drained: the row is written when the stream ends
    }
    expect(lastRow().tags.user).toBe('alice-7f3a');

    await client.responses.create({ model: 'gpt-4o-mini', input: 'safety id responses', safety_identifier: 'alice-7f3a' });
    expect([lastRow().endpoint, lastRow().tags.user]).toEqual(['responses', 'alice-7f3a']);

    const ai = createOpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-attribution' });
    await generateText({ model: ai('gpt-4o-mini'), prompt: 'safety id ai sdk', providerOptions: { openai: { safetyIdentifier: 'alice-7f3a' } } });
    expect(lastRow().tags.user).toBe('alice-7f3a');

    // The budget scoped to that user was charged for all four calls, and the summary groups them.
    const spent = h.proxy.services.ledger.page({ user: 'alice-7f3a' }, 10).calls.reduce((s, c) => s + c.costUsd, 0);
    expect(spent).toBeGreaterThan(0);
    expect((await budget('alice-day')).spentUsd - before).toBeCloseTo(spent, 9);
    expect((await byUser()).get('alice-7f3a')).toBe(4);
  });

  it('`user` still wins when both are sent, and a header wins over both', async () => {
    await client.chat.completions.create({ ...ask('both ids'), user: 'from-user', safety_identifier: 'from-safety' });
    expect(lastRow().tags.user).toBe('from-user');
    await client.chat.completions.create({ ...ask('header too'), user: 'from-user', safety_identifier: 'from-safety' }, { headers: { 'x-tollgate-user': 'from-header' } });
    expect(lastRow().tags.user).toBe('from-header');
  });

  it('prompt_cache_key is a cache shard, not a user: it tags nothing', async () => {
    await client.chat.completions.create({ ...ask('cache key only'), prompt_cache_key: 'shard-1' });
    expect(lastRow().tags.user).toBeUndefined();
  });
});

describe('identity-provider user ids with "|" (Auth0 `auth0|…`, `google-oauth2|…`)', () => {
  it('are kept from the x-tollgate-user header and from the body `user`, and the budget scoped to them applies', async () => {
    const before = (await budget('auth0-users')).spentUsd;
    await client.chat.completions.create(ask('auth0 header'), { headers: { 'x-tollgate-user': 'auth0|5f7c8ec7c33c6c004bbafe82' } });
    expect(lastRow().tags.user).toBe('auth0|5f7c8ec7c33c6c004bbafe82');
    await client.chat.completions.create({ ...ask('auth0 body'), user: 'auth0|64a1b2c3d4e5f60718293a4b' });
    expect(lastRow().tags.user).toBe('auth0|64a1b2c3d4e5f60718293a4b');
    await client.chat.completions.create({ ...ask('google body'), user: 'google-oauth2|112233445566778899' });
    expect(lastRow().tags.user).toBe('google-oauth2|112233445566778899');

    const spent = h.proxy.services.ledger
      .page({}, 10)
      .calls.filter((c) => c.tags.user?.startsWith('auth0|'))
      .reduce((s, c) => s + c.costUsd, 0);
    expect(spent).toBeGreaterThan(0);
    expect((await budget('auth0-users')).spentUsd - before).toBeCloseTo(spent, 9);
    const users = await byUser();
    expect(users.get('auth0|5f7c8ec7c33c6c004bbafe82')).toBe(1);
    const filtered = (await (await fetch(`${h.proxy.url}/tollgate/calls?user=${encodeURIComponent('google-oauth2|112233445566778899')}`, { headers: admin() })).json()) as { total: number };
    expect(filtered.total).toBe(1);
  });
});
