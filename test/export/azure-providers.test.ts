/**
 * Azure OpenAI providers (an Azure host, or `authHeader: api-key` in front of Azure) are exported
 * as each gateway's own Azure provider: the key goes as `api-key` (an Entra ID token as Bearer),
 * the requested model is the deployment, and the resource endpoint and an api-version are set.
 * Before, all three exports treated them as plain OpenAI upstreams: the key went as
 * `Authorization: Bearer`, which Azure refuses (401), and only a "set up by hand" warning said so.
 * Portkey is checked by the real gateway (what reaches the upstream); LiteLLM and Bifrost by their
 * config shapes, read the way the gateways read them (LiteLLM's config with a YAML 1.1 reader).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportResult, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import type { FakeUpstream } from '../support/fakeUpstream';
import { renderPortkeyConfig, usePortkeyBesideUpstream } from './behaviour/portkeyBesideUpstream';
import { exportProblems } from './generatedPolicySupport';

const POLICY = `providers:
  azure: { baseUrl: "https://contoso.openai.azure.com/openai/v1", models: ["gpt-4o", "gpt-4o-mini"] }
  apim: { baseUrl: "https://apim.example.com/aoai/openai", authHeader: api-key, apiKeyEnv: APIM_KEY, models: ["prod-chat"] }
  entra: { baseUrl: "https://res2.cognitiveservices.azure.com/openai", authHeader: authorization, apiKeyEnv: ENTRA_TOKEN, models: ["e-chat"] }
fallbacks:
  - { from: gpt-4o, to: [gpt-4o-mini] }
cache: { enabled: false }
`;

function run(text: string, target: ExportTarget): ExportResult {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
}
const file = (r: ExportResult, path: string): string => r.files.find((f) => f.path === path)?.content ?? '';

type Params = Record<string, unknown>;

describe('LiteLLM: Azure providers become azure/<deployment> deployments', () => {
  const result = run(POLICY, 'litellm');
  // LiteLLM loads config.yaml with PyYAML (YAML 1.1), where an unquoted 2024-10-21 is a date.
  const config = parse(file(result, 'config.yaml'), { version: '1.1' }) as { model_list: Array<{ model_name: string; litellm_params: Params }> };
  const params = (name: string): Params | undefined => config.model_list.find((d) => d.model_name === name)?.litellm_params;

  it('a resource key goes as api_key to the resource endpoint, with an api_version string', () => {
    expect(params('gpt-4o')).toMatchObject({ model: 'azure/gpt-4o', api_base: 'https://contoso.openai.azure.com', api_key: 'os.environ/AZURE_API_KEY', api_version: '2024-10-21' });
    expect(params('azure/*')).toMatchObject({ model: 'azure/*', api_base: 'https://contoso.openai.azure.com' });
    expect(params('prod-chat')).toMatchObject({ model: 'azure/prod-chat', api_base: 'https://apim.example.com/aoai', api_key: 'os.environ/APIM_KEY' });
  });

  it('an Entra ID token goes as azure_ad_token, never as api_key', () => {
    const p = params('e-chat');
    expect(p).toMatchObject({ model: 'azure/e-chat', api_base: 'https://res2.cognitiveservices.azure.com', azure_ad_token: 'os.environ/ENTRA_TOKEN' });
    expect(p).not.toHaveProperty('api_key');
  });

  it('no OpenAI deployment carries an Azure key', () => {
    for (const d of config.model_list) if (String(d.litellm_params.model).startsWith('openai/')) expect(String(d.litellm_params.api_base)).not.toMatch(/azure|apim/);
  });
});

describe('Bifrost: Azure providers become keys of its azure provider', () => {
  const result = run(POLICY, 'bifrost');
  const config = JSON.parse(file(result, 'config.json')) as { providers: Record<string, { keys: Params[]; network_config: Params; custom_provider_config?: unknown }> };

  // Bifrost's azure provider calls Azure's v1 API (transports/config.schema.json @ 003ecc6:
  // azure_key_config.api_version is deprecated, "Bifrost now uses the Azure OpenAI v1 API") and sends
  // the requested model as the deployment unless the key's `aliases` map it (core/schemas
  // KeyAliases.Resolve returns an unmapped name unchanged): a key needs its endpoint, nothing more.
  it('each resource is a key with its endpoint only (no deprecated api_version); no custom OpenAI provider', () => {
    const azure = config.providers.azure;
    expect(azure?.custom_provider_config).toBeUndefined();
    expect(azure?.network_config.base_url).toBeUndefined();
    expect(azure?.keys.map((k) => [k.value, k.azure_key_config, k.aliases])).toEqual([
      ['env.APIM_KEY', { endpoint: 'https://apim.example.com/aoai' }, undefined],
      ['env.AZURE_API_KEY', { endpoint: 'https://contoso.openai.azure.com' }, undefined],
      ['env.ENTRA_TOKEN', { endpoint: 'https://res2.cognitiveservices.azure.com' }, undefined],
    ]);
    expect(Object.keys(config.providers).sort()).toEqual(['anthropic', 'azure', 'openai']);
  });

  it('says that Bifrost calls the v1 API only where Tollgate does not (a classic /openai base URL), never a fixed api-version', () => {
    const baseUrl = (name: string) => result.warnings.filter((x) => x.field === `providers.${name}.baseUrl`).map((x) => x.message);
    // provider azure has a v1 base URL: Tollgate calls the v1 API too, so nothing differs.
    expect(baseUrl('azure')).toEqual([]);
    for (const name of ['apim', 'entra']) expect(baseUrl(name)).toEqual([expect.stringMatching(/v1 API.*no api-version.*forwards the api-version each client sends/)]);
    expect(result.warnings.filter((x) => /2024-10-21|api_version is raised/.test(x.message))).toEqual([]);
  });

  it('says what clients name, that resources share one provider, and what an Entra token needs', () => {
    const fields = result.warnings.map((x) => x.field);
    expect(fields).toEqual(expect.arrayContaining(['providers.apim', 'providers.entra', 'providers', 'providers.entra.authHeader']));
    expect(result.warnings.find((x) => x.field === 'providers.apim')?.message).toContain('"azure/<model>"');
  });
});

describe('every target: no "set up by hand", the fixed api-version is said where one is sent, configs validate', () => {
  it.each(['litellm', 'portkey', 'bifrost'] as ExportTarget[])('%s', (target) => {
    const result = run(POLICY, target);
    expect(result.warnings.filter((x) => /by hand/.test(x.message))).toEqual([]);
    if (target === 'bifrost') return; // the v1 API: no api-version (above)
    for (const name of ['azure', 'apim', 'entra']) expect(result.warnings.find((x) => x.field === `providers.${name}.baseUrl`)?.message).toMatch(/api-version 2024-10-21/);
  });

  it('passes the schema, stability and secret checks', () => expect(exportProblems(POLICY)).toEqual([]));
});

describe('a base URL naming one deployment, with an api-version header', () => {
  const text = `providers:
  azure-eu: { baseUrl: "https://contoso-eu.openai.azure.com/openai/deployments/gpt-4o", authHeader: api-key, headers: { api-version: "2025-04-01-preview" }, models: ["gpt-4o"] }
`;
  it.each(['litellm', 'portkey', 'bifrost'] as ExportTarget[])('%s: the endpoint is the resource, the version the header, the fixed deployment is said', (target) => {
    const result = run(text, target);
    const out = result.files.map((f) => f.content).join('\n');
    expect(out).not.toContain('/openai/deployments/gpt-4o');
    expect(out).toContain('2025-04-01-preview');
    expect(out).not.toContain('2024-10-21');
    const warnings = result.warnings.filter((x) => x.field === 'providers.azure-eu.baseUrl').map((x) => x.message);
    const deployment = expect.stringContaining('to deployment gpt-4o, the one its base URL names');
    // Bifrost also says it calls the v1 API, which takes no api-version (the header still goes as one).
    expect(warnings).toEqual(target === 'bifrost' ? [deployment, expect.stringContaining('v1 API')] : [deployment]);
  });
});

describe('Portkey gateway sends an Azure request the way Azure takes it', () => {
  const portkey = usePortkeyBesideUpstream();

  const policy = (u: FakeUpstream): string => `providers:
  openai: { baseUrl: "${u.openaiBaseUrl}" }
  aoai: { baseUrl: "${u.openaiBaseUrl.replace(/\/v1$/, '')}/openai", authHeader: api-key, apiKeyEnv: AOAI_KEY, models: ["prod-chat", "prod-mini"] }
retries: { attempts: 0 }
fallbacks:
  - { from: prod-chat, to: [prod-mini] }
cache: { enabled: false }
`;

  it('to /openai/deployments/<model>/… with the key in api-key, and falls back to the next deployment', async () => {
    const { upstream, gateway } = portkey;
    const rendered = renderPortkeyConfig(file(run(policy(upstream), 'portkey'), 'config.json'), { AOAI_KEY: 'azure-key-test', OPENAI_API_KEY: 'sk-openai-test' });
    upstream.reset();
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client', 'x-portkey-config': rendered },
      body: JSON.stringify({ model: 'prod-chat', messages: [{ role: 'user', content: 'hello' }] }),
    });
    await res.text();
    const azure = upstream.requests.filter((r) => r.path.startsWith('/openai/'));
    // The fake upstream has no deployment routes (404), so Portkey falls back: both deployments are tried.
    expect(azure.map((r) => r.path)).toEqual(['/openai/deployments/prod-chat/chat/completions', '/openai/deployments/prod-mini/chat/completions']);
    for (const r of azure) {
      expect(r.headers['api-key']).toBe('azure-key-test');
      expect(r.headers.authorization).toBeUndefined();
    }
    expect(upstream.requests.filter((r) => r.path === '/v1/chat/completions')).toEqual([]);
  });
});
