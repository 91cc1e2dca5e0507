/**
 * Property-based: varied valid policies nobody wrote by hand (generatedPolicySupport.ts: providers
 * incl. custom OpenAI-compatible ones, cache and semantic settings, tiers/rules/flex, budgets of every
 * scope, period and action, rate limits, fallbacks with globs and provider prefixes, tags) are
 * exported to LiteLLM, Portkey and Bifrost. Each export must not throw, validate against the
 * transcribed gateway definitions and Portkey's config shape, be stable, hold no key value, keep its
 * internal references intact and name a policy field in every warning. Below the property: the
 * failures it found, each as a fixed example.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ExportResult, type ExportTarget, exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { exportProblems, policyText } from './generatedPolicySupport';

const RUNS = 150;

describe('exports of generated policies', () => {
  it('are valid, stable, secret-free and warn with a field, on every target', () => {
    let valid = 0;
    let generated = 0;
    fc.assert(
      fc.property(policyText, (text) => {
        generated++;
        // Skip what the schema rejects (e.g. a rule name used twice): only valid policies are exported.
        const parsed = parsePolicy(text, 'policy.yaml');
        fc.pre(parsed.ok);
        valid++;
        if (parsed.ok) expect(exportProblems(text, parsed.policy), text).toEqual([]);
      }),
      { numRuns: RUNS, seed: Number(process.env.TOLLGATE_FC_SEED ?? 20250101) },
    );
    // The generator must mostly produce valid policies, or the property says little.
    // (fc.pre draws again after a skip, so it is the share of all drawn that says how much is covered.)
    expect(valid / generated).toBeGreaterThan(0.8);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a parsed gateway config, read field by field
type Obj = Record<string, any>;

function run(text: string, target: ExportTarget): ExportResult {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
}
const config = (text: string, target: ExportTarget): Obj => {
  const r = run(text, target);
  const file = r.files.find((f) => f.path === (target === 'litellm' ? 'config.yaml' : 'config.json'))?.content ?? '';
  return (target === 'litellm' ? parse(file) : JSON.parse(file)) as Obj;
};
const warned = (text: string, target: ExportTarget, field: string): boolean => run(text, target).warnings.some((w) => w.field === field);

describe('failures the generator found (fixed examples)', () => {
  it('LiteLLM: fallbacks for one model group are one entry (its router reads only the first)', () => {
    const text = 'fallbacks:\n  - { from: "gpt-*", to: [anthropic/claude-sonnet-4-5] }\n  - { from: gpt-4o, to: [gpt-4o-mini, anthropic/claude-sonnet-4-5] }\n';
    expect(exportProblems(text)).toEqual([]);
    const fallbacks = config(text, 'litellm').router_settings.fallbacks as Obj[];
    // Tollgate tries both entries for gpt-4o, in policy order, each model once.
    expect(fallbacks.filter((f) => 'gpt-4o' in f)).toEqual([{ 'gpt-4o': ['anthropic/claude-sonnet-4-5', 'gpt-4o-mini'] }]);
  });

  it('LiteLLM: the first rule renaming a model wins, as in Tollgate; the later one is warned', () => {
    const text = 'routing:\n  rules:\n    - { name: a, match: { model: smart }, model: gpt-4o }\n    - { name: b, match: { model: smart }, model: o3 }\n';
    expect(config(text, 'litellm').router_settings.model_group_alias).toEqual({ smart: 'gpt-4o' });
    expect(warned(text, 'litellm', 'routing.rules[1]')).toBe(true);
  });

  it('Bifrost: a renamed built-in provider does not replace a policy provider of that name', () => {
    const text = 'providers:\n  ollama: { baseUrl: "https://ollama.example.com/v1" }\n  ollama-tollgate: { baseUrl: "https://other.example.com/v1", apiKeyEnv: OTHER_KEY }\n';
    expect(exportProblems(text)).toEqual([]);
    const providers = config(text, 'bifrost').providers as Obj;
    expect(Object.keys(providers).sort()).toEqual(['anthropic', 'ollama-tollgate', 'ollama-tollgate-2', 'openai']);
    expect(providers['ollama-tollgate'].keys[0].value).toBe('env.OTHER_KEY');
    expect(providers['ollama-tollgate-2'].network_config.base_url).toBe('https://ollama.example.com');
  });

  it('Bifrost rule ids and Portkey target names stay distinct when policy names meet', () => {
    const text =
      'routing:\n  tiers: { openai: { small: gpt-4o-mini } }\n  rules:\n    - { name: x, match: { feature: a }, tier: small }\n    - { name: x-openai, match: { feature: b }, model: o3 }\n';
    expect(exportProblems(text)).toEqual([]);
    const rules = config(text, 'bifrost').governance.routing_rules as Obj[];
    expect(rules.find((r) => r.name === 'x-openai')?.targets).toEqual([{ provider: 'openai', model: 'o3', weight: 1 }]);
    const portkey = config(text, 'portkey');
    const then = (portkey.strategy.conditions as Obj[]).find((c) => c.query['metadata.feature']?.$eq === 'b')?.then;
    expect((portkey.targets as Obj[]).filter((t) => t.name === then).map((t) => t.override_params.model)).toEqual(['o3']);
  });

  it('Bifrost: teams whose names sanitise alike keep their own rate limits', () => {
    const text = 'rateLimits:\n  - { name: a, scope: { team: "a:b" }, rpm: 1 }\n  - { name: b, scope: { team: "a-b" }, rpm: 2 }\n';
    expect(exportProblems(text)).toEqual([]);
    const gov = config(text, 'bifrost').governance;
    const limitOf = (team: string): number => (gov.rate_limits as Obj[]).find((l) => l.id === (gov.teams as Obj[]).find((t) => t.name === team)?.rate_limit_id)?.request_max_limit;
    expect([limitOf('a:b'), limitOf('a-b')]).toEqual([1, 2]);
  });

  it('Portkey: a provider named "anthropic-protocol" does not take the Anthropic-protocol target', () => {
    const text = 'providers:\n  anthropic-protocol: { models: ["ap-*"], apiKeyEnv: AP_KEY }\n';
    expect(exportProblems(text)).toEqual([]);
    const portkey = config(text, 'portkey');
    const target = (query: string): Obj | undefined => {
      // The provider's condition also names the path (`$and`); the Anthropic-protocol one names only the path.
      const then = (portkey.strategy.conditions as Obj[]).find((c) => (query === 'params.model' ? JSON.stringify(c.query).includes(query) : query in c.query))?.then;
      return (portkey.targets as Obj[]).find((t) => t.name === then);
    };
    expect(target('params.model')?.api_key).toBe('${AP_KEY}');
    expect(target('url.pathname')?.api_key).toBe('${ANTHROPIC_API_KEY}');
  });

  it('a provider name starting with a digit gets a key variable shells can set, the one the proxy reads', () => {
    const text = 'providers:\n  9router: { baseUrl: "https://router.example.com/v1", models: ["r-*"] }\n';
    expect(exportProblems(text)).toEqual([]);
    expect(JSON.stringify(config(text, 'litellm'))).toContain('os.environ/_9ROUTER_API_KEY');
    expect(JSON.stringify(config(text, 'portkey'))).toContain('${_9ROUTER_API_KEY}');
    expect(config(text, 'bifrost').providers['9router'].keys[0].value).toBe('env._9ROUTER_API_KEY');
    // The proxy derives the same name (policy/schema.ts derivedKeyEnv), so there is nothing to warn about.
    for (const target of ['litellm', 'bifrost'] as const) expect(warned(text, target, 'providers.9router.apiKeyEnv')).toBe(false);
  });

  it('a rule with an empty model routes by its tier, as the proxy does', () => {
    const text = 'routing:\n  tiers: { openai: { small: gpt-4o-mini } }\n  rules:\n    - { name: r, match: { feature: f }, model: "", tier: small }\n';
    expect(exportProblems(text)).toEqual([]);
    const rules = config(text, 'bifrost').governance.routing_rules as Obj[];
    expect(rules.find((r) => r.name.startsWith('r '))?.targets).toEqual([{ provider: 'openai', model: 'gpt-4o-mini', weight: 1 }]);
    const models = (config(text, 'portkey').targets as Obj[]).filter((t) => t.name.startsWith('rule-')).map((t) => t.override_params.model);
    expect(models).toEqual(['gpt-4o-mini']);
  });
});
