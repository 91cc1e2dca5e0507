/**
 * Replays a prompt stream through the real store and matcher: each prompt is looked up against
 * the earlier ones; a miss is inserted (as the proxy would after answering it upstream). A prompt
 * the embedder cannot judge (inputLimit.ts, the proxy's check before the embedding) is neither
 * looked up nor inserted, as in the proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../proxy/src/db/open';
import { cannotJudgeReason, inputLimitOf } from '../../../proxy/src/cache/semantic/inputLimit';
import { decideSemantic, evictAsFeedback, type ServeRule } from '../../../proxy/src/cache/semantic/decide';
import type { EquivalenceJudge } from '../../../proxy/src/cache/semantic/judge/judge';
import { SemanticMatcher } from '../../../proxy/src/cache/semantic/matcher';
import { FULL_LEARNING, SemanticQuality, type QualityLearning } from '../../../proxy/src/cache/semantic/quality/qualityStore';
import { SemanticStore } from '../../../proxy/src/cache/semantic/store';
import type { EmbedderInfo } from '../../../proxy/src/embedding/types';

/** The embedder the vectors came from: its id scopes the store, its kind sets what it cannot judge. */
export type ReplayEmbedder = Pick<EmbedderInfo, 'backend' | 'modelId'>;

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
  /** Prompts the embedder cannot judge: not looked up, not indexed (the exact cache's alone). */
  refused: number;
  hitRate: number;
  /** False hits per prompt: the share of requests that would get a wrong answer. */
  falseHitRate: number;
}

/** The proxy's check before the embedding (inputLimit.ts), for the embedder the vectors came from. */
function cannotJudgeFor(embedder: ReplayEmbedder): (text: string) => string | undefined {
  const limit = inputLimitOf(embedder);
  return (text) => cannotJudgeReason(text, limit);
}

/** The hit and false-hit counts and rates (per prompt) of a replay. */
function tally(prompts: number, hits: WorkloadHit[]): Pick<WorkloadResult, 'prompts' | 'hits' | 'falseHits' | 'hitRate' | 'falseHitRate'> {
  const falseHits = hits.filter((h) => !h.correct).length;
  return { prompts, hits, falseHits, hitRate: prompts ? hits.length / prompts : 0, falseHitRate: prompts ? falseHits / prompts : 0 };
}

export function replayWorkload(prompts: readonly WorkloadPrompt[], threshold: number, guard: boolean, embedder: ReplayEmbedder): WorkloadResult {
  const { modelId } = embedder;
  const cannotJudge = cannotJudgeFor(embedder);
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-eval-'));
  const db = openDatabase(join(dir, 'eval.db'));
  try {
    const store = new SemanticStore(db);
    store.migrate();
    const matcher = new SemanticMatcher(store, { guard });
    const expiresAt = Date.now() + 3_600_000;
    const hits: WorkloadHit[] = [];
    let vetoed = 0;
    let refused = 0;
    prompts.forEach((p, index) => {
      if (cannotJudge(p.prompt) !== undefined) {
        refused++;
        return;
      }
      const r = matcher.lookup({ namespace: 'eval', modelId, vector: p.vector, text: p.prompt, threshold, cannotJudge });
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
    return { threshold, guard, vetoed, refused, ...tally(prompts.length, hits) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface JudgedReplayOptions {
  judge: EquivalenceJudge;
  rule: ServeRule;
  embedder: ReplayEmbedder;
  /** What serving prompt i's answer saves (USD). */
  savedUsd: (index: number) => number;
  /**
   * Replay the feedback a user would give: each wrong hit (by the stream's labels) is evicted
   * through the same path as the dashboard's evict, the user asks again (a miss, answered and
   * stored), and the replay goes on.
   */
  feedback: boolean;
  /** What feedback may teach (default: everything; CONTROLLER_ONLY is the earlier rule). */
  learning?: QualityLearning;
}

export interface JudgedReplayResult extends WorkloadResult {
  /** The stream's operating point at the end (after feedback). */
  finalMinProbability: number;
  /** Hits in the second half of the stream (after feedback had time to act). */
  secondHalfHitRate: number;
  secondHalfFalseHitRate: number;
}

/** Replays a stream through the real store, the judge, the expected-value rule and the feedback store. */
export function replayWorkloadJudged(prompts: readonly WorkloadPrompt[], o: JudgedReplayOptions): JudgedReplayResult {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-eval-'));
  const db = openDatabase(join(dir, 'eval.db'));
  try {
    const store = new SemanticStore(db);
    store.migrate();
    const quality = new SemanticQuality(db, o.learning ?? FULL_LEARNING);
    const { modelId } = o.embedder;
    const cannotJudge = cannotJudgeFor(o.embedder);
    const expiresAt = Date.now() + 3_600_000;
    const hits: WorkloadHit[] = [];
    let vetoed = 0;
    let refused = 0;
    const insert = (index: number) => store.insert({ entryId: index + 1, namespace: 'eval', modelId, vector: prompts[index]!.vector, text: prompts[index]!.prompt, expiresAt });
    prompts.forEach((p, index) => {
      if (cannotJudge(p.prompt) !== undefined) {
        refused++;
        return;
      }
      quality.countLookup('eval');
      const d = decideSemantic(
        { store, judge: o.judge, quality, savedUsd: (entryId) => o.savedUsd(entryId - 1), cannotJudge },
        { namespace: 'eval', modelId, vector: p.vector, text: p.prompt, feature: 'eval' },
        o.rule,
      );
      if (d.serve) {
        const matchedIndex = d.entryId - 1;
        const correct = p.intent !== undefined && prompts[matchedIndex]?.intent === p.intent;
        hits.push({ index, matchedIndex, similarity: d.similarity, correct });
        quality.recordHit({ requestId: String(index), keyNamespace: 'eval', feature: 'eval', entryId: d.entryId, probability: d.probability, queryVector: p.vector });
        if (!correct && o.feedback) {
          evictAsFeedback(store, quality, d.entryId, o.rule.baseMinProbability);
          insert(index);
        }
        return;
      }
      if (d.reason === 'vetoed') vetoed++;
      insert(index);
    });
    const half = Math.floor(prompts.length / 2);
    const late = hits.filter((h) => h.index >= half);
    return {
      threshold: o.rule.baseMinProbability,
      guard: true,
      vetoed,
      refused,
      ...tally(prompts.length, hits),
      finalMinProbability: quality.minProbability('eval', o.rule.baseMinProbability),
      secondHalfHitRate: late.length / Math.max(1, prompts.length - half),
      secondHalfFalseHitRate: late.filter((h) => !h.correct).length / Math.max(1, prompts.length - half),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
