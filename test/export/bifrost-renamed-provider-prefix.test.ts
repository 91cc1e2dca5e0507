/**
 * A policy provider named like one Bifrost defines itself (groq, ollama, bedrock, vllm…) is exported
 * as a custom provider "<name>-tollgate". Bifrost picks the provider from the model's "provider/"
 * prefix, so clients must send "groq-tollgate/<model>": "groq/<model>" reaches Bifrost's own groq
 * provider, which the export does not configure. The warnings told clients to send "groq/<model>".
 * Every prefix a warning tells clients to send must be a provider the exported config defines.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const text = `providers:
  groq: { baseUrl: "https://api.groq.com/openai/v1", models: ["llama-3.1-*"] }
  ollama: { baseUrl: "http://localhost:11434/v1", models: ["qwen2.5*"] }
  together: { baseUrl: "https://api.together.xyz/v1", models: ["meta-llama/*"] }
`;

describe('Bifrost: the model prefix clients are told to send', () => {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const out = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const config = JSON.parse(out.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { providers: Record<string, unknown> };
  const told = (field: string): string[] =>
    out.warnings.filter((w) => w.field === field).flatMap((w) => [...w.message.matchAll(/clients (?:must send|name its models) "([^"/]+)\/<model>"/g)].map((m) => m[1] as string));

  it.each([
    ['groq', 'groq-tollgate'],
    ['ollama', 'ollama-tollgate'],
    ['together', 'together'],
  ])('provider %s: clients are told "%s/<model>", a provider the config defines', (name, exported) => {
    expect(Object.keys(config.providers)).toContain(exported);
    const prefixes = [...told(`providers.${name}.models`), ...told(`providers.${name}`)];
    expect(prefixes.length).toBeGreaterThan(0);
    for (const p of prefixes) expect(Object.keys(config.providers)).toContain(p);
    expect(new Set(prefixes)).toEqual(new Set([exported]));
  });
});
