/**
 * Every condition of an exported Portkey config must be able to take a request, so every target of
 * a conditional strategy is reachable: a condition that can never match is dead weight a reader
 * takes for behaviour. Fallbacks beside providers with model globs once produced `$and`s of a model
 * `$eq` and a glob `$regex` it never meets (`fallback-0-ollama` for gpt-4o), and conditions every
 * request of theirs was taken from by an earlier one (`fallback-1` for llama* behind the provider
 * whose globs take llama*). Checked on the real open-source gateway, which names the target it
 * chose in the `x-portkey-last-used-option-index` header of its answer (`config.targets[2].targets[0]`).
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { renderPortkeyConfig, usePortkeyBesideUpstream } from './behaviour/portkeyBesideUpstream';

const portkey = usePortkeyBesideUpstream();
const ENV: Record<string, string> = { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', OLLAMA_API_KEY: 'sk-l', CLAUDE_PROXY_API_KEY: 'sk-c' };
const PATHS = ['/v1/chat/completions', '/v1/messages'];

interface Node {
  strategy?: { mode: string };
  targets?: Node[];
}

function exported(extra: string): Node {
  const u = portkey.upstream;
  const text = `providers:\n  openai: { baseUrl: "${u.openaiBaseUrl}" }\n  anthropic: { baseUrl: "${u.anthropicBaseUrl}" }\n  ollama: { baseUrl: "${u.openaiBaseUrl}", models: ["llama*", "qwen*"] }\n  claude-proxy: { kind: anthropic, baseUrl: "${u.anthropicBaseUrl}", models: ["claude-3-opus*"] }\nretries: { attempts: 0 }\ncache: { enabled: false }\n${extra}`;
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const file = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!;
  return JSON.parse(renderPortkeyConfig(file.content, ENV)) as Node;
}

/** The path of every target a conditional strategy can choose (`config.targets[1]`, `config.targets[3].targets[0]`). */
function choosable(node: Node, path = 'config'): string[] {
  const children = node.targets ?? [];
  const own = node.strategy?.mode === 'conditional' ? children.map((_, i) => `${path}.targets[${i}]`) : [];
  return [...own, ...children.flatMap((c, i) => choosable(c, `${path}.targets[${i}]`))];
}

/** The targets the gateway chose for each model on each protocol's path. */
async function chosen(config: Node, models: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of PATHS)
    for (const model of models) {
      const res = await fetch(`${portkey.gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-portkey-config': JSON.stringify(config) },
        body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status, `${path} ${model}: ${await res.text()}`).toBe(200);
      out.push(res.headers.get('x-portkey-last-used-option-index') ?? '');
    }
  return out;
}

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'llama3', 'qwen2', 'claude-3-opus-latest', 'claude-3-5-haiku-latest', 'o3', 'o4-mini', 'gpt-4.1', 'gpt-4.1-mini', 'llama3-mini', 'claude-3-opus-mini'];

describe('every target of an exported Portkey config is reachable', () => {
  it.each([
    ['exact and glob fallbacks beside model-glob providers', 'fallbacks:\n  - { from: gpt-4o, to: [gpt-4o-mini] }\n  - { from: "llama*", to: [qwen2] }\n  - { from: "claude-3-opus*", to: [claude-3-5-haiku-latest] }\n'],
    // One condition per set of globs a model can match together (gpt-4o-mini: both), and none for a set no name reaches alone.
    ['overlapping glob fallbacks', 'fallbacks:\n  - { from: "gpt-4o*", to: [o3] }\n  - { from: "*-mini", to: [gpt-4o] }\n  - { from: gpt-4o-mini, to: [o3] }\n  - { from: "gpt-*", to: [o3] }\n'],
    ['a provider-prefixed fallback', 'fallbacks:\n  - { from: "openai/*", to: [gpt-4o-mini] }\n'],
    ['a tier rule for one model', 'routing:\n  tiers:\n    openai: { small: gpt-4o-mini }\n    ollama: { small: qwen2 }\n  rules:\n    - { name: cheap, match: { model: gpt-4o }, tier: small }\n'],
  ])('%s', async (_name, extra) => {
    const config = exported(extra);
    const taken = await chosen(config, MODELS);
    const unreachable = choosable(config).filter((p) => !taken.some((t) => t === p || t.startsWith(`${p}.`)));
    expect(unreachable).toEqual([]);
  });

  it('a policy with 50 providers exports a config the gateway accepts as a header (Node refuses headers over 16 KiB)', async () => {
    const u = portkey.upstream;
    const providers = Array.from({ length: 50 }, (_, i) => `  p${i}: { baseUrl: "${u.openaiBaseUrl}", models: ["m${i}-*"] }`).join('\n');
    const text = `providers:\n  openai: { baseUrl: "${u.openaiBaseUrl}" }\n  anthropic: { baseUrl: "${u.anthropicBaseUrl}" }\n${providers}\nretries: { attempts: 0 }\ncache: { enabled: false }\nfallbacks:\n  - { from: "m1-*", to: [m1-small] }\n`;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const file = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!;
    const config = JSON.parse(renderPortkeyConfig(file.content, ENV)) as Node;
    // Each model reaches its own provider's condition; the fallback applies to m1-* only.
    expect(await chosen(config, ['m7-large', 'm1-large'])).toHaveLength(4);
  });

  it('a config too large for a header says so, with the way round it', () => {
    const providers = Array.from({ length: 150 }, (_, i) => `  p${i}: { baseUrl: "https://p${i}.example.com/v1", models: ["m${i}-*"] }`).join('\n');
    const text = `providers:\n${providers}\n`;
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const r = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text });
    expect(JSON.stringify(JSON.parse(r.files.find((f) => f.path === 'config.json')!.content)).length).toBeGreaterThan(16_384);
    expect(r.warnings.find((w) => w.message.includes('431'))?.message).toMatch(/save it as a config in Portkey and send its id/);
  });

  it('an Anthropic-protocol request for a name an OpenAI-type provider globs stays on anthropic, as in Tollgate', async () => {
    const config = exported('');
    portkey.upstream.reset();
    const [, messages] = await chosen(config, ['llama3']);
    expect(messages).toBeTruthy();
    expect(portkey.upstream.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
  });
});
