/**
 * Bifrost rate limits are found by id in config.json (`governance.rate_limits[].id`, referenced by a
 * team's or virtual key's `rate_limit_id`), and people read those ids in its UI. A team written with
 * accents (`Équipe`, `Ärzte`) read as `rl-team--quipe`: its letters are kept, accents dropped. Ids of
 * ASCII names are what earlier exports wrote, so a re-export of an unchanged policy moves nothing.
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
  it('spell accented names without their accents', () => {
    const ids = limitIds(['Équipe', 'Ärzte Süd', 'ﬁnance']);
    expect(ids.get('Équipe')).toBe('rl-team-Equipe');
    expect(ids.get('Ärzte Süd')).toBe('rl-team-Arzte-Sud');
    expect(ids.get('ﬁnance')).toBe('rl-team-finance'); // a compatibility ligature is its letters
  });

  it('keep the ids earlier exports wrote for ASCII names', () => {
    const ids = limitIds(['search', 'a b/c', 'search:eu', 'team #1'], 'tg_0123456789abcdef');
    expect(Object.fromEntries(ids)).toEqual({
      search: 'rl-team-search',
      'a b/c': 'rl-team-a-b-c',
      'search:eu': 'rl-team-search-eu',
      'team #1': 'rl-team-team--1',
      'tollgate tg_0123456789abcdef': 'rl-key-tg_0123456789abcdef',
    });
  });

  it('keep an accented name and its unaccented spelling apart', () => {
    const ids = limitIds(['Equipe', 'Équipe']);
    expect(ids.get('Equipe')).toBe('rl-team-Equipe');
    expect(ids.get('Équipe')).toBe('rl-team-Equipe-2');
  });
});
