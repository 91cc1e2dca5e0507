/**
 * LiteLLM and Bifrost exports validated against definitions taken from those projects
 * (see litellmSchema.ts and bifrostSchema.ts for the sources and commits).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2019 from 'ajv/dist/2019';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { bifrostSchemaSubset } from './bifrostSchema';
import { ConfigYAML, Management } from './litellmSchema';
import { runApply } from './support/liteLLMApply';

const here = dirname(fileURLToPath(import.meta.url));
const FULL = readFileSync(join(here, '..', 'fixtures', 'export', 'full-policy.yaml'), 'utf8');

/** Policies that exercise different branches: everything set, nothing set, exact-only cache, no cache. */
const POLICIES: Record<string, string> = {
  full: FULL,
  empty: '{}\n',
  exactCacheOnly: 'cache: { enabled: true, semantic: { enabled: false } }\nbudgets: [{ name: b, scope: { team: t }, period: day, tokens: 1000 }]\n',
  noCache: 'cache: { enabled: false }\nrateLimits: [{ name: g, tpm: 1000 }]\nretries: { attempts: 0, backoffMs: 500 }\n',
  semanticNoThreshold: 'cache: { semantic: { enabled: true } }\nproviders: { ollama: { baseUrl: "http://127.0.0.1:11434/v1" } }\n',
};

function files(text: string, target: ExportTarget): Map<string, string> {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return new Map(exportPolicy(parsed.policy, target, { file: 'policy.yaml', text }).files.map((f) => [f.path, f.content]));
}

describe('LiteLLM export against ConfigYAML (zod transcription, strict)', () => {
  for (const [name, text] of Object.entries(POLICIES)) {
    it(`config.yaml and management.json of the "${name}" policy validate`, () => {
      const out = files(text, 'litellm');
      const config = ConfigYAML.safeParse(parse(out.get('config.yaml') as string));
      expect(config.success ? [] : config.error.issues).toEqual([]);
      const management = Management.safeParse(JSON.parse(out.get('management.json') as string));
      expect(management.success ? [] : management.error.issues).toEqual([]);
    });
  }

  it('the schema is strict: a misspelled router setting fails', () => {
    const config = parse(files(FULL, 'litellm').get('config.yaml') as string) as { router_settings: Record<string, unknown> };
    config.router_settings.num_retry = 3;
    expect(ConfigYAML.safeParse(config).success).toBe(false);
  });

  it('apply.mjs posts every management request to a running proxy, updating what already exists', async () => {
    const out = files(FULL, 'litellm');
    // A stand-in for LiteLLM's management API: the team "search" already exists, so /team/new fails.
    const { code, calls: seen } = await runApply(out, (c) => (c.path === '/team/new' && c.body.team_id === 'search' ? 400 : 200));
    expect(code).toBe(0);
    // alice's budget only warns (action: allow), so no user or user key is created for it (allow-budget.test.ts).
    // The existing team is read first (/team/info), so an update keeps its metadata and knows who blocked it.
    // Then every team and key is listed, to unblock those an earlier export froze and this one does not.
    expect(seen.map((s) => s.path)).toEqual(['/team/new', '/team/info', '/team/update', '/key/generate', '/team/list', '/key/list']);
    expect(seen.some((s) => s.body.user_id === 'alice')).toBe(false);
    expect(seen.every((s) => s.auth === 'Bearer sk-master-test')).toBe(true);
    expect(seen[1]?.query.get('team_id')).toBe('search');
    expect(seen[2]?.body).toMatchObject({ team_id: 'search', max_budget: 20, rpm_limit: 60 });
    expect(out.get('apply.mjs')).not.toContain('sk-master-test');
  });
});

describe("Bifrost export against Bifrost's config schema (subset, ajv)", () => {
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(bifrostSchemaSubset);

  for (const [name, text] of Object.entries(POLICIES)) {
    it(`config.json of the "${name}" policy validates`, () => {
      const ok = validate(JSON.parse(files(text, 'bifrost').get('config.json') as string));
      expect(ok ? [] : validate.errors).toEqual([]);
    });
  }

  it('the schema rejects what Bifrost rejects: unknown keys, a literal key, weights out of range', () => {
    const base = (): Record<string, unknown> => JSON.parse(files(FULL, 'bifrost').get('config.json') as string) as Record<string, unknown>;
    const unknownKey = base();
    (unknownKey.governance as Record<string, unknown>).budget = [];
    expect(validate(unknownKey)).toBe(false);
    const literalKey = base();
    ((literalKey.providers as Record<string, { keys: Array<{ value: string }> }>).openai?.keys[0] as { value: string }).value = 'sk-live-123';
    expect(validate(literalKey)).toBe(false);
    const badWeight = base();
    const rules = (badWeight.governance as { routing_rules: Array<{ targets: Array<{ weight: number }> }> }).routing_rules;
    (rules[0]?.targets[0] as { weight: number }).weight = 0;
    expect(validate(badWeight)).toBe(false);
  });

  it('routing-rule weights sum to 1 (Bifrost rejects rules whose weights do not)', () => {
    const config = JSON.parse(files(FULL, 'bifrost').get('config.json') as string) as {
      governance: { routing_rules: Array<{ targets: Array<{ weight: number }> }> };
    };
    for (const rule of config.governance.routing_rules) {
      const sum = rule.targets.reduce((s, t) => s + t.weight, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
    }
  });
});
