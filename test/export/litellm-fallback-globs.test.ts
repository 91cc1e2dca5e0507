/**
 * LiteLLM keys fallbacks by model group, so a glob `from` is expanded over the models the policy
 * names. What that drops must be said: a glob whose only named match is its own target exported
 * nothing at all, silently; a glob exported for some models leaves every other matching model
 * without a fallback on LiteLLM.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function litellm(text: string): { fallbacks: Array<Record<string, string[]>>; warnings: Array<{ field: string; message: string }> } {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const r = exportPolicy(parsed.policy, 'litellm', { file: 'policy.yaml', text });
  const config = parse(r.files.find((f) => f.path === 'config.yaml')!.content) as { router_settings?: { fallbacks?: Array<Record<string, string[]>> } };
  return { fallbacks: config.router_settings?.fallbacks ?? [], warnings: r.warnings };
}

describe('LiteLLM export of glob fallbacks', () => {
  it('a glob that only matches its own target is reported as not exported', () => {
    const { fallbacks, warnings } = litellm('fallbacks:\n  - from: "claude-*"\n    to: [claude-3-haiku-20240307]\n');
    expect(fallbacks).toEqual([]);
    const w = warnings.find((x) => x.field === 'fallbacks[0].from');
    expect(w?.message).toMatch(/"claude-\*" matches only its own fallback target \(claude-3-haiku-20240307\).*not exported/);
  });

  it('a glob exported for the named models says which, and that other matches get no fallback', () => {
    const text = 'routing:\n  tiers:\n    openai: { large: gpt-4o, medium: gpt-4o-2024-08-06 }\nfallbacks:\n  - from: "gpt-4o*"\n    to: [gpt-4o-mini]\n';
    const { fallbacks, warnings } = litellm(text);
    expect(fallbacks).toEqual(expect.arrayContaining([{ 'gpt-4o': ['gpt-4o-mini'] }, { 'gpt-4o-2024-08-06': ['gpt-4o-mini'] }]));
    const w = warnings.find((x) => x.field === 'fallbacks[0].from');
    expect(w?.message).toContain('(gpt-4o, gpt-4o-2024-08-06)');
    expect(w?.message).toContain('requests for other models matching it get no fallback');
  });

  it('a glob the proxy matches as provider/model is exported for the named models it takes', () => {
    const text = 'providers:\n  ollama: { baseUrl: "http://127.0.0.1:11434/v1", models: ["llama*"] }\nrouting:\n  tiers:\n    openai: { large: gpt-4o, small: gpt-4o-mini }\n    ollama: { small: llama3-mini }\nfallbacks:\n  - { from: "*/gpt-4o", to: [o3] }\n  - { from: "oll*", to: [llama3] }\n';
    const { fallbacks, warnings } = litellm(text);
    expect(fallbacks).toEqual(expect.arrayContaining([{ 'gpt-4o': ['o3'] }, { 'llama3-mini': ['llama3'] }]));
    expect(fallbacks.some((f) => 'gpt-4o-mini' in f)).toBe(false);
    expect(warnings.find((x) => x.field === 'fallbacks[0].from')?.message).toContain('(gpt-4o)');
    expect(warnings.find((x) => x.field === 'fallbacks[1].from')?.message).toContain('(llama3-mini)');
  });

  it('an exact from is exported without a warning', () => {
    const { fallbacks, warnings } = litellm('fallbacks:\n  - from: gpt-4o\n    to: [gpt-4o-mini]\n');
    expect(fallbacks).toEqual([{ 'gpt-4o': ['gpt-4o-mini'] }]);
    expect(warnings.filter((x) => x.field.startsWith('fallbacks['))).toEqual([]);
  });
});
