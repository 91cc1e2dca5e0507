/**
 * A routing rule without `match.provider` whose model belongs to the other protocol's provider.
 * Tollgate's route stage moves a call to the provider a rule's model belongs to only within the
 * request's protocol (bodies are not translated), so for an OpenAI-protocol request a Claude id
 * reaches the OpenAI upstream (observed here on a real proxy with two scripted upstreams); the
 * exporters send the model to the provider it resolves to. Whatever the runtime does, Tollgate and an
 * export must never differ silently: where the provider that got the model in Tollgate is not the one
 * the export targets, the export and `policy validate` warn at that rule, naming both providers.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { Policy } from '../../proxy/src/policy/schema';
import { locatedWarnings } from '../../proxy/src/policy/warnings';
import { useTwoUpstreams, withProxy } from './behaviour/twoUpstreams';

const up = useTwoUpstreams();

const policyText = (): string => `providers:
  openai: { baseUrl: "${up.openai.openaiBaseUrl}", models: ["gpt-*"] }
  anthropic: { baseUrl: "${up.anthropic.anthropicBaseUrl}", models: ["claude-*"] }
cache: { enabled: false }
routing:
  rules:
    - name: support-to-claude
      match: { feature: support }
      model: claude-sonnet-4-5
    - name: legacy-to-claude
      match: { model: gpt-3.5-turbo }
      model: claude-haiku-4-5
    - name: claude-stays
      match: { provider: anthropic, feature: docs }
      model: claude-haiku-4-5
`;

function parsed(text: string): Policy {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
}

/** Which provider each rule's model goes to in an export, when the target exports the rule at all. */
function exportedProvider(policy: Policy, text: string, target: 'litellm' | 'portkey' | 'bifrost', index: number): string | undefined {
  const files = exportPolicy(policy, target, { file: 'policy.yaml', text }).files;
  const name = policy.routing.rules[index]!.name;
  if (target === 'bifrost') {
    const config = JSON.parse(files.find((f) => f.path === 'config.json')!.content) as { governance: { routing_rules: Array<{ name: string; targets: Array<{ provider: string }> }> } };
    return config.governance.routing_rules.find((r) => r.name === name)?.targets[0]?.provider;
  }
  if (target === 'portkey') {
    const config = JSON.parse(files.find((f) => f.path === 'config.json')!.content) as { targets?: Array<{ name: string; provider?: string; custom_host?: string }> };
    const t = config.targets?.find((x) => x.name === `rule-${name}`);
    return t?.custom_host?.startsWith(up.anthropic.anthropicBaseUrl) && t.provider === 'anthropic' ? 'anthropic' : t?.provider;
  }
  // LiteLLM exports only a rule that renames one model, as an alias to the model group of its target.
  const config = parse(files.find((f) => f.path === 'config.yaml')!.content) as {
    model_list: Array<{ model_name: string; litellm_params: { api_base: string } }>;
    router_settings: { model_group_alias?: Record<string, string> };
  };
  const rule = policy.routing.rules[index]!;
  const group = rule.match.model !== undefined ? config.router_settings.model_group_alias?.[rule.match.model] : undefined;
  const base = config.model_list.find((d) => d.model_name === group)?.litellm_params.api_base;
  return base === undefined ? undefined : base === up.anthropic.anthropicBaseUrl ? 'anthropic' : base === up.openai.openaiBaseUrl ? 'openai' : base;
}

describe('a rule without match.provider: Tollgate and the exports never differ silently', () => {
  it('Tollgate keeps the request’s provider; every export that differs warns at the rule, and so does validate', async () => {
    const text = policyText();
    const policy = parsed(text);
    // What Tollgate does: the upstream that got the rewritten model, per rule.
    const tollgate: Array<string | undefined> = [];
    await withProxy(policy, async (url) => {
      const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0 });
      const requests: Array<{ model: string; feature?: string }> = [{ model: 'gpt-4o', feature: 'support' }, { model: 'gpt-3.5-turbo' }];
      for (const r of requests) {
        up.reset();
        await client.chat.completions.create({ model: r.model, messages: [{ role: 'user', content: 'hi' }] }, r.feature ? { headers: { 'x-tollgate-feature': r.feature } } : {});
        tollgate.push(up.openai.models().length > 0 ? 'openai' : up.anthropic.models().length > 0 ? 'anthropic' : undefined);
      }
      // Today's runtime: the Claude ids went to the OpenAI upstream (reported to the routing owner).
      expect([up.openai.models(), up.anthropic.models()]).toEqual([['claude-haiku-4-5'], []]);
    });

    const located = locatedWarnings(policy, text, 'policy.yaml');
    let differences = 0;
    for (const target of ['litellm', 'portkey', 'bifrost'] as const) {
      const warnings = exportPolicy(policy, target, { file: 'policy.yaml', text }).warnings;
      tollgate.forEach((sentTo, i) => {
        const exported = exportedProvider(policy, text, target, i);
        if (exported === undefined || exported === sentTo) return;
        differences++;
        const warning = warnings.find((w) => w.field === `routing.rules[${i}].model`);
        expect(warning?.message, `${target} rule ${i}: Tollgate → ${sentTo}, export → ${exported}`).toContain(`to ${exported}`);
        expect(warning?.message).toContain(sentTo);
        // validate says it at the rule's own line (the "- name:" line).
        const line = text.split('\n').findIndex((l) => l.includes(`name: ${policy.routing.rules[i]!.name}`)) + 1;
        expect(located.find((w) => w.path === `routing.rules.${i}`)?.line).toBe(line);
      });
    }
    // Portkey and Bifrost export the feature rule, all three the model rename: five differences.
    expect(differences).toBe(5);
  }, 30_000);

  it('does not warn where both send the model to the same provider (match.provider names it)', () => {
    const text = policyText();
    const policy = parsed(text);
    for (const target of ['litellm', 'portkey', 'bifrost'] as const)
      expect(exportPolicy(policy, target, { file: 'policy.yaml', text }).warnings.filter((w) => w.field === 'routing.rules[2].model')).toEqual([]);
    expect(locatedWarnings(policy, text, 'policy.yaml').map((w) => w.path)).not.toContain('routing.rules.2');
  });

  it('a provider/model target within the rule’s own provider: Tollgate drops the prefix as the exports do, no warning', () => {
    const text = 'routing:\n  rules:\n    - name: haiku\n      match: { provider: anthropic }\n      model: anthropic/claude-haiku-4-5\n';
    const policy = parsed(text);
    expect(locatedWarnings(policy, text, 'policy.yaml').find((x) => x.path === 'routing.rules.0')).toBeUndefined();
  });

  it('warns where the prefix still reaches a provider: a rule also matching the other protocol’s requests', () => {
    const text = 'routing:\n  rules:\n    - name: haiku\n      match: { feature: docs }\n      model: anthropic/claude-haiku-4-5\n';
    const policy = parsed(text);
    const w = locatedWarnings(policy, text, 'policy.yaml').find((x) => x.path === 'routing.rules.0');
    expect(w?.message).toContain('prefix included');
    expect(w?.message).toContain('openai');
    expect(w?.line).toBe(3);
  });
});
