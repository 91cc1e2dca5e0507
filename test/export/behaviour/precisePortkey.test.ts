/**
 * Portkey findings that are about the config and its warnings rather than a request outcome: the
 * cache's max_age unit, the semantic cache the open-source build never stores, the fixed retry
 * backoff, connection retries that retryOn cannot turn off, and the pinned gateway versions every
 * export names. The behaviour itself is observed in sideBySide.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportTarget } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';

function exported(target: ExportTarget, yaml: string) {
  const p = parsePolicy(yaml, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return exportPolicy(p.policy, target, { file: 'policy.yaml', text: yaml });
}
const warning = (r: ReturnType<typeof exported>, field: string): string => r.warnings.filter((w) => w.field === field).map((w) => w.message).join('\n');

describe('Portkey cache', () => {
  const r = exported('portkey', 'cache: { enabled: true, ttlSeconds: 600, semantic: { enabled: true } }\n');
  const config = JSON.parse(r.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { cache?: { max_age: number; mode: string } };

  it('writes max_age in seconds, the unit Portkey documents (60 s to 90 days)', () => {
    expect(config.cache).toEqual({ mode: 'semantic', max_age: 600 });
  });

  it('warns that the open-source build caches nothing and stores no semantic entries', () => {
    expect(warning(r, 'cache.enabled')).toContain('every request reaches the upstream');
    expect(warning(r, 'cache.semantic.enabled')).toContain('never stores semantic-cache entries');
  });
});

describe('Portkey retries', () => {
  it("warns about Portkey's fixed backoff even when the policy keeps Tollgate's default backoff", () => {
    const r = exported('portkey', 'retries: { attempts: 2 }\n');
    expect(warning(r, 'retries.backoffMs')).toMatch(/fixed 1 s, 2 s, 4 s/);
  });

  it('warns that connection failures are retried although retryOn leaves "connect" out', () => {
    const r = exported('portkey', 'retries: { attempts: 1, retryOn: [429, 500] }\n');
    expect(warning(r, 'retries.retryOn')).toContain('always retries a failed connection');
  });

  it('retries timeouts as status 408 when retryOn has "timeout", and says nothing false about it', () => {
    const r = exported('portkey', 'retries: { attempts: 1, retryOn: [429, timeout] }\n');
    const config = JSON.parse(r.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { retry: { on_status_codes: number[] } };
    expect(config.retry.on_status_codes).toEqual([408, 429]);
    expect(warning(r, 'retries.retryOn')).not.toContain('not retried');
  });
});

describe('every export names the gateway version it targets', () => {
  it.each([
    ['bifrost', 'Bifrost v1.5.0'],
    ['litellm', 'budget_limits'],
    ['portkey', '@portkey-ai/gateway 1.15.2'],
  ] as const)('%s', (target, pin) => {
    const readme = exported(target, 'budgets: [{ name: b, period: day, usd: 1 }]\n').files.find((f) => f.path === 'README.md')?.content ?? '';
    expect(readme).toMatch(/## Gateway version\n\nWritten for /);
    expect(readme).toContain(pin);
    expect(readme).toContain('Older versions: ');
  });
});
