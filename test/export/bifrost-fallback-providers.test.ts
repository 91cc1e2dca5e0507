/**
 * Bifrost fallbacks keep the request's provider as the proxy does: an unprefixed `to` model is
 * tried on the provider the failing request went to (a Claude request on anthropic falls back on
 * anthropic), and a `provider/…` `from` only applies to that provider's requests.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { fallbackTargets } from '../../proxy/src/governance/fallback';
import { parsePolicy } from '../../proxy/src/policy/load';

interface Rule {
  id: string;
  cel_expression: string;
  fallbacks?: string[];
}

function fallbackRules(fallbacks: string): Rule[] {
  const text = `fallbacks:\n${fallbacks}`;
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const r = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const config = JSON.parse(r.files.find((f) => f.path === 'config.json')!.content) as { governance?: { routing_rules?: Rule[] } };
  return (config.governance?.routing_rules ?? []).filter((x) => x.id.startsWith('fallback-'));
}

/** The fallbacks Bifrost would use for a request, taking the first rule whose provider clause allows it. */
function fallbacksFor(rules: Rule[], provider: string): string[] | undefined {
  const rule = rules.find((x) => !/provider == /.test(x.cel_expression) || x.cel_expression.includes(`provider == "${provider}"`));
  return rule?.fallbacks;
}

describe('Bifrost fallback providers', () => {
  it('an unprefixed target stays on the failing request’s provider', () => {
    const rules = fallbackRules('  - from: "claude-*"\n    to: [claude-3-haiku-20240307]\n');
    expect(fallbacksFor(rules, 'anthropic')).toEqual(['anthropic/claude-3-haiku-20240307']);
    expect(fallbacksFor(rules, 'openai')).toEqual(['openai/claude-3-haiku-20240307']);
    for (const r of rules) expect(r.cel_expression).toContain('model.matches("^claude-.*$")');
  });

  it('a provider-prefixed from applies to that provider’s requests only', () => {
    const rules = fallbackRules('  - from: "anthropic/*"\n    to: [openai/gpt-4o-mini]\n');
    expect(rules).toHaveLength(1);
    expect(rules[0]!.cel_expression).toBe('model.matches("^.*$") && provider == "anthropic"');
    expect(rules[0]!.fallbacks).toEqual(['openai/gpt-4o-mini']);
  });

  it('a list of provider-prefixed targets needs no provider clause', () => {
    const rules = fallbackRules('  - from: gpt-4o\n    to: [anthropic/claude-sonnet-4-5]\n');
    expect(rules.map((r) => [r.cel_expression, r.fallbacks])).toEqual([['model == "gpt-4o"', ['anthropic/claude-sonnet-4-5']]]);
  });
});

describe('Bifrost export: a from the proxy matches as provider/model', () => {
  // Bifrost's CEL sees the bare model; read as JavaScript, the exported expressions are tested on it.
  const holds = (expr: string, model: string, provider: string): boolean =>
    new Function('model', 'provider', `return ${expr.replace(/model\.matches\(("(?:[^"\\]|\\.)*")\)/g, 'new RegExp($1).test(model)').replace(/==/g, '===')};`)(model, provider) as boolean;

  it('takes the bare models Tollgate takes, on each provider', () => {
    const text = 'fallbacks:\n  - { from: "*/gpt-4o", to: [anthropic/claude-3-5-haiku-latest] }\n  - { from: "anth*", to: [claude-3-5-haiku-latest] }\n';
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const rules = fallbackRules(text.slice('fallbacks:\n'.length));
    for (const provider of ['openai', 'anthropic'])
      for (const model of ['gpt-4o', 'gpt-4o-mini', 'x/gpt-4o', 'claude-sonnet-4-5']) {
        const want = fallbackTargets(model, provider, parsed.policy).map((t) => `${t.provider}/${t.model}`);
        expect(rules.find((r) => holds(r.cel_expression, model, provider))?.fallbacks ?? [], `${provider}/${model}`).toEqual(want);
      }
  });
});
