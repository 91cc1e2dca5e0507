/**
 * Token counts for the proxy's hot path, computed in a worker thread (see tokenCountWorker.ts).
 * Never blocks the event loop; `isReady` tells a caller whether a count would also have to wait for
 * an encoder to be built (seconds on a loaded machine), so the request path can use an upper
 * bound instead (tokens/bound.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { ChatMessageLike } from '../tokens/chat';
import { encodingForModel, type EncodingName } from '../tokens/models';
import { spawnWorker } from './spawnWorker';
import type { TokenCountReply, TokenCountRequest } from './tokenCountWorker';

export interface TokenCountResult {
  tokens: number;
  exact: boolean;
}

/** A rough count with no tokenizer at all: about four characters per token for English text. */
export function quickEstimate(texts: string[]): number {
  return texts.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
}

/** What the proxy needs of a token counter (tests inject one whose readiness they control). */
export interface TokenCounting {
  /** Builds the encoders of these models; resolves once built (or failed). Never rejects. */
  warm(models: string[]): Promise<void>;
  count(model: string, messages: ChatMessageLike[] | undefined, texts?: string[]): Promise<TokenCountResult>;
  /** true once the model's encoder is built: a count then waits for no build. */
  isReady(model: string): boolean;
}

export class TokenCounter implements TokenCounting {
  private static instance: TokenCounter | undefined;

  /** One counter (one worker, encoders built once) per process, shared by every proxy in it. */
  static shared(): TokenCounter {
    TokenCounter.instance ??= new TokenCounter();
    return TokenCounter.instance;
  }

  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: TokenCountReply) => void>();
  /** Encodings the current worker has built, and those it is building. */
  private readonly built = new Set<EncodingName>();
  private readonly building = new Map<EncodingName, Promise<void>>();

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './tokenCountWorker.ts', bundleName: 'token-worker', name: 'tollgate-tokens' });
    w.on('message', (r: TokenCountReply) => {
      this.pending.get(r.id)?.(r);
      this.pending.delete(r.id);
    });
    const fail = (error: string) => {
      for (const [id, cb] of this.pending) cb({ id, error });
      this.pending.clear();
      this.worker = undefined;
      this.built.clear(); // a new worker starts with no encoders
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', () => fail('token worker exited'));
    w.unref();
    this.worker = w;
    return w;
  }

  private ask(msg: Omit<TokenCountRequest, 'id'>): Promise<TokenCountReply> {
    const id = this.nextId++;
    const w = this.ensure();
    w.ref();
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        if (this.pending.size <= 1) w.unref();
        resolve(r);
      });
      w.postMessage({ ...msg, id });
    });
  }

  /** Builds the encoders for these models in the worker; resolves once they are built (or failed). */
  async warm(models: string[]): Promise<void> {
    const todo = new Map<EncodingName, string>();
    for (const m of models) {
      const enc = encodingForModel(m).encoding;
      if (!this.built.has(enc) && !todo.has(enc)) todo.set(enc, m);
    }
    await Promise.all(
      [...todo].map(([enc, model]) => {
        let p = this.building.get(enc);
        if (!p) {
          p = this.ask({ warm: [model] })
            .then((r) => {
              if (!('error' in r)) this.built.add(enc);
            })
            .finally(() => this.building.delete(enc));
          this.building.set(enc, p);
        }
        return p;
      }),
    );
  }

  isReady(model: string): boolean {
    return this.built.has(encodingForModel(model).encoding);
  }

  async count(model: string, messages: ChatMessageLike[] | undefined, texts: string[] = []): Promise<TokenCountResult> {
    const r = await this.ask({ model, ...(messages ? { messages } : {}), texts });
    if ('error' in r) {
      const all = [...(messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))), ...texts];
      return { tokens: quickEstimate(all), exact: false };
    }
    this.built.add(encodingForModel(model).encoding);
    return { tokens: r.tokens, exact: r.exact };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.built.clear();
    await w?.terminate();
  }
}
