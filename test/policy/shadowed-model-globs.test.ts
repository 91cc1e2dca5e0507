/**
 * `policy validate` warns on a provider's model glob that an earlier provider always takes: the proxy
 * tries providers in the order openai, anthropic, then the policy's as written (providers/index.ts),
 * so a team that lists azure first for gpt-4o still sends gpt-4o to OpenAI. Checked against the
 * proxy's own provider choice, at the glob's line.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../proxy/src/policy/load';
import { resolveProviders } from '../../proxy/src/policy/schema';
import { locatedWarnings } from '../../proxy/src/policy/warnings';
import { chooseProvider } from '../../proxy/src/providers';

const text = `providers:
  azure:
    kind: openai
    baseUrl: https://contoso.openai.azure.com/openai/v1
    authHeader: api-key
    models: ["gpt-4o", "gpt-4o-2024-*", "o4-mini-deep-*"]
  openai:
    models: ["gpt-*"]
  claude-eu:
    kind: anthropic
    baseUrl: https://eu.example.com
    models: ["gpt-4o"]
`;

describe('a provider glob another provider always takes first', () => {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const warnings = locatedWarnings(r.policy, text, 'policy.yaml').filter((w) => w.path.startsWith('providers.'));

  it('is warned at its line, naming the provider and glob that take it', () => {
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['providers.azure.models.0', 6],
      ['providers.azure.models.1', 6],
    ]);
    expect(warnings[0]?.message).toContain(`openai's "gpt-*"`);
  });

  it('matches what the proxy does: every warned glob never reaches its provider, the others do', () => {
    const providers = resolveProviders(r.policy);
    expect(chooseProvider(providers, 'openai', 'gpt-4o', undefined)).toMatchObject({ provider: { name: 'openai' } });
    expect(chooseProvider(providers, 'openai', 'gpt-4o-2024-08-06', undefined)).toMatchObject({ provider: { name: 'openai' } });
    // Not warned: no earlier glob takes it, and claude-eu speaks the other protocol.
    expect(chooseProvider(providers, 'openai', 'o4-mini-deep-research', undefined)).toMatchObject({ provider: { name: 'azure' } });
    expect(chooseProvider(providers, 'anthropic', 'gpt-4o', undefined)).toMatchObject({ provider: { name: 'claude-eu' } });
  });
});
