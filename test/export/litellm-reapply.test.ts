/**
 * `apply.mjs` is meant to be run again whenever the policy changes. LiteLLM's /team/update writes
 * only the fields a body sets (`data.json(exclude_unset=True)`), and /team/new creates a team with
 * `blocked` false unless the body says otherwise (BerriAI/litellm
 * `litellm/proxy/management_endpoints/team_endpoints.py` @ 0026911ae728, `TeamBase` in
 * `litellm/proxy/_types.py`). Every team body used to carry `blocked: false`, so re-applying an
 * unchanged export unblocked a team an admin had blocked by hand. The stand-in keeps a team table
 * with those semantics and runs the real `apply.mjs` against it twice.
 */
import { describe, expect, it } from 'vitest';
import { exportPolicy } from '../../proxy/src/export';
import { parsePolicy } from '../../proxy/src/policy/load';
import { type ApplyAnswer, type ApplyCall, runApply } from './support/liteLLMApply';

/** Exported as from one repository's policy unless another is named: what it freezes carries that repository's id. */
function files(text: string, repository = 'repo-a'): Map<string, string> {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text, repository }).files.map((f) => [f.path, f.content]));
}

/**
 * LiteLLM's team endpoints over an in-memory table: /team/new refuses an existing id (400), /team/update
 * writes the fields a body sets (a `metadata` replaces the old one whole), and GET /team/info?team_id=
 * answers `TeamInfoResponseObject` ({ team_id, team_info: the team row, keys, team_memberships }); GET
 * /team/list answers every team row with its `keys` and `team_memberships` (`list_team`, team_endpoints.py).
 */
function teamTable(): { teams: Map<string, Record<string, unknown>>; handle: (c: ApplyCall) => ApplyAnswer } {
  const teams = new Map<string, Record<string, unknown>>();
  const handle = (c: ApplyCall): ApplyAnswer => {
    if (c.method === 'GET' && c.path === '/team/list') return { status: 200, json: [...teams.values()].map((row) => ({ ...row, keys: [], team_memberships: [] })) };
    if (c.method === 'GET' && c.path === '/team/info') {
      const id = c.query.get('team_id') ?? '';
      const row = teams.get(id);
      if (!row) return { status: 404, json: { detail: { error: `Team not found, passed team_id=${id}` } } };
      return { status: 200, json: { team_id: id, team_info: { ...row }, keys: [], team_memberships: [] } };
    }
    const id = c.body.team_id as string;
    if (c.path === '/team/new') {
      if (teams.has(id)) return { status: 400, json: { detail: { error: `Team id = ${id} already exists. Please use a different team id.` } } };
      teams.set(id, { blocked: false, metadata: {}, ...c.body });
    } else if (c.path === '/team/update') {
      const row = teams.get(id);
      if (!row) return 404;
      Object.assign(row, c.body);
    }
    return 200;
  };
  return { teams, handle };
}

const policy = (webUsd: number): string => `budgets:
  - { name: web, period: day, usd: ${webUsd}, scope: { team: web } }
  - { name: eng, period: day, usd: 0, scope: { team: eng } }
`;

