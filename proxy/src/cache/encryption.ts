/**
 * Optional encryption at rest for cached bodies: AES-256-GCM with a fresh random 12-byte IV per
 * value and the 16-byte auth tag appended, stored as `tg1:<base64(iv ‖ ciphertext ‖ tag)>`.
 * The version prefix lets a later format (or key rotation) coexist with rows written by this one.
 * The key comes from the environment (`TOLLGATE_CACHE_KEY`), which the extension fills from
 * SecretStorage; it is never written to disk by Tollgate.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CacheBodyCodec } from './exactCache';

export const CACHE_KEY_ENV = 'TOLLGATE_CACHE_KEY';
const PREFIX = 'tg1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class CacheKeyError extends Error {}
export class CacheDecryptError extends Error {}

export function createBodyCodec(key: Buffer): CacheBodyCodec {
  if (key.length !== KEY_BYTES) throw new CacheKeyError(`cache encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  // Copy so a caller zeroing or reusing its buffer cannot change the key under us.
  const k = Buffer.from(key);
  return {
    encode(plain: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
    },
    decode(stored: string): string {
      if (!stored.startsWith(PREFIX)) throw new CacheDecryptError('cached value is not in the tg1 encrypted format');
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new CacheDecryptError('cached value is too short to be encrypted data');
      const iv = raw.subarray(0, IV_BYTES);
      const tag = raw.subarray(raw.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        // GCM refuses a tampered value or the wrong key; never hand back unauthenticated bytes.
        throw new CacheDecryptError('cached value failed authentication (tampered, or encrypted with another key)');
      }
    },
  };
}

/** Parses a key given as 64 hex characters or as base64 of exactly 32 bytes. */
export function parseCacheKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === KEY_BYTES) return b;
  }
  // Never echo the value: it is a secret even when malformed.
  throw new CacheKeyError(
    `${CACHE_KEY_ENV} must be 64 hex characters or base64 of 32 bytes (e.g. \`openssl rand -hex 32\`); the value given (${t.length} characters) is neither`,
  );
}

/** The codec configured by `TOLLGATE_CACHE_KEY`, or undefined when it is unset or empty. */
export function codecFromEnv(env: NodeJS.ProcessEnv): CacheBodyCodec | undefined {
  const v = env[CACHE_KEY_ENV];
  if (v === undefined || v.trim() === '') return undefined;
  return createBodyCodec(parseCacheKey(v));
}
