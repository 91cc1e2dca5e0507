/**
 * Routing rules scoped with `match.provider` keep that scope in every export, or are left out with a
 * warning — never exported broader than they are (a rule for OpenAI calls must not rewrite Claude
 * calls on the gateway either).
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const text = `routing:
  tiers:
    openai: { small: gpt-4.1-nano, large: gpt-4.1 }
    anthropic: { small: claude-3-5-haiku-latest, large: claude-sonnet-4-5 }
  rules:
    - name: autocomplete-nano
      match: { feature: autocomplete, provider: openai }
      model: gpt-4.1-nano
    - name: long-large
      match: { provider: anthropic, model: "claude-*" }
      tier: large
`;

function exported(target: 'bifrost' | 'portkey' | 'litellm') {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
}

describe('match.provider in exports', () => {
  it('Bifrost: the model rule carries a provider clause, the tier rule exists for the named provider only', () => {
    const r = exported('bifrost');
    const config = JSON.parse(r.files.find((f) => f.path === 'config.json')!.content) as { governance: { routing_rules: Array<{ name: string; cel_expression: string }> } };
    const rules = config.governance.routing_rules;
    const nano = rules.find((x) => x.name === 'autocomplete-nano')!;
    expect(nano.cel_expression).toContain('provider == "openai"');
    expect(nano.cel_expression).toContain('x-tollgate-feature');
    const large = rules.filter((x) => x.name.startsWith('long-large'));
    expect(large.map((x) => x.name)).toEqual(['long-large (anthropic)']);
  });

  it('Portkey: cannot see the provider Tollgate resolved, so the rule is not exported and says so', () => {
    const r = exported('portkey');
    const config = r.files.find((f) => f.path.endsWith('.json'))!.content;
    expect(config).not.toContain('rule-autocomplete-nano');
    expect(r.warnings.some((w) => w.field === 'routing.rules[0].match.provider' && w.message.includes('not exported'))).toBe(true);
  });

  it('LiteLLM: not a plain model alias; the warning names the provider condition', () => {
    const r = exported('litellm');
    const config = r.files.find((f) => f.path === 'config.yaml')!.content;
    expect(config).not.toMatch(/model_group_alias:[\s\S]*claude-\*/);
    const w = r.warnings.find((x) => x.field === 'routing.rules[1]');
    expect(w?.message).toContain('provider anthropic');
  });
});
