/**
 * Canonical JSON and request hashing for the exact cache. Object keys are sorted and whitespace
 * is irrelevant, so key order or formatting never causes a miss; every parameter is part of the
 * key except the few that only change framing or attribution (listed below, and documented).
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Fields that do not change what the model answers: `stream`/`stream_options` only change
 * framing (a hit is replayed in the client's framing), `user`/`metadata` are attribution tags.
 */
export const KEY_EXCLUDED_FIELDS = ['stream', 'stream_options', 'user', 'metadata'] as const;

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function exactCacheKey(namespace: string, endpoint: string, provider: string, body: Record<string, unknown>): string {
  const keyed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!(KEY_EXCLUDED_FIELDS as readonly string[]).includes(k)) keyed[k] = v;
  return sha256(`${namespace}\n${endpoint}\n${provider}\n${canonicalJson(keyed)}`);
}
