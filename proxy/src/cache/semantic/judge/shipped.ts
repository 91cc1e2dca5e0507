/**
 * The judge weights shipped with this build, one file per embedder and version
 * (scripts/train-judge.ts writes them; docs/semantic-cache.md says from what). The proxy uses the
 * highest version fitted for its embedder; older versions stay for the evaluation's baseline rows.
 * An embedder with no weights falls back to the cosine threshold and the lexical guard.
 */
import useLiteV1 from './weights-use-lite-v1.json';
import useLiteV2 from './weights-use-lite-v2.json';
import { EquivalenceJudge } from './judge';
import type { JudgeWeights } from './model';

const SHIPPED: readonly JudgeWeights[] = [useLiteV1 as unknown as JudgeWeights, useLiteV2 as unknown as JudgeWeights];
const loaded = new Map<string, EquivalenceJudge>();

/** The judge for embedder `modelId` (newest version, or the given one), or undefined when none was fitted for it. Checksum-checked. */
export function shippedJudgeFor(modelId: string, version?: number): EquivalenceJudge | undefined {
  const key = `${modelId}\u0000${version ?? 'latest'}`;
  const hit = loaded.get(key);
  if (hit) return hit;
  const w = SHIPPED.filter((s) => s.embedder === modelId && (version === undefined || s.version === version)).sort((a, b) => b.version - a.version)[0];
  if (!w) return undefined;
  const judge = new EquivalenceJudge(w);
  loaded.set(key, judge);
  return judge;
}

/** Every shipped version fitted for `modelId`, newest first. */
export function shippedVersionsFor(modelId: string): number[] {
  return SHIPPED.filter((s) => s.embedder === modelId)
    .map((s) => s.version)
    .sort((a, b) => b - a);
}
