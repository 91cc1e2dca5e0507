/**
 * Replays a prompt stream through the real store and matcher: each prompt is looked up against
 * the earlier ones; a miss is inserted (as the proxy would after answering it upstream).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../db/open';
import { SemanticMatcher } from '../matcher';
import { SemanticStore } from '../store';

export interface WorkloadPrompt {
  prompt: string;
  /** Gold label: a hit is plausibly right only when both prompts have the same label. Absent: every hit is false. */
  intent?: string;
  vector: Float32Array;
}

export interface WorkloadHit {
  index: number;
  matchedIndex: number;
  similarity: number;
  correct: boolean;
}

export interface WorkloadResult {
  threshold: number;
  guard: boolean;
  prompts: number;
  hits: WorkloadHit[];
  falseHits: number;
  /** Hits the guard vetoed (similar enough, but a different request). */
  vetoed: number;
  hitRate: number;
  /** False hits per prompt: the share of requests that would get a wrong answer. */
  falseHitRate: number;
}

export function replayWorkload(prompts: readonly WorkloadPrompt[], threshold: number, guard: boolean, modelId: string): WorkloadResult {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-eval-'));
  const db = openDatabase(join(dir, 'eval.db'));
  try {
    const store = new SemanticStore(db);
    store.migrate();
    const matcher = new SemanticMatcher(store, { guard });
    const expiresAt = Date.now() + 3_600_000;
    const hits: WorkloadHit[] = [];
    let vetoed = 0;
    prompts.forEach((p, index) => {
      const r = matcher.lookup({ namespace: 'eval', modelId, vector: p.vector, text: p.prompt, threshold });
      if ('entryId' in r) {
        const matchedIndex = r.entryId - 1;
        const other = prompts[matchedIndex];
        const correct = p.intent !== undefined && other?.intent === p.intent;
        hits.push({ index, matchedIndex, similarity: r.similarity, correct });
        return;
      }
      if (r.vetoed) vetoed++;
      store.insert({ entryId: index + 1, namespace: 'eval', modelId, vector: p.vector, text: p.prompt, expiresAt });
    });
    const falseHits = hits.filter((h) => !h.correct).length;
    return {
      threshold,
      guard,
      prompts: prompts.length,
      hits,
      falseHits,
      vetoed,
      hitRate: prompts.length ? hits.length / prompts.length : 0,
      falseHitRate: prompts.length ? falseHits / prompts.length : 0,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
