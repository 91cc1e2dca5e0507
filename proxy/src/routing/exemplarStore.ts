/**
 * The team's exemplars, embedded, for live nearest-neighbour votes. Reloads when the file changes
 * (checked at most once a second); embedding a new file happens in the background, and until it is
 * done the previous vectors (or none) are used, so a request never waits for it.
 */
import { statSync } from 'node:fs';
import type { Tier } from '../policy/schema';
import type { RouterEmbedder } from './embedding';
import { dot } from '../embedding/vector';
import type { ExemplarVote } from './learned/router';
import { readExemplarFile, type TeamExemplar } from './teamExemplars';

interface Embedded {
  mtimeMs: number;
  size: number;
  tiers: Tier[];
  lines: number[];
  vectors: Float32Array[];
}

export class ExemplarStore {
  private current: Embedded | undefined;
  private loading: Promise<void> | undefined;
  private lastCheck = 0;
  problems: string[] = [];

  constructor(
    readonly path: string | undefined,
    private readonly embedder: RouterEmbedder,
  ) {}

  get size(): number {
    return this.current?.vectors.length ?? 0;
  }

  /** Checks the file (rate-limited) and starts a background reload when it changed. */
  refresh(now = Date.now()): Promise<void> | undefined {
    if (!this.path || this.loading || now - this.lastCheck < 1000) return this.loading;
    this.lastCheck = now;
    let stat: { mtimeMs: number; size: number } | undefined;
    try {
      stat = statSync(this.path);
    } catch {
      stat = undefined;
    }
    if (!stat) {
      this.current = undefined;
      return undefined;
    }
    if (this.current && this.current.mtimeMs === stat.mtimeMs && this.current.size === stat.size) return undefined;
    const s = stat;
    this.loading = this.load(s).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(stat: { mtimeMs: number; size: number }): Promise<void> {
    const file = readExemplarFile(this.path!);
    this.problems = file.problems;
    const vectors = file.exemplars.length ? await this.embedder.embedMany(file.exemplars.map((e: TeamExemplar) => e.prompt)) : [];
    if (!vectors) return; // no model: try again on a later check
    this.current = { ...stat, tiers: file.exemplars.map((e) => e.tier), lines: file.exemplars.map((e) => e.line), vectors };
  }

  /** The k nearest exemplars to a (normalised) vector, best first. */
  nearest(vector: Float32Array, k = 5): ExemplarVote[] {
    const c = this.current;
    if (!c || c.vectors.length === 0) return [];
    return nearestVotes(vector, c.vectors, c.tiers, c.lines, k);
  }
}

/** Top-k by dot product without sorting every exemplar (runs on each routed request). */
export function nearestVotes(vector: Float32Array, vectors: Float32Array[], tiers: Tier[], lines: number[], k: number): ExemplarVote[] {
  const top: ExemplarVote[] = [];
  for (let i = 0; i < vectors.length; i++) {
    const s = dot(vector, vectors[i]!);
    if (top.length === k && s <= top[k - 1]!.similarity) continue;
    let j = Math.min(top.length, k - 1);
    if (top.length < k) top.push({ tier: tiers[i]!, similarity: s, line: lines[i]! });
    else top[j] = { tier: tiers[i]!, similarity: s, line: lines[i]! };
    while (j > 0 && top[j - 1]!.similarity < top[j]!.similarity) {
      [top[j - 1], top[j]] = [top[j]!, top[j - 1]!];
      j--;
    }
  }
  return top;
}
