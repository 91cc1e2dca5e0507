/**
 * Tags are stored in plain text (ledger rows, summaries, the dashboard; TOLLGATE_CACHE_KEY does not
 * cover them). An API key sent as a tag — the request's own key, or any provider key — must not be
 * stored: a header is refused (without repeating it), a body field is not used as a tag.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeSecret } from '../../proxy/src/pipeline/identity';
import { startHarness, type Harness } from '../support/harness';

// Built at run time so no key-shaped literal sits in the repository.
const OWN_KEY = `sk-proj-${'Ab3'.repeat(20)}`;
const OTHER_KEY = `sk-ant-api03-${'xY9_'.repeat(12)}`;
const GOOGLE_KEY = `AIza${'Sy0Bq'.repeat(7)}`;

let h: Harness;
let client: OpenAI;

beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: OWN_KEY, maxRetries: 0 });
});
afterAll(async () => h.close());

const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });
const lastRow = () => h.proxy.services.ledger.page({}, 1).calls[0]!;

/** Every byte Tollgate keeps in its data directory (the SQLite file and its WAL). */
function stored(): string {
  h.proxy.services.db.pragma('wal_checkpoint(TRUNCATE)');
  return readdirSync(h.dataDir)
    .filter((f) => /\.(db|sqlite)(-wal)?$/.test(f))
    .map((f) => readFileSync(join(h.dataDir, f)).toString('latin1'))
    .join('\n');
}

describe('API keys sent as tags', () => {
  it('a tag header holding a key is refused with a 400 that does not repeat it, and the upstream is not called', async () => {
    const calls = h.upstream.calls();
    for (const [header, value] of [
      ['x-tollgate-user', OWN_KEY],
      ['x-tollgate-user', `Bearer ${OWN_KEY}`],
      ['x-tollgate-team', OTHER_KEY],
      ['x-tollgate-feature', GOOGLE_KEY],
    ] as const) {
      const err = await client.chat.completions.create(ask(`key in ${header}`), { headers: { [header]: value } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const message = (err as InstanceType<typeof OpenAI.BadRequestError>).message;
      expect(message).toContain(`${header} looks like an API key`);
      expect(message).not.toContain(value.slice(-20));
    }
    expect(h.upstream.calls()).toBe(calls);
  });

  it('a body `user` / metadata holding a key does not become a tag, and no key reaches the ledger file', async () => {
    await client.chat.completions.create({ ...ask('key in user'), user: OWN_KEY, metadata: { team: OTHER_KEY, feature: 'search' } });
    const row = lastRow();
    expect(row.status).toBe(200);
    expect(row.tags).toEqual({ feature: 'search' });
    const file = stored();
    expect(file).toContain('search');
    for (const key of [OWN_KEY, OTHER_KEY]) expect(file).not.toContain(key.slice(-24));
  });

  it('ids and names that merely start like a key are still tags', async () => {
    for (const user of ['sk-learn-team', 'sk-Marketing-2024', 'hf_research', 'skills-team', `sk-${'a1'.repeat(20)}`]) {
      expect(looksLikeSecret(user)).toBe(false);
      await client.chat.completions.create(ask(`look-alike ${user}`), { headers: { 'x-tollgate-user': user } });
      expect(lastRow().tags.user).toBe(user);
    }
  });
});
