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
import { type ApplyCall, runApply } from './support/liteLLMApply';

function files(text: string): Map<string, string> {
  const r = parsePolicy(text, 'policy.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return new Map(exportPolicy(r.policy, 'litellm', { file: 'policy.yaml', text }).files.map((f) => [f.path, f.content]));
}

/** LiteLLM's team endpoints over an in-memory table: create refuses an existing id, update merges what is set. */
function teamTable(): { teams: Map<string, Record<string, unknown>>; handle: (c: ApplyCall) => number } {
  const teams = new Map<string, Record<string, unknown>>();
  const handle = (c: ApplyCall): number => {
    const id = c.body.team_id as string;
    if (c.path === '/team/new') {
      if (teams.has(id)) return 400;
      teams.set(id, { blocked: false, ...c.body });
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
});
