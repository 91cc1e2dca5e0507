/**
 * The judge weights shipped with this build, one file per embedder they were fitted for
 * (scripts/train-judge.ts writes them; docs/semantic-cache.md says from what). An embedder with
 * no weights falls back to the cosine threshold and the lexical guard.
 */
import useLiteV1 from './weights-use-lite-v1.json';
import { EquivalenceJudge } from './judge';
import type { JudgeWeights } from './model';

const SHIPPED: readonly JudgeWeights[] = [useLiteV1 as unknown as JudgeWeights];
const loaded = new Map<string, EquivalenceJudge>();

/** The judge for embedder `modelId`, or undefined when none was fitted for it. Checksum-checked. */
export function shippedJudgeFor(modelId: string): EquivalenceJudge | undefined {
  const hit = loaded.get(modelId);
  if (hit) return hit;
  const w = SHIPPED.filter((s) => s.embedder === modelId).sort((a, b) => b.version - a.version)[0];
  if (!w) return undefined;
  const judge = new EquivalenceJudge(w);
  loaded.set(modelId, judge);
  return judge;
}
