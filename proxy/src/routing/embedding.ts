/**
 * The one place the router gets a prompt's sentence embedding. The learned router was trained on
 * the bundled USE-lite model, so only USE-lite vectors are used: the semantic cache's service when
 * it runs USE-lite (the same vector serves both), else a USE-lite service of the router's own,
 * started on first use. Never waits for a model to load: until one is ready, and when embedding
 * fails or takes longer than `timeoutMs`, the answer says why and the router uses cheap features.
 *
 * With the request as `key`, a vector of the shared service is memoised per request
 * (embedding/requestEmbedding.ts), so the semantic cache reuses it instead of embedding the same
 * text again. The router's own service is never memoised there: its vectors may not be the cache's model.
 */
import { USE_LITE_MODEL_ID } from '../embedding/backends/use-lite';
import { embedRequestText } from '../embedding/requestEmbedding';
import { EmbeddingService } from '../embedding/service';
import type { RoutingEmbedding } from './learned/router';

export type EmbeddingOutcome = { embedding: RoutingEmbedding } | { unavailable: string };

/** What the router needs of an embedding service (EmbeddingService fits). */
export interface EmbeddingSource {
  readonly info: { modelId: string } | undefined;
  readonly state: { state: string; backend?: string };
  start?(): void;
  embedIfReady(text: string): Promise<Float32Array> | undefined;
  embed?(text: string): Promise<Float32Array>;
  close?(): Promise<void>;
}

export interface RouterEmbedderOptions {
  /** The semantic cache's embedding service, when there is one. */
  shared?: () => EmbeddingSource | undefined;
  /** Builds the router's own USE-lite service (tests pass a stub). Default: a real USE-lite EmbeddingService. */
  own?: () => EmbeddingSource;
  /** Longest wait for a vector once the model is ready. Default 1000 ms (USE-lite takes ~15 ms on an idle core; the semantic cache waits for the same vector). */
  timeoutMs?: number;
}

/** Characters of the ask that are embedded (the ask is at the start; training cut at the same place). */
export const EMBED_MAX_CHARS = 400;

export class RouterEmbedder {
  private ownSource: EmbeddingSource | undefined;
  constructor(private readonly opts: RouterEmbedderOptions = {}) {}

  /** The USE-lite service to use now: the shared one if it runs USE-lite, else the router's own (started lazily). */
  private source(): EmbeddingSource {
    const shared = this.opts.shared?.();
    if (shared?.info?.modelId === USE_LITE_MODEL_ID) return shared;
    if (!this.ownSource) {
      this.ownSource = this.opts.own ? this.opts.own() : new EmbeddingService({ backend: 'use-lite', log: () => {} });
      this.ownSource.start?.();
    }
    return this.ownSource;
  }

  /**
   * Starts loading the router's own USE-lite model now (at proxy start, when tiers are configured)
   * unless the shared service is already loading or running USE-lite.
   */
  warm(): void {
    const shared = this.opts.shared?.();
    const sharedIsUseLite = shared?.info?.modelId === USE_LITE_MODEL_ID || (shared?.state.state === 'loading' && shared.state.backend === 'use-lite');
    if (!sharedIsUseLite) this.source();
  }

  /** `key`: the request (its context object), so the semantic cache can reuse the vector. */
  async embed(text: string, key?: object): Promise<EmbeddingOutcome> {
    const source = this.source();
    const cut = text.slice(0, EMBED_MAX_CHARS);
    const shared = key !== undefined && source === this.opts.shared?.();
    const pending = shared ? embedRequestText(key, cut, source) : source.embedIfReady(cut);
    if (!pending) return { unavailable: source.state.state === 'failed' ? 'embedding model failed' : 'embedding model loading' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.opts.timeoutMs ?? 1000);
    });
    try {
      const v = await Promise.race([pending, timeout]);
      if (v === 'timeout') {
        pending.catch(() => {});
        return { unavailable: 'embedding timed out' };
      }
      return { embedding: { modelId: source.info?.modelId ?? USE_LITE_MODEL_ID, vector: v } };
    } catch {
      return { unavailable: 'embedding failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Embeds many texts, waiting for the model (exemplar files; not on the request path). */
  async embedMany(texts: string[]): Promise<Float32Array[] | undefined> {
    const source = this.source();
    if (!source.embed) return undefined;
    try {
      return await Promise.all(texts.map((t) => source.embed!(t.slice(0, EMBED_MAX_CHARS))));
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.ownSource?.close?.();
    this.ownSource = undefined;
  }
}
