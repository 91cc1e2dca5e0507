/**
 * Nearest labelled exemplars for the complexity score, when an embedding model is loaded. The set
 * is small (hundreds), so a brute-force dot product over normalised vectors is exact and fast.
 */
import type { Embedder } from '../embedding/types';
import { dot } from '../embedding/vector';
import type { Tier } from '../policy/schema';
import { scoreComplexity, type ComplexityInput, type ComplexityScore, type ExemplarMatch } from './complexity';

export interface Exemplar {
  prompt: string;
  tier: Tier;
}

export class ExemplarIndex {
  private constructor(
    private readonly embedder: Embedder,
    private readonly tiers: Tier[],
    private readonly vectors: Float32Array[],
  ) {}

  static async build(embedder: Embedder, exemplars: Exemplar[]): Promise<ExemplarIndex> {
    const vectors = exemplars.length ? await embedder.embed(exemplars.map((e) => e.prompt)) : [];
    return new ExemplarIndex(
      embedder,
      exemplars.map((e) => e.tier),
      vectors,
    );
  }

  get size(): number {
    return this.vectors.length;
  }

  /** The k most similar exemplars (cosine = dot product of normalised vectors), best first. */
  async nearest(text: string, k = 5): Promise<ExemplarMatch[]> {
    if (this.vectors.length === 0) return [];
    const [q] = await this.embedder.embed([text]);
    if (!q) return [];
    const scored = this.vectors.map((v, i) => ({ tier: this.tiers[i]!, similarity: dot(q, v) }));
    return scored.sort((a, b) => b.similarity - a.similarity).slice(0, k);
  }
}

/** The complexity score blended with the last user turn's nearest exemplars. */
export async function scoreWithExemplars(input: ComplexityInput, index: ExemplarIndex, k = 5): Promise<ComplexityScore> {
  const last = [...input.messages].reverse().find((m) => m.role === 'user') ?? input.messages.at(-1);
  const neighbours = last ? await index.nearest(last.text, k) : [];
  return scoreComplexity(input, neighbours);
}

