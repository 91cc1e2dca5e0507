/**
 * The equivalence judge: P(two prompts ask for the same thing | embedding cosine, lexical
 * features), from shipped weights fitted for one embedder, plus what a learned score cannot do:
 * veto where it is blind (quoted text, code, identifiers). Text the embedder cannot judge at all
 * (inputLimit.ts `cannotJudgeReason`) is refused before any pair reaches the judge, by the proxy
 * and the evaluation alike. Pure; construct once, call per candidate.
 */
import { blindSpotVeto } from '../guard';
import { templateInputVeto } from '../templateInput';
import { pairFeatures, prepareText, type JudgeText } from './features';
import { checkWeights, probability, type JudgeWeights } from './model';

export type JudgeVerdict = { probability: number; veto?: undefined } | { probability: 0; veto: string };

export class EquivalenceJudge {
  /** Small LRU of prepared texts: stored prompts recur as candidates. */
  private readonly prepared = new Map<string, JudgeText>();

  constructor(readonly weights: JudgeWeights) {
    checkWeights(weights);
  }

  get minProbability(): number {
    return this.weights.operatingPoint.minProbability;
  }

  prepare(text: string): JudgeText {
    const hit = this.prepared.get(text);
    if (hit) {
      this.prepared.delete(text);
      this.prepared.set(text, hit);
      return hit;
    }
    const p = prepareText(text);
    this.prepared.set(text, p);
    if (this.prepared.size > 2048) this.prepared.delete(this.prepared.keys().next().value as string);
    return p;
  }

  /** Feature vector of a pair (what `probability` scores); exported for tests and training. */
  features(cosine: number, a: string, b: string): number[] {
    return pairFeatures(cosine, this.prepare(a), this.prepare(b), this.weights.idf);
  }

  /** The fitted model's P(same) with no vetoes (the training script scores through this too). */
  score(cosine: number, a: string, b: string): number {
    return probability(this.weights, this.features(cosine, a, b));
  }

  /** P(same), or a veto where the pair differs and the score is blind. */
  judge(cosine: number, query: string, stored: string): JudgeVerdict {
    const a = this.prepare(query);
    const b = this.prepare(stored);
    const blind = blindSpotVeto(a.features, b.features);
    if (blind !== undefined) return { probability: 0, veto: blind };
    const input = templateInputVeto(query, stored);
    if (input !== undefined) return { probability: 0, veto: input };
    return { probability: probability(this.weights, pairFeatures(cosine, a, b, this.weights.idf)) };
  }
}
