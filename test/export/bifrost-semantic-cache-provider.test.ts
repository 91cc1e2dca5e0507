/**
 * Bifrost's semantic_cache plugin embeds with the provider its config names, using that provider's keys
 * from the config (`AddProviderKeysToSemanticCacheConfig` in transports/bifrost-http/lib/config.go fails
 * when the provider is not configured) and, since maximhq/bifrost 062aff8, the gateway's own client, so
 * its base URL. The policy's openai provider can be an Azure resource (exported as Bifrost's azure
 * provider, not as openai) or another OpenAI-compatible server: the plugin must name the provider the
 * export configured, and an upstream that may not serve OpenAI's embedding model is warned.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportResult } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { exportProblems } from './generatedPolicySupport';

const policy = (openai: string): string => `providers:
  openai: { baseUrl: "${openai}" }
cache: { enabled: true, semantic: { enabled: true, threshold: 0.9 } }
`;

function bifrost(text: string): { config: { providers: Record<string, unknown>; plugins: Array<{ config: Record<string, unknown> }> }; result: ExportResult } {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const result = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  return { config: JSON.parse(result.files.find((f) => f.path === 'config.json')?.content ?? '{}'), result };
}
const cacheWarnings = (r: ExportResult): string[] => r.warnings.filter((w) => w.field === 'cache.semantic.enabled').map((w) => w.message);

describe('Bifrost: the semantic cache embeds through a provider the export configures', () => {
  it('an Azure openai provider: the plugin embeds with the azure provider, the deployment named', () => {
    const text = policy('https://contoso.openai.azure.com/openai/v1');
    const { config, result } = bifrost(text);
    const embedder = config.plugins[0]?.config.provider as string;
    expect(Object.keys(config.providers)).toContain(embedder);
    expect(embedder).toBe('azure');
    expect(cacheWarnings(result).join('\n')).toMatch(/deployment named "text-embedding-3-small" on https:\/\/contoso\.openai\.azure\.com/);
    expect(exportProblems(text)).toEqual([]);
  });

  it('an openai provider at another server: warned that Bifrost embeds there with OpenAI\'s model', () => {
    const { config, result } = bifrost(policy('http://127.0.0.1:8000/v1'));
    expect(config.plugins[0]?.config.provider).toBe('openai');
    expect(cacheWarnings(result).join('\n')).toMatch(/text-embedding-3-small.*http:\/\/127\.0\.0\.1:8000\/v1/);
  });

  it('OpenAI itself: nothing to warn', () => {
    const { config, result } = bifrost(policy('https://api.openai.com/v1'));
    expect(config.plugins[0]?.config.provider).toBe('openai');
    expect(cacheWarnings(result)).toEqual([]);
  });
});
