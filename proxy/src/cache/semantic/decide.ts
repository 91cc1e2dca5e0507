/**
 * The semantic cache's decision for one request, behind one function the proxy stage (and the
 * evaluation replay) calls: nearest stored prompts → the equivalence judge's P(same) → serve when
 * the expected value is positive and P(same) clears the feature's adaptive operating point.
 *
 * Expected value per request: serving saves `savedUsd` (what the stored answer cost) with
 * probability P, and costs `wrongAnswerCostUsd` with probability 1 − P; serve when
 * P × saved ≥ (1 − P) × cost, i.e. P ≥ cost / (cost + saved). A cheap call therefore needs more
 * certainty than an expensive one. The operating point (cross-validated default, or
 * 1 − maxFalseHitRisk) is a floor under that.
 *
 * Feedback per feature (quality/qualityStore.ts) then shifts the whole requirement by the feature's
 * measured adjustment (its false-hit rate is in-domain calibration of P), lowers it by TRUST_BONUS
 * for entries with confirmed hits, and vetoes candidates that repeat a reported confusion.
 */
import type { EquivalenceJudge } from './judge/judge';
import { ABSOLUTE_FLOOR, clamp, TRUST_BONUS, type SemanticQuality } from './quality/qualityStore';
import type { SemanticStore } from './store';

export interface ServeRule {
  /** Default operating point: the weights' cross-validated one, or 1 − maxFalseHitRisk from the policy. */
  baseMinProbability: number;
  /** Cost of serving a wrong answer, in USD (expected-value rule). */
  wrongAnswerCostUsd: number;
  /** Candidates in [verifyFrom, required) may be checked by a model instead of missing. */
  verifyFrom?: number;
}

export interface SemanticQuery {
  namespace: string;
  modelId: string;
  vector: Float32Array;
  text: string;
  feature?: string;
  now?: number;
}

export interface Candidate {
  entryId: number;
  similarity: number;
  probability: number;
  /** P(same) this call needed (operating point and expected value). */
  required: number;
  matchedText: string;
}

export type SemanticDecision =
  | ({ serve: true } & Candidate)
  | { serve: false; reason: 'empty' | 'below' | 'vetoed' | 'verify'; bestSimilarity?: number; bestProbability?: number; vetoed?: string; verify?: Candidate };

/** Lowest P(same) worth serving for a call that saves `savedUsd`. */
export function requiredProbability(savedUsd: number, floor: number, wrongAnswerCostUsd: number): number {
  const ev = wrongAnswerCostUsd > 0 ? wrongAnswerCostUsd / (wrongAnswerCostUsd + Math.max(savedUsd, 0)) : 0;
  return Math.max(floor, ev);
}

export interface DecideDeps {
  store: SemanticStore;
  judge: EquivalenceJudge;
  quality: SemanticQuality;
  /** What serving this entry saves (its answer's upstream cost), or undefined when the entry is gone. */
  savedUsd: (entryId: number) => number | undefined;
  /** Candidates judged per lookup (nearest first). Default 5. */
  maxCandidates?: number;
  /** Why the embedder cannot judge a stored prompt (inputLimit.ts): such an entry is never served. */
  cannotJudge?: (text: string) => string | undefined;
}

export function decideSemantic(deps: DecideDeps, q: SemanticQuery, rule: ServeRule): SemanticDecision {
  const found = deps.store.search({ namespace: q.namespace, modelId: q.modelId, vector: q.vector, k: deps.maxCandidates ?? 5, now: q.now });
  if (found.length === 0) return { serve: false, reason: 'empty' };
  const adjustment = deps.quality.adjustment(q.feature);
  const lowest = Math.min(rule.baseMinProbability, ABSOLUTE_FLOOR);
  let best: Candidate | undefined;
  let firstVeto: string | undefined;
  for (const c of found) {
    // Indexed before the check refused its kind (a long prompt's vector stands for its start only).
    const cannot = deps.cannotJudge?.(c.text);
    if (cannot !== undefined) {
      firstVeto ??= `embedder cannot judge: stored prompt ${cannot}`;
      continue;
    }
    const verdict = deps.judge.judge(c.similarity, q.text, c.text);
    if (verdict.veto !== undefined) {
      firstVeto ??= verdict.veto;
      continue;
    }
    if (deps.quality.repeatsConfusion(q.feature, q.vector, c.entryId)) {
      firstVeto ??= 'repeats a reported false hit';
      continue;
    }
    const saved = deps.savedUsd(c.entryId);
    if (saved === undefined) continue;
    const trust = deps.quality.isTrusted(q.feature, c.entryId) ? TRUST_BONUS : 0;
    const required = clamp(requiredProbability(saved, rule.baseMinProbability, rule.wrongAnswerCostUsd) + adjustment - trust, lowest, 1);
    const cand: Candidate = { entryId: c.entryId, similarity: c.similarity, probability: verdict.probability, required, matchedText: c.text };
    // Best = most clearance above its own requirement (candidates can differ in what they save).
    if (!best || cand.probability - cand.required > best.probability - best.required) best = cand;
  }
  const bestSimilarity = found[0]!.similarity;
  if (!best) return { serve: false, reason: 'vetoed', bestSimilarity, ...(firstVeto !== undefined ? { vetoed: firstVeto } : {}) };
  if (best.probability >= best.required) {
    deps.store.touch(best.entryId, q.now);
    return { serve: true, ...best };
  }
  if (rule.verifyFrom !== undefined && best.probability >= rule.verifyFrom) return { serve: false, reason: 'verify', bestSimilarity, bestProbability: best.probability, verify: best };
  return { serve: false, reason: 'below', bestSimilarity, bestProbability: best.probability };
}

/**
 * Evicting an entry is feedback: if it was served as a semantic hit, that hit was false, its
 * feature's operating point tightens and the (query, entry) pair is remembered as a confusion
 * (call before the vector is deleted: the entry's embedding is read then). The dashboard's evict,
 * the feedback endpoint and the evaluation's `--feedback` replay all go through here. Returns
 * whether a vector was removed.
 */
export function evictAsFeedback(store: SemanticStore, quality: SemanticQuality, entryId: number, baseMinProbability: number | undefined): boolean {
  quality.onEvict(entryId, baseMinProbability);
  return store.delete(entryId);
}
