/**
 * A routing rule limited by `match.provider` rewrites the model on the provider the request already
 * has (Tollgate's route stage never changes the provider). Team policy: "Anthropic traffic goes to
 * Haiku". Checked on Tollgate itself (real proxy, scripted upstreams in the real wire format), then
 * on the Bifrost export: its rule must target the request's provider, not the model's default one
 * (openai, for a name no glob or tier claims).
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../../proxy/src/export';
import { parsePolicy } from '../../../proxy/src/policy/load';
import { useTwoUpstreams, withProxy } from '../behaviour/twoUpstreams';

const up = useTwoUpstreams();

const policyText = (): string => `providers:
  openai: { baseUrl: "${up.openai.openaiBaseUrl}" }
  anthropic: { baseUrl: "${up.anthropic.anthropicBaseUrl}" }
  claude-eu: { kind: anthropic, baseUrl: "${up.anthropic.anthropicBaseUrl}", models: ["claude-*-eu"] }
cache: { enabled: false }
routing:
  rules:
    - name: anthropic-to-haiku
      match: { provider: "*anthropic*" }
      model: claude-3-5-haiku-20241022
    - name: eu-to-haiku
      match: { provider: claude-eu }
      model: claude-3-5-haiku-20241022
`;

type Rule = { cel_expression: string; targets: Array<{ provider?: string; model?: string }> };

describe('a provider-limited rule keeps the request on its provider', () => {
  it('in Tollgate, the rewritten model reaches the request’s own (anthropic) upstream', async () => {
    const parsed = parsePolicy(policyText(), 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    await withProxy(parsed.policy, async (url) => {
      up.reset();
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-client', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }),
      });
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      expect(up.anthropic.models()).toEqual(['claude-3-5-haiku-20241022']);
      expect(up.openai.models()).toEqual([]);
    });
  });

  it('in the Bifrost export, every rule for it targets a provider the rule matches', () => {
    const text = policyText();
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error('invalid');
    const config = JSON.parse(exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')?.content ?? '{}') as {
      governance: { routing_rules: Rule[] };
    };
    const rules = config.governance.routing_rules;
    const targetsOf = (cel: string) => rules.filter((r) => r.cel_expression === cel).flatMap((r) => r.targets);
    expect(targetsOf('provider == "anthropic"')).toEqual([{ provider: 'anthropic', model: 'claude-3-5-haiku-20241022', weight: 1 }]);
    expect(targetsOf('provider == "claude-eu"')).toEqual([{ provider: 'claude-eu', model: 'claude-3-5-haiku-20241022', weight: 1 }]);
    // Both rules, and nothing sends the model to openai.
    expect(rules.flatMap((r) => r.targets).some((t) => t.provider === 'openai')).toBe(false);
  });
});
