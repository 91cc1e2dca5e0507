/**
 * Portkey reads cache.max_age in seconds, from 60 s to 90 days (docs.portkey.ai "Cache TTL":
 * `{"mode": "semantic", "max_age": 60}` expires after 60 seconds; the gateway bundle's cache API,
 * setWithTtl, also takes seconds). A team caching for 10 minutes must not get a 7-day (or
 * 19-year) TTL on Portkey's hosted gateway; a TTL outside Portkey's range is clamped and warned.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';

function portkey(yaml: string) {
  const p = parsePolicy(yaml, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  const r = exportPolicy(p.policy, 'portkey', { file: 'policy.yaml', text: yaml });
  const config = JSON.parse(r.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { cache?: { max_age: number } };
  return { maxAge: config.cache?.max_age, warnings: r.warnings };
}

describe('Portkey cache max_age', () => {
  it.each([
    [600, 600],
    [86_400, 86_400],
    [604_800, 604_800],
  ])('ttlSeconds %i is max_age %i (seconds), no clamp warning', (ttl, age) => {
    const r = portkey(`cache: { enabled: true, ttlSeconds: ${ttl} }\n`);
    expect(r.maxAge).toBe(age);
    expect(r.warnings.filter((w) => w.field === 'cache.ttlSeconds')).toEqual([]);
  });

  it.each([
    [30, 60, 'longer'],
    [31_536_000, 7_776_000, 'shorter'],
  ])('ttlSeconds %i is clamped to %i and warned', (ttl, age, how) => {
    const r = portkey(`cache: { enabled: true, ttlSeconds: ${ttl} }\n`);
    expect(r.maxAge).toBe(age);
    expect(r.warnings.find((w) => w.field === 'cache.ttlSeconds')?.message).toContain(`live ${how} than in Tollgate`);
  });
});
