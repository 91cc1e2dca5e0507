/**
 * With TOLLGATE_CACHE_KEY set, no prompt text is stored in the clear: not the exact cache's prompt
 * (it was already encrypted), not the ledger's prompt preview, not the semantic cache's text.
 * Checked on the raw bytes of the database and its WAL, with the real USE-lite model and a
 * semantic hit in between. The decrypted text is only served to a holder of the admin token.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitForEmbedder, type Harness } from '../support/harness';

const KEY = 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(16) + 'd'.repeat(16);
const SECRET_PROMPT = 'How do I reset the password of the Zanzibar payroll account?';
const PARAPHRASE = 'How can I reset the password of the Zanzibar payroll account?';
let h: Harness;

beforeAll(async () => {
  // A generous embed timeout: on a loaded machine the default 250 ms turns lookups into misses.
  h = await startHarness({ cache: { semantic: { enabled: true, backend: 'use-lite', wrongAnswerCostUsd: 0, embedTimeoutMs: 10_000 } } }, { env: { TOLLGATE_CACHE_KEY: KEY } });
  await waitForEmbedder(h.proxy.url);
}, 180_000);
afterAll(async () => h?.close());

describe('prompt text at rest with TOLLGATE_CACHE_KEY', () => {
  it('is never in the database files in the clear, and a semantic hit still works', async () => {
    const client = new OpenAI({ baseURL: h.openaiBaseUrl, apiKey: 'sk-encrypted-a', maxRetries: 0 });
    const ask = (content: string) =>
      client.chat.completions
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] })
        .withResponse()
        .then(({ response }) => response.headers.get('x-tollgate-cache'));
    expect(await ask(SECRET_PROMPT)).toBe('miss');
    // The semantic insert happens after the response: wait until the entry is there.
    for (let i = 0; i < 200 && h.proxy.services.db.prepare('SELECT COUNT(*) AS n FROM semantic_entries').pluck().get() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await ask(PARAPHRASE)).toBe('semantic');

    const db = h.proxy.services.db;
    const texts = db.prepare('SELECT text FROM semantic_entries').pluck().all() as string[];
    const previews = db.prepare('SELECT prompt_preview FROM calls').pluck().all() as string[];
    expect(texts.length).toBeGreaterThan(0);
    expect(previews.length).toBe(2);
    for (const t of [...texts, ...previews]) expect(t.startsWith('tg1:')).toBe(true);

    const needle = Buffer.from('Zanzibar');
    for (const f of readdirSync(h.dataDir).filter((n) => n.startsWith('tollgate.db'))) {
      expect(readFileSync(join(h.dataDir, f)).includes(needle), f).toBe(false);
    }
  });

  it('the API decrypts previews for the admin token holder only', async () => {
    const anonymous = await fetch(`${h.proxy.url}/tollgate/calls`);
    expect(anonymous.status).toBe(401);
    const page = (await (await fetch(`${h.proxy.url}/tollgate/calls`, { headers: { authorization: `Bearer ${h.proxy.adminToken}` } })).json()) as { calls: Array<{ promptPreview?: string }> };
    expect(page.calls.map((c) => c.promptPreview)).toContain(SECRET_PROMPT);
  });
});
