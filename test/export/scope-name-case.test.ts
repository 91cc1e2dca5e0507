/**
 * Tollgate matches team and user names whatever their case (governance/scope.ts): a call tagged
 * `search` is charged to budgets for "Search", "search" and "SEARCH" alike. LiteLLM and Bifrost key
 * teams and users by exact id, so the exports made three teams of it, each with part of the caps and
 * its own generated key. One team is exported, named as the policy first writes it, and every other
 * spelling is warned where it stands.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportPolicy, type ExportTarget, type ExportWarning } from '../../proxy/src/export';
import { scopeMatches } from '../../proxy/src/governance/scope';
import { parsePolicy } from '../../proxy/src/policy/load';
import { ConfigYAML, Management } from './litellmSchema';

const POLICY = `providers:
  openai: {}
budgets:
  - { name: day, period: day, usd: 5, scope: { team: Search } }
  - { name: month, period: month, usd: 50, scope: { team: search } }
  - { name: ana-day, period: day, usd: 2, scope: { user: Ana } }
  - { name: ana-month, period: month, usd: 20, scope: { user: ana } }
  - { name: other, period: day, usd: 9, scope: { team: "Équipe Ünï" } }
rateLimits:
  - { name: rpm, rpm: 10, scope: { team: SEARCH } }
tags:
  keys:
    - { fingerprint: tg_abcdef1234567890, team: search }
`;

function exported(target: ExportTarget): { files: Map<string, string>; warnings: ExportWarning[] } {
  const r = parsePolicy(POLICY, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const out = exportPolicy(r.policy, target, { file: 'policy.yaml', text: POLICY });
  return { files: new Map(out.files.map((f) => [f.path, f.content])), warnings: out.warnings };
}

/** The team names the policy writes, grouped as Tollgate's scope matching groups them. */
function tollgateTeams(): string[][] {
  const names = ['Search', 'search', 'SEARCH', 'Équipe Ünï'];
  const groups: string[][] = [];
  for (const n of names) {
    const g = groups.find((x) => scopeMatches({ team: x[0] as string }, { keyFingerprint: 'tg_000000000000', team: n }));
    if (g) g.push(n);
    else groups.push([n]);
  }
  return groups;
}

type Body = { team_id?: string; user_id?: string; key_alias?: string; max_budget?: number; budget_limits?: Array<{ max_budget: number }>; rpm_limit?: number };

describe('team and user names that differ only in case are one team or user in the exports', () => {
  it('Tollgate itself charges the three spellings to one team (the premise)', () => {
    expect(tollgateTeams()).toEqual([['Search', 'search', 'SEARCH'], ['Équipe Ünï']]);
  });

  it('LiteLLM: one team "Search" with both budgets and the rate limit, one user "Ana", the policy key in that team', () => {
    const { files, warnings } = exported('litellm');
    const management = JSON.parse(files.get('management.json') as string) as { requests: Array<{ path: string; body: Body }> };
    const m = Management.safeParse(management);
    expect(m.success ? [] : m.error.issues).toEqual([]);
    expect(ConfigYAML.safeParse(parse(files.get('config.yaml') as string)).success).toBe(true);
    const bodies = (path: string) => management.requests.filter((r) => r.path === path).map((r) => r.body);
    const teams = bodies('/team/new');
    expect(teams.map((t) => t.team_id)).toEqual(tollgateTeams().map((g) => g[0]));
    const search = teams.find((t) => t.team_id === 'Search');
    expect(search).toMatchObject({ max_budget: 5, budget_limits: [{ max_budget: 50 }], rpm_limit: 10 });
    expect(bodies('/user/new')).toEqual([expect.objectContaining({ user_id: 'Ana', max_budget: 2, budget_limits: [expect.objectContaining({ max_budget: 20 })] })]);
    const keys = bodies('/key/generate');
    // The policy key belongs to the team, so no second key is generated for it.
    expect(keys.filter((k) => k.team_id !== undefined).map((k) => [k.key_alias, k.team_id])).toEqual([
      [expect.stringMatching(/^tollgate-team-Equipe-Uni-[0-9a-f]{8}$/), 'Équipe Ünï'], // an alias LiteLLM's alias check accepts (litellm-key-alias-format.test.ts)
      ['tollgate-tg_abcdef1234567890', 'Search'],
    ]);
    const fields = warnings.filter((w) => /whatever their case/.test(w.message)).map((w) => w.field);
    expect(fields).toEqual(['budgets[1].scope.team', 'budgets[3].scope.user', 'rateLimits[0].scope.team', 'tags.keys[0].team']);
    expect(warnings.find((w) => w.field === 'budgets[1].scope.team')?.message).toContain('"search" here and "Search" (budgets[0].scope.team)');
  });

  it('Bifrost: one team "Search" owning both budgets, the rate limit and the policy key', () => {
    const { files, warnings } = exported('bifrost');
    const gov = (JSON.parse(files.get('config.json') as string) as {
      governance: { teams: Array<{ id: string; name: string; rate_limit_id?: string }>; budgets: Array<{ id: string; team_id?: string }>; virtual_keys: Array<{ id: string; team_id?: string }> };
    }).governance;
    expect(gov.teams.map((t) => t.name)).toEqual(tollgateTeams().map((g) => g[0]));
    const search = gov.teams.find((t) => t.name === 'Search');
    expect(search?.rate_limit_id).toBeDefined();
    expect(gov.budgets.filter((b) => b.team_id === search?.id).map((b) => b.id)).toEqual(['budget-day', 'budget-month']);
    expect(gov.virtual_keys.filter((v) => v.team_id === search?.id).map((v) => v.id)).toEqual(['vk-tg_abcdef1234567890']);
    // Bifrost has no user owner (user budgets are warned as not exported), so no user is said to be exported once.
    expect(warnings.filter((w) => /whatever their case/.test(w.message)).map((w) => w.field)).toEqual(['budgets[1].scope.team', 'rateLimits[0].scope.team', 'tags.keys[0].team']);
  });

  it('a policy that writes each name one way gets no such warning', () => {
    const text = 'budgets:\n  - { name: a, period: day, usd: 5, scope: { team: Search } }\n  - { name: b, period: month, usd: 50, scope: { team: Search } }\n';
    const r = parsePolicy(text, 'policy.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    for (const target of ['litellm', 'bifrost'] as const)
      expect(exportPolicy(r.policy, target, { file: 'policy.yaml', text }).warnings.filter((w) => /whatever their case/.test(w.message))).toEqual([]);
  });
});
