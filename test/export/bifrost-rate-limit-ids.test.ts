/**
 * Bifrost rate limits are found by id in config.json (`governance.rate_limits[].id`, referenced by a
 * team's or virtual key's `rate_limit_id`), and people read those ids in its UI. They follow the rule
 * team and virtual-key ids follow (bifrost-addressable-ids.test.ts): a URL-safe name is kept, any other
 * is spelled in URL-safe letters plus a hash of the exact name, so an emoji team is not all dashes and
 * a reordered policy does not hand one team's limit id (and Bifrost's counters under it) to another.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

type Governance = {
  teams: Array<{ name: string; rate_limit_id?: string }>;
  virtual_keys: Array<{ name: string; rate_limit_id?: string }>;
  rate_limits: Array<{ id: string }>;
};

function limitIds(teams: string[], key?: string): Map<string, string> {
  const scopes = [...teams.map((t) => `{ team: ${JSON.stringify(t)} }`), ...(key ? [`{ key: ${key} }`] : [])];
  const text = `rateLimits:\n${scopes.map((s, i) => `  - { name: r${i}, rpm: ${i + 10}, scope: ${s} }`).join('\n')}\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'bifrost', { file: 'policy.yaml', text });
  const gov = (JSON.parse(out.files.find((f) => f.path === 'config.json')?.content as string) as { governance: Governance }).governance;
  // Every owner's rate_limit_id names a limit that exists.
  const ids = new Set(gov.rate_limits.map((l) => l.id));
  const owners = [...gov.teams, ...gov.virtual_keys].filter((o) => o.rate_limit_id !== undefined);
  expect(owners.every((o) => ids.has(o.rate_limit_id as string))).toBe(true);
  return new Map(owners.map((o) => [o.name, o.rate_limit_id as string]));
}

describe('Bifrost rate-limit ids', () => {
  it('follow the team id rule: URL-safe letters of the name plus a hash of it', () => {
    const ids = limitIds(['Équipe', 'Ärzte Süd', 'ﬁnance', '👨‍👩‍👧', '👩‍👩‍👦', '🚀 rockets']);
    expect(ids.get('Équipe')).toMatch(/^rl-team-Equipe-[0-9a-f]{8}$/);
    expect(ids.get('Ärzte Süd')).toMatch(/^rl-team-Arzte-Sud-[0-9a-f]{8}$/);
    expect(ids.get('ﬁnance')).toMatch(/^rl-team-finance-[0-9a-f]{8}$/); // a compatibility ligature is its letters
    // Emoji names were all dashes (`rl-team---------`), and two of the same length told apart only by `-2`.
    expect(ids.get('🚀 rockets')).toMatch(/^rl-team-rockets-[0-9a-f]{8}$/);
    expect(ids.get('👨‍👩‍👧')).toMatch(/^rl-team-[0-9a-f]{8}$/);
    expect(ids.get('👩‍👩‍👦')).toMatch(/^rl-team-[0-9a-f]{8}$/);
    expect(new Set(ids.values()).size).toBe(ids.size);
  });

  it('do not move from one team to another when the policy lists the teams in another order', () => {
    const teams = ['👨‍👩‍👧', '👩‍👩‍👦', 'a b', 'a-b', 'a/b', 'search'];
    expect(Object.fromEntries(limitIds([...teams].reverse()))).toEqual(Object.fromEntries(limitIds(teams)));
  });

  it('keep the ids earlier exports wrote for URL-safe names', () => {
    const ids = limitIds(['search', 'a-b', 'eng.core'], 'tg_0123456789abcdef');
    expect(Object.fromEntries(ids)).toEqual({
      search: 'rl-team-search',
      'a-b': 'rl-team-a-b',
      'eng.core': 'rl-team-eng.core',
      'tollgate tg_0123456789abcdef': 'rl-key-tg_0123456789abcdef',
    });
  });

  it('keep an accented name and its unaccented spelling apart', () => {
    const ids = limitIds(['Equipe', 'Équipe']);
    expect(ids.get('Equipe')).toBe('rl-team-Equipe');
    expect(ids.get('Équipe')).toMatch(/^rl-team-Equipe-[0-9a-f]{8}$/);
  });
});
