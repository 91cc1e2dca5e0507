/**
 * Bifrost's management API and UI address teams and virtual keys by id in the URL path
 * (`/api/governance/teams/{team_id}`, `/api/governance/virtual-keys/{vk_id}`). Its router
 * (fasthttp/router) matches the raw, percent-encoded path, and the handlers at maximhq/bifrost
 * @ 014133a look the segment up as it came: an id only round-trips when encoding leaves it unchanged.
 * Tollgate team tags may hold spaces, `/`, `:` and letters of any script, so the export must not
 * write them into ids, must keep two such teams apart, and must keep the human name.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy, type ExportWarning } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';

type Governance = {
  teams: Array<{ id: string; name: string; rate_limit_id?: string }>;
  budgets: Array<{ id: string; team_id?: string; virtual_key_id?: string }>;
  virtual_keys: Array<{ id: string; name: string; team_id?: string }>;
  rate_limits?: Array<{ id: string }>;
};

const TEAMS = ['a b/c', 'Équipe', '検索', 'a/b', 'a b', 'search:eu', 'search', 'team #1', 'a-b'];

function bifrost(teams: string[]): { gov: Governance; warnings: ExportWarning[] } {
  const text = `budgets:\n${teams.map((t, i) => `  - { name: b${i}, period: day, usd: ${i + 1}, scope: { team: ${JSON.stringify(t)} } }`).join('\n')}\n`;
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, 'bifrost', { file: 'policy.yaml', text });
  const config = JSON.parse(out.files.find((f) => f.path === 'config.json')?.content as string) as { governance: Governance };
  return { gov: config.governance, warnings: out.warnings };
}

/** What Bifrost's handler looks up for an id the UI or a client sends as one path segment. */
const segmentSeen = (id: string): string => encodeURIComponent(id);

describe('Bifrost team and virtual-key ids can be addressed through its management API', () => {
  const { gov, warnings } = bifrost(TEAMS);

  it('every team and virtual-key id survives as a URL path segment', () => {
    const ids = [...gov.teams.map((t) => t.id), ...gov.virtual_keys.map((v) => v.id)];
    expect(ids.filter((id) => segmentSeen(id) !== id)).toEqual([]);
  });

  it('each team keeps its name, and teams whose names differ only in unsafe characters stay apart', () => {
    expect(gov.teams.map((t) => t.name).sort()).toEqual([...TEAMS].sort());
    expect(new Set(gov.teams.map((t) => t.id)).size).toBe(TEAMS.length);
    expect(new Set(gov.virtual_keys.map((v) => v.id)).size).toBe(TEAMS.length);
    expect(new Set(gov.virtual_keys.map((v) => v.name)).size).toBe(TEAMS.length);
  });

  it('budgets and generated keys point at the team they belong to', () => {
    TEAMS.forEach((name, i) => {
      const team = gov.teams.find((t) => t.name === name);
      expect(gov.budgets.find((b) => b.id === `budget-b${i}`)?.team_id, name).toBe(team?.id);
      expect(gov.virtual_keys.filter((v) => v.team_id === team?.id)).toHaveLength(1);
    });
  });

  it('a name of URL-safe characters keeps the id earlier exports gave it', () => {
    expect(gov.teams.find((t) => t.name === 'search')?.id).toBe('team-search');
    expect(gov.teams.find((t) => t.name === 'a-b')?.id).toBe('team-a-b');
    expect(gov.virtual_keys.find((v) => v.team_id === 'team-search')?.id).toBe('vk-team-search');
    expect(gov.teams.find((t) => t.name === 'Équipe')?.id).toMatch(/^team-Equipe-[0-9a-f]{8}$/);
  });

  it('the warning names the virtual key the config holds', () => {
    const team = gov.teams.find((t) => t.name === 'a b/c');
    const key = gov.virtual_keys.find((v) => v.team_id === team?.id);
    const said = warnings.find((w) => w.field === 'teams.a b/c')?.message;
    expect(said).toContain(`virtual key ${key?.id} was added`);
  });

  it('an id does not move when other teams are added or the policy is reordered', () => {
    const alone = bifrost(['a b']).gov.teams[0]?.id;
    const among = bifrost([...TEAMS].reverse()).gov.teams.find((t) => t.name === 'a b')?.id;
    expect(among).toBe(alone);
    expect(bifrost(TEAMS).gov).toEqual(gov);
  });
});
