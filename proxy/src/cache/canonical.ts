/**
 * Canonical JSON and request hashing for the exact cache. Object keys are sorted and whitespace
 * is irrelevant, so key order or formatting never causes a miss; every parameter is part of the
 * key except the few that only change framing or attribution (listed below, and documented).
 */
import { hash } from 'node:crypto';

/** Sorted keys, no whitespace, `undefined` members dropped (array slots: null). Built by appending: no array per level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${value[i] === undefined ? 'null' : canonicalJson(value[i])}`;
    return `${out}]`;
  }
  out = '{';
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * Fields that do not change what the model answers: `stream`/`stream_options` only change
 * framing (a hit is replayed in the client's framing), `user`/`metadata` are attribution tags.
 */
export const KEY_EXCLUDED_FIELDS = ['stream', 'stream_options', 'user', 'metadata'] as const;

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

export function exactCacheKey(namespace: string, endpoint: string, provider: string, body: Record<string, unknown>): string {
  const keyed: Record<string, unknown> = {};
  for (const k in body) if (!(KEY_EXCLUDED_FIELDS as readonly string[]).includes(k)) keyed[k] = body[k];
  return sha256(`${namespace}\n${endpoint}\n${provider}\n${canonicalJson(keyed)}`);
}
