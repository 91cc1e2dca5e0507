/**
 * docs/proxy.md and docs/reliability.md say that turning TOLLGATE_CACHE_KEY on over an existing data
 * directory needs no `tollgate cache clear`: rows written in plaintext read as misses and are
 * replaced, and old prompt previews are not shown. Checked on a real proxy, restarted on the same
 * directory with a key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codecFromEnv } from '../../proxy/src/cache/encryption';
import { PolicySchema } from '../../proxy/src/policy/schema';
import { startProxy } from '../../proxy/src/server/start';
import { startFakeUpstream } from '../support/fakeUpstream';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('turning cache encryption on over a plaintext data directory', () => {
  it('serves a fresh answer (no error), stores it encrypted and hits it next time; old previews are hidden', async () => {
    const upstream = await startFakeUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-docs-enc-'));
    dirs.push(dir);
    const policy = PolicySchema.parse({ providers: { openai: { baseUrl: upstream.openaiBaseUrl } } });
    const prompt = 'PLAINFIRST walrus lantern';
    const ask = async (url: string) => {
      const r = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-docs-enc' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
      });
      return { status: r.status, cache: r.headers.get('x-tollgate-cache'), content: ((await r.json()) as { choices?: Array<{ message: { content: string } }> }).choices?.[0]?.message.content };
    };
    const calls = async (url: string, token: string) =>
      ((await (await fetch(`${url}/tollgate/calls`, { headers: { authorization: `Bearer ${token}` } })).json()) as { calls: Array<{ promptPreview?: string }> }).calls;

    try {
      // 1. No key: the answer is cached in plaintext.
      const plain = await startProxy({ port: 0, dataDir: dir, policy, env: {} } as Parameters<typeof startProxy>[0]);
      let plainAnswer: string | undefined;
      try {
        expect((await ask(plain.url)).cache).toBe('miss');
        const hit = await ask(plain.url);
        expect(hit.cache).toBe('exact');
        plainAnswer = hit.content;
      } finally {
        await plain.close();
      }
      const callsBefore = upstream.calls();

      // 2. Same directory, now with a key: the plaintext row is a miss, not an error, and is replaced.
      const key = randomBytes(32).toString('hex');
      const opts = { port: 0, dataDir: dir, policy, env: {}, cacheCodec: codecFromEnv({ TOLLGATE_CACHE_KEY: key }) };
      const enc = await startProxy(opts as Parameters<typeof startProxy>[0]);
      try {
        const first = await ask(enc.url);
        expect(first.status).toBe(200);
        expect(first.cache).toBe('miss');
        expect(upstream.calls()).toBe(callsBefore + 1);
        const second = await ask(enc.url);
        expect(second.cache).toBe('exact');
        expect(second.content).toBe(first.content);
        expect(second.content).not.toBe(plainAnswer); // the fake numbers its answers: this one is new

        // Previews: the rows written without the key show none; the new ones decrypt.
        const rows = await calls(enc.url, enc.adminToken);
        expect(rows).toHaveLength(4);
        expect(rows.slice(0, 2).map((r) => r.promptPreview)).toEqual([prompt, prompt]);
        expect(rows.slice(2).map((r) => r.promptPreview)).toEqual([undefined, undefined]);

        // And the replaced answer is stored encrypted.
        enc.services.db.pragma('wal_checkpoint(TRUNCATE)');
        for (const f of readdirSync(dir).filter((n) => n.startsWith('tollgate.db'))) {
          expect(readFileSync(join(dir, f)).includes(second.content!), f).toBe(false);
        }
      } finally {
        await enc.close();
      }
    } finally {
      await upstream.close();
    }
  }, 60_000);
});
