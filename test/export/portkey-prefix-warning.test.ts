/**
 * The Portkey warning about "<provider>/<model>" requests fires only where the policy names such
 * models, and says which: the exact names the export rewrites (each has its own condition), and each
 * prefixed glob, at its own field (a config cannot rewrite every name a glob stands for). A policy
 * that names no prefixed model gets no such warning.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function portkeyWarnings(text: string) {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return exportPolicy(r.policy, 'portkey', { file: 'policy.yaml', text }).warnings.filter((w) => w.message.includes('prefix'));
}

describe('Portkey "<provider>/<model>" warning', () => {
  it('is absent when the policy names no prefixed model', () => {
    expect(portkeyWarnings('providers:\n  openai: { models: ["gpt-*"] }\nbudgets:\n  - { name: team, scope: { team: search }, period: month, usd: 100 }\n')).toEqual([]);
    // A slash that names no provider is a model name (OpenRouter's), sent as is by both.
    expect(portkeyWarnings('providers:\n  openrouter: { kind: openai, baseUrl: "https://openrouter.ai/api/v1", models: ["meta-llama/*"] }\nfallbacks:\n  - from: gpt-4o\n    to: [meta-llama/llama-3.1-70b-instruct]\n')).toEqual([]);
  });

  it('names the exact prefixed models the export rewrites', () => {
    const w = portkeyWarnings('fallbacks:\n  - from: gpt-4o\n    to: [anthropic/claude-haiku-4-5, openai/gpt-4o-mini]\n');
    expect(w.map((x) => x.field)).toEqual(['providers']);
    expect(w[0]?.message).toContain('(anthropic/claude-haiku-4-5, openai/gpt-4o-mini)');
  });

  it('warns on each prefixed glob at its own field, naming it', () => {
    const w = portkeyWarnings('providers:\n  openrouter: { kind: openai, baseUrl: "https://openrouter.ai/api/v1", models: ["openrouter/*"] }\nfallbacks:\n  - from: "anthropic/claude-*"\n    to: [anthropic/claude-haiku-4-5]\n');
    expect(w.map((x) => x.field).sort()).toEqual(['fallbacks[0].from', 'providers', 'providers.openrouter.models[0]']);
    expect(w.find((x) => x.field === 'fallbacks[0].from')?.message).toContain('"anthropic/claude-*"');
  });

  it("says which clients differ for another protocol's prefix (OpenRouter's anthropic/*)", () => {
    // Tollgate keeps "anthropic/claude-…" on openrouter for OpenAI-protocol clients (the anthropic
    // provider does not speak it) and sends it to anthropic only for Anthropic-protocol ones; the
    // Portkey condition sends every such request to openrouter, which accepts the name.
    const w = portkeyWarnings('providers:\n  openrouter: { kind: openai, baseUrl: "https://openrouter.ai/api/v1", models: ["anthropic/*"] }\n');
    const m = w.find((x) => x.field === 'providers.openrouter.models[0]')?.message ?? '';
    expect(m).toMatch(/openai-protocol requests .* to provider openrouter unchanged/);
    expect(m).toMatch(/anthropic-protocol/);
    expect(m).not.toMatch(/which it rejects/);
  });
});

describe('policy validate: a rule whose match.model carries a provider prefix', () => {
  it('never applies in Tollgate (it matches the model after the prefix is removed), warned at the field', async () => {
    const { locatedWarnings } = await import('../../proxy/src/policy/warnings');
    const text = 'routing:\n  tiers:\n    openai: { small: gpt-4o-mini }\n  rules:\n    - name: r\n      match: { model: "openai/gpt-4*" }\n      tier: small\n';
    const r = parsePolicy(text, 'policy.yaml');
    if (!r.ok) throw new Error('invalid');
    const w = locatedWarnings(r.policy, text, 'policy.yaml').find((x) => x.path === 'routing.rules.0.match.model');
    expect(w?.line).toBe(6);
    expect(w?.message).toContain('match: { model: "gpt-4*", provider: openai }');
  });
});
