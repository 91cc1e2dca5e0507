/**
 * `tags.required` on Bifrost becomes `client.required_headers` (Bifrost answers 400 to a request
 * without one of them). Tollgate also takes a tag from the body (`user`, `safety_identifier`,
 * `metadata`) and from the key's tags (`tags.keys`), so a client tagged that way passes Tollgate and
 * is refused by Bifrost: the export must say so, naming the headers to send.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

function bifrost(text: string) {
  const parsed = parsePolicy(text, 'policy.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const r = exportPolicy(parsed.policy, 'bifrost', { file: 'policy.yaml', text });
  const config = JSON.parse(r.files.find((f) => f.path === 'config.json')?.content ?? '{}') as { client?: { required_headers?: string[] } };
  return { required: config.client?.required_headers, warnings: r.warnings.filter((w) => w.field === 'tags.required').map((w) => w.message) };
}

describe('Bifrost required tags', () => {
  it('are required headers, and the export warns that tags from the body or a key no longer count', () => {
    const { required, warnings } = bifrost('tags:\n  required: [team, user]\n  keys:\n    - { fingerprint: tg_1234567890abcdef, team: platform, user: bob }\n');
    expect(required).toEqual(['x-tollgate-team', 'x-tollgate-user']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('x-tollgate-team, x-tollgate-user');
    expect(warnings[0]).toMatch(/400/);
    expect(warnings[0]).toMatch(/metadata/);
    expect(warnings[0]).toMatch(/tags\.keys/);
  });

  it('a policy without required tags gets neither the headers nor the warning', () => {
    const { required, warnings } = bifrost('tags:\n  keys:\n    - { fingerprint: tg_1234567890abcdef, team: platform }\n');
    expect(required).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
