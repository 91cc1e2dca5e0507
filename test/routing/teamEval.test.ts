/** `tollgate router eval`'s logic: leave-one-out exemplar votes on the team file. */
import { describe, expect, it } from 'vitest';
import { shippedRouterModel } from '../../proxy/src/routing/learned/router';
import { evaluateTeamExemplars } from '../../proxy/src/routing/teamEval';
import type { TeamExemplar } from '../../proxy/src/routing/teamExemplars';

const unit = (seed: number) => {
  const v = new Float32Array(512);
  for (let i = 0; i < 512; i++) v[i] = Math.sin(seed * 7.3 * (i + 1)) + Math.cos(seed * (i + 2));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('evaluateTeamExemplars', () => {
  const exemplars: TeamExemplar[] = [
    { prompt: 'Refactor the payment retry loop', tier: 'large', reason: '', line: 2 },
    { prompt: 'Refactor the payment retry loop please', tier: 'large', reason: '', line: 3 },
    { prompt: 'What port does Postgres use?', tier: 'small', reason: '', line: 4 },
  ];

  it('a paraphrase pair votes for each other, never for itself', () => {
    const a = unit(1);
    const vectors = [a, a.slice(), unit(2)]; // lines 2 and 3 identical in embedding space
    const report = evaluateTeamExemplars(exemplars, vectors, shippedRouterModel());
    expect(report.rows.map((r) => r.live).slice(0, 2)).toEqual(['large', 'large']);
    // Line 4 has no near neighbour: the live router says what the model alone says.
    expect(report.rows[2]!.live).toBe(report.rows[2]!.model);
    expect(report.live.n).toBe(3);
    expect(report.live.accuracy).toBeGreaterThanOrEqual(report.model.accuracy);
    expect(report.live.share.small + report.live.share.medium + report.live.share.large).toBeCloseTo(1, 10);
  });

  it('a single exemplar cannot vote for itself (leave-one-out)', () => {
    const only = [exemplars[0]!];
    const report = evaluateTeamExemplars(only, [unit(3)], shippedRouterModel());
    expect(report.rows[0]!.live).toBe(report.rows[0]!.model);
  });

  it('without vectors it evaluates the cheap-feature fallback', () => {
    const report = evaluateTeamExemplars(exemplars, undefined, shippedRouterModel());
    expect(report.rows).toHaveLength(3);
    expect(report.rows.every((r) => r.live === r.model)).toBe(true);
  });
});
