/**
 * The semantic cache as the proxy sees it: an embedding service (worker thread, lazy load), the
 * sqlite-vec store beside the exact cache, and the guarded matcher. Vectors point at exact-cache
 * entries, so a semantic hit replays a stored answer exactly like an exact hit.
 */
import type { Db } from '../db/open';
import { EmbeddingService, type EmbedderChoice } from '../embedding';
import type { EmbedderState } from '../embedding/types';
import { SemanticMatcher, type SemanticMatch } from './semantic/matcher';
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

  private readonly db: Db;
  private inserts = 0;
  private inFlight = 0;
  private shed = 0;
  private readonly maxInFlight: number;

  constructor(opts: SemanticCacheOptions) {
    this.db = opts.db;
    this.maxInFlight = opts.maxInFlight ?? 8;
    this.store = new SemanticStore(opts.db, opts.textCodec ? { textCodec: opts.textCodec } : {});
    this.store.migrate();
    this.matcher = new SemanticMatcher(this.store);
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
    return this.matcher.lookup({ namespace, modelId: info.modelId, vector, text, threshold });
  }

  index(entryId: number, namespace: string, vector: Float32Array, text: string, expiresAt: number): void {
    const info = this.embeddings.info;
    if (!info) return;
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

  defaultThreshold(): number | undefined {
    return this.embeddings.info?.defaultThreshold;
  }

  async close(): Promise<void> {
    await this.embeddings.close();
  }
}

/** Vectors point at exact-cache entries; removes those whose entry is gone. */
export function deleteOrphanVectors(db: Db, store: SemanticStore): number {
  const rows = db.prepare('SELECT entry_id AS id FROM semantic_entries WHERE entry_id NOT IN (SELECT id FROM cache_entries)').all() as Array<{ id: number }>;
  db.transaction(() => {
    for (const r of rows) store.delete(r.id);
  })();
  return rows.length;
}
