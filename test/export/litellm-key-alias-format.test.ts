/**
 * An admin may turn on LiteLLM's key-alias check (`litellm_settings.enable_key_alias_format_validation`):
 * /key/generate and /key/update then refuse an alias that is not 2-255 characters of a-z, A-Z, 0-9 and
 * `_-/.@` starting and ending with a letter or digit (`_validate_key_alias_format`, LiteLLM's
 * key_management_endpoints.py). The keys generated for teams and users take their name into the alias,
 * so every alias must pass that rule whatever the name, stay the same from one export to the next
 * (apply.mjs finds an existing key by it) and name one key only.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

/** LiteLLM's rule, as its error message states it. */
const LITELLM_ALIAS = /^[a-zA-Z0-9][a-zA-Z0-9_\-/.@]{0,253}[a-zA-Z0-9]$/;

function aliases(teams: string[], users: string[]): Map<string, string> {
  const budget = (kind: string, name: string, i: number): string => `  - { name: b${kind}${i}, period: day, usd: 5, scope: { ${kind}: ${JSON.stringify(name)} } }\n`;
  const text = `budgets:\n${teams.map((t, i) => budget('team', t, i)).join('')}${users.map((u, i) => budget('user', u, i)).join('')}`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const management = exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text }).files.find((f) => f.path === 'management.json')?.content ?? '';
  const bodies = (JSON.parse(management) as { requests: Array<{ path: string; body: { key_alias: string; team_id?: string; user_id?: string } }> }).requests.filter((q) => q.path === '/key/generate').map((q) => q.body);
  return new Map(bodies.map((b) => [b.team_id !== undefined ? `team ${b.team_id}` : `user ${b.user_id}`, b.key_alias]));
}

const NAMES = ['data science', '🚀', '👩‍👩‍👦', '検索', 'équipe', 'eng.', 'a b', 'a/b', 'x'.repeat(300)];

describe('LiteLLM key aliases of generated team and user keys', () => {
  it('pass LiteLLM key-alias validation for any name, one alias per key', () => {
    const all = aliases(NAMES, NAMES);
    expect(all.size).toBe(NAMES.length * 2);
    for (const alias of all.values()) expect(alias).toMatch(LITELLM_ALIAS);
    expect(new Set(all.values()).size).toBe(all.size);
  });

  it('do not move when the export runs again with the names in another order', () => {
    expect(Object.fromEntries(aliases([...NAMES].reverse(), []))).toEqual(Object.fromEntries(aliases(NAMES, [])));
  });

  it('keep the aliases earlier exports wrote for names the rule already allows', () => {
    const kept = aliases(['web', 'eng.core', 'a/b'], ['ana@example.com']);
    expect(Object.fromEntries(kept)).toEqual({
      'team web': 'tollgate-team-web',
      'team eng.core': 'tollgate-team-eng.core',
      'team a/b': 'tollgate-team-a/b',
      'user ana@example.com': 'tollgate-user-ana@example.com',
    });
  });
});
