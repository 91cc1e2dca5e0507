/**
 * A budget of $0 (or 0 tokens) with `action: block` switches its scope off: the gateway exports
 * block such a key or team outright (LiteLLM `blocked: true`), and the refusal says it "refuses
 * every call it covers". The proxy admitted budgets only after its caches (hits are free), so a key
 * switched off went on getting every answer it had asked for before, from the cache. Through the
 * proxy with the official OpenAI SDK, the fake upstream and a real SQLite file; the policy is
 * changed in place as a hot reload does.
 */
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../proxy/src/db/open';
import { PolicySchema, type PolicyInput } from '../../proxy/src/policy/schema';
import { startHarness, type Harness } from '../support/harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ask = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: 'the same question' }] }).withResponse();

/** The caller's key fingerprint, as the ledger recorded it (a budget's `key` scope names it). */
function fingerprint(dataDir: string): string {
  const db = new Db(join(dataDir, 'tollgate.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT key_fingerprint AS k FROM calls ORDER BY id LIMIT 1').get() as { k: string }).k;
  } finally {
    db.close();
  }
}

describe('a $0 budget and the cache', () => {
  for (const limit of [{ usd: 0 }, { tokens: 0 }] as const) {
    it(`${JSON.stringify(limit)} with action block: an answer cached before the key was switched off is refused too`, async () => {
      h = await startHarness({});
      const client = new OpenAI({ apiKey: 'sk-switched-off', baseURL: h.openaiBaseUrl, maxRetries: 0 });
      await ask(client);
      const hit = await ask(client);
      expect(hit.response.headers.get('x-tollgate-cache')).toBe('exact');

      const frozen: PolicyInput = { budgets: [{ name: 'off', scope: { key: fingerprint(h.dataDir) }, period: 'day', ...limit }] };
      h.proxy.services.policy.set(PolicySchema.parse({ ...frozen, providers: h.proxy.services.policy.policy.providers }));
      const sent = h.upstream.requests.length;
      const refused = await ask(client).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
      const e = refused as InstanceType<typeof OpenAI.RateLimitError>;
      expect(e.message).toContain('refuses every call it covers');
      expect(e.headers?.get('x-tollgate-cache')).toBeNull();
      expect(h.upstream.requests.length).toBe(sent);
    });
  }

  for (const action of ['downgrade', 'allow'] as const) {
    it(`a $0 budget with action ${action} still serves the free hit`, async () => {
      h = await startHarness({});
      const client = new OpenAI({ apiKey: `sk-${action}-only`, baseURL: h.openaiBaseUrl, maxRetries: 0 });
      await ask(client);
      const frozen: PolicyInput = { budgets: [{ name: 'watch', scope: { key: fingerprint(h.dataDir) }, period: 'day', usd: 0, action }] };
      h.proxy.services.policy.set(PolicySchema.parse({ ...frozen, providers: h.proxy.services.policy.policy.providers }));
      const hit = await ask(client);
      expect(hit.response.headers.get('x-tollgate-cache')).toBe('exact');
    });
  }
});
