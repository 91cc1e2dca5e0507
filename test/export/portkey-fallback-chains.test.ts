/**
 * Overlapping fallbacks on the real Portkey gateway: Tollgate merges the `to` lists of every
 * fallback whose `from` matches a model (governance/fallback.ts, in policy order, each target once,
 * never the failing model itself), while Portkey's conditional strategy takes the first condition
 * that matches. So `gpt-4o*` then `gpt-4o-mini` once gave gpt-4o-mini only the first list on
 * Portkey. Every model call here fails, so the models that reach the upstream are the whole chain
 * the gateway tries; they must be the ones Tollgate's own router tries, in the same order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { fallbackTargets } from '../../proxy/src/governance/fallback';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type Policy, resolveProviders } from '../../proxy/src/policy/schema';
import { chooseProvider } from '../../proxy/src/providers';
import { startPortkey, type PortkeyGateway } from './behaviour/portkeyGateway';
import { renderPortkeyConfig } from './behaviour/portkeyBesideUpstream';
import { startScriptedUpstream, type ScriptedUpstream } from './behaviour/scriptedUpstream';

let upstream: ScriptedUpstream;
let portkey: PortkeyGateway;
beforeAll(async () => {
  [upstream, portkey] = await Promise.all([startScriptedUpstream(), startPortkey()]);
});
afterAll(async () => {
  await Promise.all([upstream?.close(), portkey?.close()]);
});

const ENV: Record<string, string> = { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-a', OLLAMA_API_KEY: 'sk-l', CLAUDE_PROXY_API_KEY: 'sk-c' };
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'gpt-4o-2024-08-06', 'gpt-4.1-mini', 'o3', 'llama3', 'llama3-mini'];
const CLAUDE = ['claude-3-5-haiku-latest', 'claude-sonnet-4-5'];

function parsed(fallbacks: string, providers = ''): { text: string; policy: Policy } {
  const text = `providers:\n  openai: { baseUrl: "${upstream.openaiBaseUrl}" }\n  anthropic: { baseUrl: "${upstream.anthropicBaseUrl}" }\n  ollama: { baseUrl: "${upstream.openaiBaseUrl}", models: ["llama*"] }\n${providers}retries: { attempts: 0 }\ncache: { enabled: false }\nfallbacks:\n${fallbacks}`;
  const p = parsePolicy(text, 'policy.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return { text, policy: p.policy };
}

/** The models Tollgate calls for `model` when every call fails: its provider's, then the fallback chain. */
function tollgateChain(policy: Policy, protocol: 'openai' | 'anthropic', model: string): string[] {
  const choice = chooseProvider(resolveProviders(policy), protocol, model, undefined);
  if ('error' in choice) throw new Error(choice.error);
  return [choice.model, ...fallbackTargets(choice.model, choice.provider.name, policy, protocol).map((t) => t.model)];
}

async function portkeyChain(config: string, protocol: 'openai' | 'anthropic', model: string, names: string[]): Promise<string[]> {
  upstream.script(Object.fromEntries(names.map((n) => [n, Array<number>(10).fill(500)])));
  const res = await fetch(`${portkey.url}${protocol === 'anthropic' ? '/v1/messages' : '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-portkey-config': config },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await res.arrayBuffer();
  return upstream.models();
}

describe('Portkey export: a model matched by several fallbacks gets the chain Tollgate tries', () => {
  it.each([
    ['a glob, then an exact model it covers', '  - { from: "gpt-4o*", to: [gpt-4o-2024-08-06] }\n  - { from: gpt-4o-mini, to: [o3] }\n'],
    ['an exact model, then a glob covering it', '  - { from: gpt-4o-mini, to: [o3] }\n  - { from: "gpt-4o*", to: [gpt-4.1-mini] }\n'],
    ['three globs overlapping in part', '  - { from: "gpt-*", to: [o3] }\n  - { from: "gpt-4o*", to: [gpt-4.1-mini, o3] }\n  - { from: "*-mini", to: [gpt-4o] }\n'],
    ['a catch-all beside a model-glob provider', '  - { from: "*", to: [gpt-4o-mini] }\n  - { from: "llama*", to: [llama3-mini] }\n'],
    ['a target its own glob matches', '  - { from: "gpt-4o*", to: [gpt-4o-mini, gpt-4o] }\n'],
    ['a provider-prefixed glob beside an unprefixed one', '  - { from: "openai/gpt-4o*", to: [o3] }\n  - { from: "*-mini", to: [gpt-4o] }\n'],
    // The proxy matches from against provider/model too: these take plain gpt-4o, every -mini, every ollama model.
    ['unprefixed globs holding a slash or a provider name', '  - { from: "*/gpt-4o", to: [o3] }\n  - { from: "*/*-mini", to: [gpt-4o] }\n  - { from: "oll*", to: [llama3-mini] }\n'],
  ])('%s', async (_name, fallbacks) => {
    const { text, policy } = parsed(fallbacks);
    const file = exportPolicy(policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!;
    const config = renderPortkeyConfig(file.content, ENV);
    const got: Record<string, string[]> = {};
    const want: Record<string, string[]> = {};
    for (const model of MODELS) {
      want[model] = tollgateChain(policy, 'openai', model);
      got[model] = await portkeyChain(config, 'openai', model, [...MODELS, ...CLAUDE]);
    }
    expect(got).toEqual(want);
  });

  it.each([
    ['on anthropic', ''],
    ['on an Anthropic-protocol provider of claude-sonnet* models', `  claude-proxy: { kind: anthropic, baseUrl: "UP", models: ["claude-sonnet*"] }\n`],
  ])('Anthropic-protocol requests keep their own chain (%s)', async (_name, extra) => {
    const { text, policy } = parsed('  - { from: "claude-*", to: [claude-3-5-haiku-latest] }\n  - { from: "*sonnet*", to: [anthropic/claude-3-5-haiku-latest, claude-sonnet-4-5] }\n  - { from: "*", to: [o3] }\n', extra.replace('UP', upstream.anthropicBaseUrl));
    const config = renderPortkeyConfig(exportPolicy(policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!.content, ENV);
    for (const model of CLAUDE) expect(await portkeyChain(config, 'anthropic', model, [...MODELS, ...CLAUDE]), model).toEqual(tollgateChain(policy, 'anthropic', model));
  });
});

describe('Portkey export: too many overlapping fallback globs', () => {
  it('keeps the first matching fallback per model and says so, rather than writing every combination', () => {
    const fallbacks = 'abcdefgh'.split('').map((c) => `  - { from: "*${c}*", to: [o3] }\n`).join('');
    const text = `fallbacks:\n${fallbacks}`;
    const p = parsePolicy(text, 'policy.yaml');
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    const r = exportPolicy(p.policy, 'portkey', { file: 'policy.yaml', text });
    expect(r.warnings.find((w) => w.field === 'fallbacks' && w.message.includes('combinations'))?.message).toMatch(/only the first fallback's targets/);
    const config = JSON.parse(r.files.find((f) => f.path === 'config.json')!.content) as { strategy: { conditions: unknown[] } };
    expect(config.strategy.conditions.length).toBeLessThan(64);
  });
});
