/**
 * The semantic cache as the proxy sees it: an embedding service (worker thread, lazy load), the
 * sqlite-vec store beside the exact cache, and the guarded matcher. Vectors point at exact-cache
 * entries, so a semantic hit replays a stored answer exactly like an exact hit.
 */
import type { Db } from '../db/open';
import { EmbeddingService, type EmbedderChoice } from '../embedding/service';
import { USE_LITE_MODEL_ID } from '../embedding/backends/use-lite';
import type { EmbedderState } from '../embedding/types';
import { decideSemantic, evictAsFeedback, type SemanticDecision, type SemanticQuery, type ServeRule } from './semantic/decide';
import type { EquivalenceJudge } from './semantic/judge/judge';
import { shippedJudgeFor } from './semantic/judge/shipped';
import { cannotJudgeReason, inputLimitOf } from './semantic/inputLimit';
import { SemanticMatcher, type SemanticMatch } from './semantic/matcher';
import { semanticQualityFor, type SemanticQuality } from './semantic/quality/qualityStore';
import { SemanticStore, type SemanticStoreOptions } from './semantic/store';

export interface SemanticCacheOptions {
  db: Db;
  dataDir: string;
  backend: EmbedderChoice;
  log: (line: string) => void;
  /** Overrides for tests (a local hub, a model id with a registered pin). */
  remoteHost?: string;
  modelId?: string;
  allowDownload?: boolean;
  /** Most texts waiting for the embedder before lookups are skipped. Default 8. */
  maxInFlight?: number;
  /** Encrypts stored prompt texts (TOLLGATE_CACHE_KEY). */
  textCodec?: SemanticStoreOptions['textCodec'];
}

export class SemanticCache {
  readonly store: SemanticStore;
  private readonly matcher: SemanticMatcher;
  readonly embeddings: EmbeddingService;
  /** Feedback, per-feature operating points and hit/false-hit rates (shared with the local API). */
  readonly quality: SemanticQuality;

  private readonly db: Db;
  private inserts = 0;
  private inFlight = 0;
  private shed = 0;
  private readonly maxInFlight: number;
  private readonly backend: EmbedderChoice;

  constructor(opts: SemanticCacheOptions) {
    this.db = opts.db;
    this.backend = opts.backend;
    this.maxInFlight = opts.maxInFlight ?? 8;
    this.store = new SemanticStore(opts.db, opts.textCodec ? { textCodec: opts.textCodec } : {});
    this.store.migrate();
    this.matcher = new SemanticMatcher(this.store);
    this.quality = semanticQualityFor(opts.db);
    // Feedback's default operating point is the judge's, known before any lookup (the policy's
    // maxFalseHitRisk, when set, takes precedence inside the quality tracker).
    this.quality.useJudgePoint(() => this.expectedJudge()?.minProbability);
    this.embeddings = new EmbeddingService({
      backend: opts.backend,
      dataDir: opts.dataDir,
      log: opts.log,
      ...(opts.remoteHost ? { remoteHost: opts.remoteHost } : {}),
      ...(opts.modelId ? { modelId: opts.modelId } : {}),
      ...(opts.allowDownload !== undefined ? { allowDownload: opts.allowDownload } : {}),
    });
  }

  /** Begins loading the model in the background; lookups miss until it is ready. */
  start(): void {
    this.embeddings.start();
    // The KNN mirror's load, while the model loads rather than on the first lookup. It runs in
    // chunks between other work (lookups use vec0's KNN until it completes) and never rejects.
    void this.store.warm();
  }

  get state(): EmbedderState {
    return this.embeddings.state;
  }

  /**
   * The embedding of `text`, or undefined when the model is not loaded yet or already has
   * `maxInFlight` texts queued: under load a lookup is skipped (a plain miss) rather than queued
   * behind others, so the embedder never becomes everyone's bottleneck.
   */
  embedIfReady(text: string): Promise<Float32Array> | undefined {
    if (this.inFlight >= this.maxInFlight) {
      this.shed += 1;
      return undefined;
    }
    const p = this.embeddings.embedIfReady(text);
    if (!p) return undefined;
    this.inFlight += 1;
    const done = () => {
      this.inFlight -= 1;
    };
    p.then(done, done);
    return p;
  }

  /** Lookups skipped because the embedder was saturated (for /healthz). */
  get shedCount(): number {
    return this.shed;
  }

  lookup(namespace: string, vector: Float32Array, text: string, threshold: number): SemanticMatch | undefined {
    const info = this.embeddings.info;
    if (!info) return undefined;
    return this.matcher.lookup({ namespace, modelId: info.modelId, vector, text, threshold, cannotJudge: (t) => this.cannotJudgeReason(t) });
  }

