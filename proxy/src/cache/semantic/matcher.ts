/**
 * A semantic lookup: nearest stored prompts in the same namespace and model, the similarity
 * threshold, then the false-hit guard. Candidates are tried best first, so a vetoed near-miss does
 * not hide a slightly less similar entry that really asks the same thing.
 */
import { vetoReason } from './guard';
import type { SemanticStore } from './store';
import { templateInputVeto } from './templateInput';

export interface SemanticLookup {
  namespace: string;
  modelId: string;
  /** Normalised embedding of `text`. */
  vector: Float32Array;
  /** The last user turn's text (what the guard compares). */
  text: string;
  /** Minimum cosine similarity for a hit. */
  threshold: number;
  /** Why the embedder cannot judge a stored prompt (inputLimit.ts): such an entry is never served. */
  cannotJudge?: (text: string) => string | undefined;
  now?: number;
}

export type SemanticMatch =
  | { entryId: number; similarity: number; matchedText: string }
  | { miss: true; bestSimilarity?: number; vetoed?: string };

export interface SemanticMatcherOptions {
  /** Candidates above the threshold checked by the guard before giving up. Default 5. */
  maxCandidates?: number;
  /** Turn off the guard (evaluation only: measures what it buys). Default true. */
  guard?: boolean;
}

export class SemanticMatcher {
  private readonly maxCandidates: number;
  private readonly guard: boolean;

  constructor(
    private readonly store: SemanticStore,
    opts: SemanticMatcherOptions = {},
  ) {
    this.maxCandidates = Math.max(1, opts.maxCandidates ?? 5);
    this.guard = opts.guard ?? true;
  }

  lookup(q: SemanticLookup): SemanticMatch {
    const found = this.store.search({ namespace: q.namespace, modelId: q.modelId, vector: q.vector, k: this.maxCandidates, now: q.now });
    const best = found[0];
    if (!best) return { miss: true };
    let firstVeto: string | undefined;
    for (const c of found) {
      if (c.similarity < q.threshold) break;
      const cannot = q.cannotJudge?.(c.text);
      const veto = cannot !== undefined ? `embedder cannot judge: stored prompt ${cannot}` : this.guard ? (vetoReason(q.text, c.text) ?? templateInputVeto(q.text, c.text)) : undefined;
      if (veto === undefined) {
        this.store.touch(c.entryId, q.now);
        return { entryId: c.entryId, similarity: c.similarity, matchedText: c.text };
      }
      firstVeto ??= veto;
    }
    return firstVeto === undefined ? { miss: true, bestSimilarity: best.similarity } : { miss: true, bestSimilarity: best.similarity, vetoed: firstVeto };
  }
}
