import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { PolicySchema, policyJsonSchema, resolveProviders } from '../../proxy/src/policy/schema';
import { PolicyError, PolicyStore } from '../../proxy/src/policy/store';

describe('policy schema', () => {
  it('the smallest useful policy (only upstreams) is valid and gets defaults', () => {
    const r = parsePolicy('providers:\n  openai: { baseUrl: "http://127.0.0.1:11434/v1" }\n  anthropic: { baseUrl: "https://api.anthropic.com" }\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.cache.enabled).toBe(true);
    expect(r.policy.server.port).toBe(4141);
    const providers = resolveProviders(r.policy);
    expect(providers.get('openai')?.baseUrl).toBe('http://127.0.0.1:11434/v1');
    expect(providers.get('anthropic')?.authHeader).toBe('x-api-key');
  });

  it('an empty file is the default policy; extra OpenAI-compatible providers get sensible defaults', () => {
    const r = parsePolicy('providers:\n  openrouter: { baseUrl: "https://openrouter.ai/api/v1", models: ["*/*"] }\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = resolveProviders(r.policy).get('openrouter');
    expect(p).toMatchObject({ kind: 'openai', apiKeyEnv: 'OPENROUTER_API_KEY', authHeader: 'authorization' });
    expect(parsePolicy('').ok).toBe(true);
  });

  it('reports file, line, column and reason for schema errors', () => {
    const r = parsePolicy('cache:\n  enabled: true\n  ttlSeconds: "soon"\nproviders:\n  openai:\n    baseUrl: 42\n', 'repo/.tollgate/policy.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const ttl = r.problems.find((p) => p.path === 'cache.ttlSeconds');
    expect(ttl).toMatchObject({ file: 'repo/.tollgate/policy.yaml', line: 3, column: 15 });
    expect(r.problems.find((p) => p.path === 'providers.openai.baseUrl')?.line).toBe(6);
  });

  it('points an unknown (misspelt) key at its own line, nested or at the top level', () => {
    const r = parsePolicy('cache:\n  enabled: true\n  semantc:\n    enabled: true\nbogus: 1\n', 'p.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = (key: string) => r.problems.find((p) => p.message.includes(`"${key}"`));
    expect(at('semantc')).toMatchObject({ line: 3, column: 3, path: 'cache' });
    expect(at('bogus')).toMatchObject({ line: 5, column: 1 });
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parsePolicy('providers:\n  openai: { baseUrl: "x"\ncache: [\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.line).toBeGreaterThan(1);
  });

  it('rejects unknown keys (typos never pass silently)', () => {
    const r = parsePolicy('cache:\n  enabeld: false\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/enabeld/);
  });


  it('rejects a second budget, rate limit or rule with a name already used, at its own line', () => {
    // Spend and rate windows are kept under the name: a copied budget with only its scope changed
    // would otherwise count both teams' calls against one counter.
    const yaml = [
      'budgets:',
      '  - { name: monthly, scope: { team: search }, period: month, usd: 100 }',
      '  - { name: monthly, scope: { team: ads }, period: month, usd: 50 }',
      'rateLimits:',
      '  - { name: rpm, rpm: 60 }',
      '  - { name: rpm, scope: { team: ads }, rpm: 10 }',
      'routing:',
      '  rules:',
      '    - { name: short, tier: small }',
      '    - { name: other, tier: medium }',
      '    - { name: short, tier: large }',
    ].join('\n');
    const r = parsePolicy(yaml, 'p.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.path, p.line]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      ['budgets.1.name', 3],
      ['rateLimits.1.name', 6],
      ['routing.rules.2.name', 11],
    ]);
    expect(r.problems.find((p) => p.path === 'budgets.1.name')?.message).toContain('"monthly" is already the name of budgets.0');
    // Distinct names stay valid.
    expect(parsePolicy(yaml.replace('{ name: monthly, scope: { team: ads }', '{ name: ads-monthly, scope: { team: ads }').replace('{ name: rpm, scope', '{ name: ads-rpm, scope').replace('{ name: short, tier: large }', '{ name: long, tier: large }')).ok).toBe(true);
  });
  it('emits a JSON Schema generated from the zod schema', () => {
    const s = policyJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(s.properties).sort()).toEqual(Object.keys(PolicySchema.shape).sort());
  });
});

describe('policy hot reload', () => {
  let store: PolicyStore | undefined;
  afterEach(async () => store?.close());

  it('applies a valid edit, keeps the last good policy on an invalid one and says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'cache:\n  ttlSeconds: 60\n');
    store = PolicyStore.open(file);
    await store.watch();
    expect(store.policy.cache.ttlSeconds).toBe(60);
    const changed = new Promise((r) => store!.once('change', r));
    writeFileSync(file, 'cache:\n  ttlSeconds: 120\n');
    await changed;
    expect(store.policy.cache.ttlSeconds).toBe(120);
    const invalid = new Promise<unknown>((r) => store!.once('invalid', r));
    writeFileSync(file, 'cache:\n  ttlSeconds: -5\n');
    const problems = (await invalid) as Array<{ line: number; path: string }>;
    expect(problems[0]).toMatchObject({ line: 2, path: 'cache.ttlSeconds' });
    expect(store.policy.cache.ttlSeconds).toBe(120);
  });

  it('refuses to start on a corrupt policy file with a readable error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'budgets:\n  - name: x\n    period: fortnight\n');
    expect(() => PolicyStore.open(file)).toThrow(PolicyError);
    expect(() => PolicyStore.open(file)).toThrow(/policy\.yaml:3:\d+: budgets\.0\.period/);
  });
});
