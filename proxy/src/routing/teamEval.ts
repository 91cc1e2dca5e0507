/**
 * How the current router does on the team's own exemplar file (`tollgate router eval`): each
 * exemplar is routed by the shipped model alone and by the live router (model + the other
 * exemplars' votes — leave-one-out, so a line never votes for itself). Pure: vectors come in.
 */
import { TIERS, type Tier } from '../policy/schema';
import { dot } from '../embedding/vector';
import { predictTier, type ExemplarVote } from './learned/router';
import type { RouterModelFile } from './learned/model';
import type { TeamExemplar } from './teamExemplars';

export interface TeamEvalRow {
  line: number;
  label: Tier;
  model: Tier;
  live: Tier;
  pAtLeastMedium: number;
  pLarge: number;
}

export interface TeamEvalSummary {
  n: number;
  accuracy: number;
  /** Share routed below the labelled tier. */
  under: number;
  over: number;
  share: Record<Tier, number>;
}

export interface TeamEvalReport {
  rows: TeamEvalRow[];
  model: TeamEvalSummary;
  live: TeamEvalSummary;
}

const rank = (t: Tier) => TIERS.indexOf(t);

function summarise(pairs: Array<[Tier, Tier]>): TeamEvalSummary {
  const n = pairs.length;
  const share: Record<Tier, number> = { small: 0, medium: 0, large: 0 };
  let ok = 0;
  let under = 0;
  let over = 0;
  for (const [label, got] of pairs) {
    share[got] += n ? 1 / n : 0;
    if (got === label) ok++;
    else if (rank(got) < rank(label)) under++;
    else over++;
  }
  return { n, accuracy: n ? ok / n : 0, under: n ? under / n : 0, over: n ? over / n : 0, share };
}

export function evaluateTeamExemplars(
  exemplars: TeamExemplar[],
  vectors: Float32Array[] | undefined,
  model: RouterModelFile,
  opts: { k?: number; embeddingUnavailable?: string } = {},
): TeamEvalReport {
  const k = opts.k ?? 5;
  const rows: TeamEvalRow[] = exemplars.map((e, i) => {
    const messages = [{ role: 'user', text: e.prompt }];
    const vector = vectors?.[i];
    const base = vector ? { messages, embedding: { modelId: model.embeddingModelId, vector } } : { messages, embeddingUnavailable: opts.embeddingUnavailable ?? 'no embedding' };
    const alone = predictTier(base, model);
    let votes: ExemplarVote[] = [];
    if (vector && vectors) {
      votes = vectors
        .map((v, j) => ({ tier: exemplars[j]!.tier, similarity: j === i ? -1 : dot(vector, v), line: exemplars[j]!.line }))
        .filter((v) => v.similarity > -1)
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, k);
    }
    const live = predictTier({ ...base, exemplars: votes }, model);
    return { line: e.line, label: e.tier, model: alone.tier, live: live.tier, pAtLeastMedium: live.p.atLeastMedium, pLarge: live.p.large };
  });
  return {
    rows,
    model: summarise(rows.map((r) => [r.label, r.model])),
    live: summarise(rows.map((r) => [r.label, r.live])),
  };
}