describe('re-applying the LiteLLM export keeps what an admin set by hand', () => {
  it('a team an admin blocked stays blocked, its raised budget is still applied, and the frozen team stays blocked', async () => {
    const { teams, handle } = teamTable();
    expect((await runApply(files(policy(5)), handle)).code).toBe(0);
    expect(teams.get('web')).toMatchObject({ blocked: false, max_budget: 5 });
    expect(teams.get('eng')).toMatchObject({ blocked: true });

    // The admin blocks team web (/team/block), then the policy raises its budget and CI applies again.
    (teams.get('web') as Record<string, unknown>).blocked = true;
    const again = await runApply(files(policy(10)), handle);
    expect(again.code).toBe(0);
    expect(again.calls.filter((c) => c.path === '/team/update').map((c) => c.body.team_id)).toEqual(['eng', 'web']);
    expect(teams.get('web')).toMatchObject({ blocked: true, max_budget: 10 });
    expect(teams.get('eng')).toMatchObject({ blocked: true });
  });

  it('a team the export froze is unblocked once the policy raises its budget, keeping what an admin stored in its metadata', async () => {
    const { teams, handle } = teamTable();
    const frozen = (engUsd: number): string => `budgets:\n  - { name: eng, period: day, usd: ${engUsd}, scope: { team: eng } }\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n`;
    expect((await runApply(files(frozen(0)), handle)).code).toBe(0);
    const eng = teams.get('eng') as Record<string, unknown>;
    expect(eng).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    eng.metadata = { ...(eng.metadata as object), owner: 'platform' };
    // The admin blocks team web by hand (/team/block sets blocked alone).
    (teams.get('web') as Record<string, unknown>).blocked = true;

    const raised = await runApply(files(frozen(3)), handle);
    expect(raised.stdout).not.toContain('FAIL');
    expect(eng).toMatchObject({ blocked: false, max_budget: 3, metadata: { owner: 'platform', tollgate_frozen: false } });
    expect(teams.get('web')).toMatchObject({ blocked: true, max_budget: 5 });

    // Frozen again: blocked and marked again, the admin's metadata still there.
    expect((await runApply(files(frozen(0)), handle)).code).toBe(0);
    expect(eng).toMatchObject({ blocked: true, metadata: { owner: 'platform', tollgate_frozen: true } });
  });

  it('a team the export froze stays blocked once its $0 budget is deleted with every mention of the team, and the run says how to unblock it', async () => {
    const { teams, handle } = teamTable();
    const withEng = `budgets:\n  - { name: eng, period: day, usd: 0, scope: { team: eng } }\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n`;
    expect((await runApply(files(withEng), handle)).code).toBe(0);
    // The admin blocks team ops by hand; the export never named it.
    teams.set('ops', { team_id: 'ops', blocked: true, metadata: { owner: 'sre' } });

    // The policy no longer names team eng at all: it stays blocked (a copy of this repository may still freeze it), and is said.
    const without = await runApply(files('budgets:\n  - { name: web, period: day, usd: 5, scope: { team: web } }\n'), handle);
    expect(without.code).toBe(0);
    expect(teams.get('eng')).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    expect(without.stdout).toContain('team eng');
    expect(without.stdout).toContain('/team/unblock');
    expect(without.stdout).not.toContain('team ops');
    expect(teams.get('ops')).toMatchObject({ blocked: true, metadata: { owner: 'sre' } });
    expect(teams.get('web')).toMatchObject({ blocked: false });
  });

  it("another repository's export applied to the same LiteLLM leaves this one's frozen team blocked", async () => {
    const { teams, handle } = teamTable();
    expect((await runApply(files(policy(5)), handle)).code).toBe(0);
    expect(teams.get('eng')).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
    const other = await runApply(files('budgets:\n  - { name: data, period: day, usd: 9, scope: { team: data } }\n', 'repo-b'), handle);
    expect(other.code).toBe(0);
    expect(other.calls.filter((c) => c.path === '/team/update').map((c) => c.body.team_id)).toEqual([]);
    // Nor is it that run's business to mention.
    expect(other.stdout).not.toContain('team eng');
    expect(teams.get('eng')).toMatchObject({ blocked: true, metadata: { tollgate_frozen: true } });
  });

  it('a team /team/info cannot read is not updated with a metadata that would replace the admin\'s, and the run says why', async () => {
    const { teams, handle } = teamTable();
    teams.set('eng', { team_id: 'eng', blocked: false, metadata: { owner: 'platform' } });
    teams.set('web', { team_id: 'web', blocked: false, metadata: { owner: 'web' } });
    const frozen = await runApply(files(policy(5)), (c) => (c.path === '/team/info' ? { status: 500, json: { detail: { error: 'db timeout' } } } : handle(c)));
    expect(frozen.code).toBe(1);
    expect(teams.get('eng')).toMatchObject({ metadata: { owner: 'platform' } });
    expect(frozen.stdout).toContain('FAIL /team/new eng (400): /team/info answered 500');
    // A body without metadata cannot erase any: web's update still goes through without /team/info.
    expect(frozen.stdout).toContain('ok   /team/new web (200)');
    expect(teams.get('web')).toMatchObject({ max_budget: 5, metadata: { owner: 'web' } });
  });
});