  /**
   * Why the loaded embedder cannot judge `text` — longer than it reads, long code, another language
   * (inputLimit.ts) — or undefined when it can or no embedder is loaded yet (then nothing is
   * embedded either).
   */
  cannotJudgeReason(text: string): string | undefined {
    const info = this.embeddings.info;
    return info ? cannotJudgeReason(text, inputLimitOf(info)) : undefined;
  }

  index(entryId: number, namespace: string, vector: Float32Array, text: string, expiresAt: number, replacedId?: number): void {
    const info = this.embeddings.info;
    if (!info) return;
    // A new answer under a stored key replaced the entry with a new id (exactCache.ts `put`): the
    // replaced entry's vector, same text, would tie with this one and point at nothing.
    if (replacedId !== undefined) this.store.delete(replacedId);
    this.store.insert({ entryId, namespace, modelId: info.modelId, vector, text, expiresAt });
    // Housekeeping, amortised: expired vectors and those whose answer the exact cache evicted.
    if (++this.inserts % 256 === 0) {
      this.store.purgeExpired();
      this.deleteOrphans();
    }
  }

  /** Drops vectors whose exact-cache entry is gone (after a clear or an eviction); returns the count. */
  deleteOrphans(): number {
    return deleteOrphanVectors(this.db, this.store);
  }

  /**
   * Cosine threshold when no judge decides (`useJudge` false — `cache.semantic.judge: false` — or
   * no weights for the embedder): the backend's calibrated one. With a judge, 0 (the judge weighs
   * the cosine itself, and an explicit policy/route/header threshold still acts as a floor).
   */
  defaultThreshold(useJudge = true): number | undefined {
    if (useJudge && this.judge()) return 0;
    return this.embeddings.info?.defaultThreshold;
  }

  /** The learned judge for the loaded embedder, when weights were fitted for it. */
  judge(): EquivalenceJudge | undefined {
    const info = this.embeddings.info;
    return info ? shippedJudgeFor(info.modelId) : undefined;
  }

  /** Judge-based decision (see decide.ts); undefined when the embedder has no judge or is not loaded. */
  decide(q: Omit<SemanticQuery, 'modelId'>, rule: ServeRule, savedUsd: (entryId: number) => number | undefined): SemanticDecision | undefined {
    const info = this.embeddings.info;
    const judge = this.judge();
    if (!info || !judge) return undefined;
    return decideSemantic({ store: this.store, judge, quality: this.quality, savedUsd, cannotJudge: (t) => this.cannotJudgeReason(t) }, { ...q, modelId: info.modelId }, rule);
  }

  /**
   * The judge that decides (or will, once the model loads): the loaded embedder's, else — while it
   * loads — the bundled USE-lite's when the backend is or may fall back to it. Undefined when the
   * embedder has no judge (then no operating point is used to serve).
   */
  private expectedJudge(): EquivalenceJudge | undefined {
    const info = this.embeddings.info;
    if (info) return shippedJudgeFor(info.modelId);
    return this.backend === 'use-lite' || this.backend === 'auto' ? shippedJudgeFor(USE_LITE_MODEL_ID) : undefined;
  }

  /** Evicting an entry that was served as a semantic hit reports that hit as false (decide.ts). */
  evictAsFeedback(entryId: number): boolean {
    return evictAsFeedback(this.store, this.quality, entryId, this.baseMinProbability());
  }

  /**
   * The default operating point feedback is measured against: 1 − the policy's maxFalseHitRisk,
   * else the judge's cross-validated point — never a placeholder; undefined only when no judge
   * can decide (the point is then unused).
   */
  baseMinProbability(): number | undefined {
    return this.quality.defaultBase();
  }

  async close(): Promise<void> {
    await this.embeddings.close();
  }
}

/** Entry ids of vectors whose exact-cache entry is gone (vectors point at exact-cache entries). */
export function orphanVectorIds(db: Db): number[] {
  return db.prepare('SELECT entry_id FROM semantic_entries WHERE entry_id NOT IN (SELECT id FROM cache_entries)').pluck().all() as number[];
}

/** Removes the vectors whose exact-cache entry is gone, in one transaction (housekeeping: a few at a time). */
export function deleteOrphanVectors(db: Db, store: SemanticStore): number {
  const ids = orphanVectorIds(db);
  db.transaction(() => {
    for (const id of ids) store.delete(id);
  })();
  return ids.length;
}
