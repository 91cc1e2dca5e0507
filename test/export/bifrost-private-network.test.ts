/**
 * Bifrost refuses upstreams in private networks unless `allow_private_network` is set on the
 * provider, but loopback (localhost, 127.0.0.1, ::1) stays allowed regardless and link-local
 * (169.254.0.0/16) stays refused regardless (transports/config.schema.json @ 003ecc6,
 * network_config.allow_private_network). The export warned on a local Ollama at 127.0.0.1 that
 * every request fails until the flag is set, which is not so, and told a link-local upstream the
 * flag would help, which it does not.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

const text = `providers:
  local: { kind: openai, baseUrl: "http://127.0.0.1:11434/v1", models: ["llama*"] }
  named: { kind: openai, baseUrl: "http://localhost:8000/v1", models: ["qwen*"] }
  six: { kind: openai, baseUrl: "http://[::1]:9000/v1", models: ["phi*"] }
  lan: { kind: openai, baseUrl: "http://10.1.2.3:8000/v1", models: ["lan-*"] }
  metadata: { kind: openai, baseUrl: "http://169.254.10.20/v1", models: ["ll-*"] }
`;

describe('Bifrost: private-network warnings say what Bifrost does', () => {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const out = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const baseUrl = (name: string): string[] => out.warnings.filter((w) => w.field === `providers.${name}.baseUrl`).map((w) => w.message);

  it.each(['local', 'named', 'six'])('loopback provider %s: no private-network warning (Bifrost allows loopback)', (name) => {
    expect(baseUrl(name).filter((m) => /private network|allow_private_network/.test(m))).toEqual([]);
  });

  it('an RFC 1918 upstream is warned: set allow_private_network', () => {
    expect(baseUrl('lan')).toEqual([expect.stringContaining('allow_private_network')]);
  });

  it('a link-local upstream is warned that Bifrost refuses it whatever allow_private_network says', () => {
    expect(baseUrl('metadata')).toEqual([expect.stringMatching(/always refuses link-local.*allow_private_network or not/)]);
  });

  it('Portkey still warns on every host outside its trusted list (its own rule, unchanged)', () => {
    const portkey = exportPolicy(parsed.policy, 'portkey', { file: 'policy.yaml', text });
    expect(portkey.warnings.some((w) => w.field === 'providers.lan.baseUrl')).toBe(true);
  });
});
