/**
 * A provider whose name starts with a digit ("9router"): `9ROUTER_API_KEY` is no variable a shell,
 * `.env` file or envsubst can set. The proxy and every exporter use one derived name,
 * `_9ROUTER_API_KEY`, so the key set for the local proxy is the key the gateway reads. Before, the
 * proxy read `9ROUTER_API_KEY` while the exports wrote `_9ROUTER_API_KEY` (and warned).
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportTarget } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { derivedKeyEnv, resolveProviders } from '../../proxy/src/policy/schema';

const text = 'providers:\n  9router: { baseUrl: "https://router.example.com/v1", models: ["r-*"] }\n  my-gw: { baseUrl: "https://gw.example.com/v1", models: ["g-*"] }\n';

describe('key variable of a provider named with a leading digit', () => {
  it('the proxy derives a settable name', () => {
    expect(derivedKeyEnv('9router')).toBe('_9ROUTER_API_KEY');
    expect(derivedKeyEnv('my-gw')).toBe('MY_GW_API_KEY');
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(resolveProviders(parsed.policy).get('9router')?.apiKeyEnv).toBe('_9ROUTER_API_KEY');
  });

  it.each(['litellm', 'portkey', 'bifrost'] as ExportTarget[])('%s: exports the name the proxy reads, with no warning', (target) => {
    const parsed = parsePolicy(text, 'policy.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const out = exportPolicy(parsed.policy, target, { file: 'policy.yaml', text });
    const written = out.files.map((f) => f.content).join('\n');
    expect(written).toContain('_9ROUTER_API_KEY');
    expect(written).not.toMatch(/[^_]9ROUTER_API_KEY/);
    expect(out.warnings.filter((x) => /not a valid environment variable/.test(x.message))).toEqual([]);
  });
});
