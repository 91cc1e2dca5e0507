/**
 * Portkey fallbacks keep the provider the proxy would pick. The proxy matches a fallback's `from`
 * after choosing the provider (an Anthropic-protocol request goes to anthropic) and against
 * `provider/model` too, and an unprefixed `to` stays on that provider. Checked on the real
 * open-source gateway (as portkey.test.ts does) with a fake upstream that fails the first call.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { renderPortkeyConfig, usePortkeyBesideUpstream } from './behaviour/portkeyBesideUpstream';

const ENV: Record<string, string> = { OPENAI_API_KEY: 'sk-openai-test', ANTHROPIC_API_KEY: 'sk-ant-test' };

const portkey = usePortkeyBesideUpstream();

function config(fallbacks: string): string {
  const text = `providers:\n  openai: { baseUrl: "${portkey.upstream.openaiBaseUrl}" }\n  anthropic: { baseUrl: "${portkey.upstream.anthropicBaseUrl}" }\nretries: { attempts: 0 }\ncache: { enabled: false }\nfallbacks:\n${fallbacks}`;
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const file = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text }).files.find((f) => f.path === 'config.json')!;
  return renderPortkeyConfig(file.content, ENV);
}

async function messages(cfg: string, model: string): Promise<Response> {
  return fetch(`${portkey.gateway.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant-test', 'anthropic-version': '2023-06-01', 'x-portkey-config': cfg },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi [[fake:fail-first=1]]' }] }),
  });
}

const anthropicCalls = () => portkey.upstream.requests.filter((r) => r.path === '/v1/messages');

describe('Portkey fallbacks on Anthropic-protocol requests', () => {
  it('a model-glob fallback keeps a /v1/messages request on anthropic and falls back there', async () => {
    portkey.upstream.reset();
    const res = await messages(config('  - from: "claude-*"\n    to: [claude-3-haiku-20240307]\n'), 'claude-3-5-sonnet-latest');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(anthropicCalls().map((r) => (r.body as { model: string }).model)).toEqual(['claude-3-5-sonnet-latest', 'claude-3-haiku-20240307']);
    expect(anthropicCalls().map((r) => r.headers['x-api-key'])).toEqual(['sk-ant-test', 'sk-ant-test']);
    expect(portkey.upstream.requests.filter((r) => r.path.endsWith('/chat/completions'))).toEqual([]);
  });

  it('a provider-prefixed from (anthropic/*) applies to the requests the proxy sends to anthropic', async () => {
    portkey.upstream.reset();
    const res = await messages(config('  - from: "anthropic/*"\n    to: [claude-3-haiku-20240307]\n'), 'claude-3-5-sonnet-latest');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(anthropicCalls().map((r) => (r.body as { model: string }).model)).toEqual(['claude-3-5-sonnet-latest', 'claude-3-haiku-20240307']);
  });

  it('an openai/… fallback leaves Anthropic-protocol requests on anthropic without a fallback (control)', async () => {
    portkey.upstream.reset();
    const res = await messages(config('  - from: "openai/*"\n    to: [gpt-4o-mini]\n'), 'claude-3-5-sonnet-latest');
    // The proxy would not fall back (the request is anthropic's), so the first failure reaches the client.
    expect(res.status).toBe(500);
    expect(anthropicCalls().map((r) => (r.body as { model: string }).model)).toEqual(['claude-3-5-sonnet-latest']);
    expect(portkey.upstream.requests.filter((r) => r.path.endsWith('/chat/completions'))).toEqual([]);
  });
});
