/** Cache encryption at rest: AES-256-GCM codec, key parsing, and use inside the real ExactCache. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactCache } from '../../proxy/src/cache/exactCache';
import { CacheDecryptError, CacheKeyError, codecFromEnv, createBodyCodec, parseCacheKey } from '../../proxy/src/cache/encryption';
import { openDatabase } from '../../proxy/src/db/open';

const key = randomBytes(32);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('createBodyCodec', () => {
  it('round-trips text including non-ASCII and empty strings', () => {
    const c = createBodyCodec(key);
    for (const s of ['', 'hello', '{"a":"ünïcødé 🚀"}', 'x'.repeat(100_000)]) expect(c.decode(c.encode(s))).toBe(s);
  });

  it('uses a fresh IV per value, a version prefix and never contains the plaintext', () => {
    const c = createBodyCodec(key);
    const a = c.encode('the secret answer');
    const b = c.encode('the secret answer');
    expect(a).not.toBe(b);
    expect(a.startsWith('tg1:')).toBe(true);
    expect(a).not.toContain('secret');
    const raw = Buffer.from(a.slice(4), 'base64');
    expect(raw.length).toBe(12 + Buffer.byteLength('the secret answer') + 16);
    expect(raw.subarray(0, 12).equals(Buffer.from(b.slice(4), 'base64').subarray(0, 12))).toBe(false);
  });

  it('tampering with any part (IV, ciphertext, tag) or the wrong key makes decode throw', () => {
    const c = createBodyCodec(key);
    const enc = c.encode('pay attention');
    const raw = Buffer.from(enc.slice(4), 'base64');
    for (const pos of [0, 11, 12, raw.length - 17, raw.length - 1]) {
      const t = Buffer.from(raw);
      t[pos] = t[pos]! ^ 0x01;
      expect(() => c.decode(`tg1:${t.toString('base64')}`)).toThrow(CacheDecryptError);
    }
    expect(() => createBodyCodec(randomBytes(32)).decode(enc)).toThrow(CacheDecryptError);
    expect(() => c.decode('{"plain":"json"}')).toThrow(CacheDecryptError);
    expect(() => c.decode('tg1:AAAA')).toThrow(CacheDecryptError);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createBodyCodec(randomBytes(16))).toThrow(CacheKeyError);
  });
});

describe('key parsing from the environment', () => {
  it('accepts 64 hex chars and base64 / base64url of 32 bytes, all giving the same key', () => {
    const hex = key.toString('hex');
    expect(parseCacheKey(hex).equals(key)).toBe(true);
    expect(parseCacheKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseCacheKey(key.toString('base64url')).equals(key)).toBe(true);
    const fromHex = codecFromEnv({ TOLLGATE_CACHE_KEY: hex })!;
    const fromB64 = codecFromEnv({ TOLLGATE_CACHE_KEY: key.toString('base64') })!;
    expect(fromB64.decode(fromHex.encode('same key'))).toBe('same key');
  });

  it('is undefined when unset or empty', () => {
    expect(codecFromEnv({})).toBeUndefined();
    expect(codecFromEnv({ TOLLGATE_CACHE_KEY: '  ' })).toBeUndefined();
  });

  it('gives a clear error for a malformed key without echoing it', () => {
    for (const bad of ['abc', 'zz'.repeat(32), randomBytes(16).toString('base64'), key.toString('hex') + '00', 'not a key at all!!']) {
      let err: unknown;
      try {
        codecFromEnv({ TOLLGATE_CACHE_KEY: bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CacheKeyError);
      expect((err as Error).message).toMatch(/TOLLGATE_CACHE_KEY must be 64 hex characters or base64 of 32 bytes/);
      expect((err as Error).message).not.toContain(bad);
    }
  });
});

describe('inside the real exact cache', () => {
  it('stores only ciphertext in the SQLite file and reads the plaintext back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-enc-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'tollgate.db'));
    const cache = new ExactCache(db, createBodyCodec(key));
    const marker = 'PLAINTEXT-ANSWER-7f3a91';
    const id = cache.put(
      {
        key: 'k1', namespace: 'ns', endpoint: '/v1/chat/completions', provider: 'openai', model: 'gpt-4o-mini',
        body: { choices: [{ message: { content: marker } }] },
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 } as never,
        costUsd: 0, prompt: `PROMPT-${marker}`, ttlSeconds: 60,
      },
      100,
    ).id;
    expect(cache.get('k1')?.body).toEqual({ choices: [{ message: { content: marker } }] });
    expect(cache.getById(id)?.prompt).toBe(`PROMPT-${marker}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const stored = db.prepare('SELECT body, prompt FROM cache_entries WHERE id = ?').get(id) as { body: string; prompt: string };
    expect(stored.body.startsWith('tg1:')).toBe(true);
    db.close();
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f)).includes(marker), f).toBe(false);
  });
});

describe('encryption at rest through the proxy', () => {
  it('with a cache key the database files hold no plaintext answer or prompt, and hits still replay', async () => {
    const { startProxy } = await import('../../proxy/src/server/start');
    const { startFakeUpstream } = await import('../support/fakeUpstream');
    const { PolicySchema } = await import('../../proxy/src/policy/schema');
    const upstream = await startFakeUpstream();
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-enc-e2e-'));
    dirs.push(dir);
    const policy = PolicySchema.parse({ providers: { openai: { baseUrl: upstream.openaiBaseUrl } } });
    const opts = { port: 0, dataDir: dir, policy, env: {}, cacheCodec: codecFromEnv({ TOLLGATE_CACHE_KEY: key.toString('hex') }) };
    const proxy = await startProxy(opts as Parameters<typeof startProxy>[0]);
    try {
      const ask = async () => {
        const r = await fetch(`${proxy.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer sk-enc' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'ENCRYPTME zebra quartz' }] }),
        });
        return { cache: r.headers.get('x-tollgate-cache'), body: (await r.json()) as { choices: Array<{ message: { content: string } }> } };
      };
      const first = await ask();
      const second = await ask();
      expect(second.cache).toBe('exact');
      expect(second.body).toEqual(first.body);
      const answer = first.body.choices[0]!.message.content;
      expect(answer).toContain('zebra quartz');
      proxy.services.db.pragma('wal_checkpoint(TRUNCATE)');
      for (const f of readdirSync(dir)) {
        if (!f.startsWith('tollgate.db')) continue;
        const bytes = readFileSync(join(dir, f));
        expect(bytes.includes(answer), f).toBe(false);
        expect(bytes.includes('"chat.completion"'), f).toBe(false);
      }
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
