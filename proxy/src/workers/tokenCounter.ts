/**
 * Token counts for the proxy's hot path, computed in a worker thread (see tokenCountWorker.ts).
 * Never blocks: until the worker answers, callers can use `quickEstimate` (≈ 4 characters per token).
 */
import type { Worker } from 'node:worker_threads';
import type { ChatMessageLike } from '../tokens/count';
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

export class TokenCounter {
  private static instance: TokenCounter | undefined;

  /** One counter (one worker, encoders built once) per process, shared by every proxy in it. */
  static shared(): TokenCounter {
    TokenCounter.instance ??= new TokenCounter();
    return TokenCounter.instance;
  }

  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: TokenCountReply) => void>();

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
    await this.ask({ warm: models });
  }

  async count(model: string, messages: ChatMessageLike[] | undefined, texts: string[] = []): Promise<TokenCountResult> {
    const r = await this.ask({ model, ...(messages ? { messages } : {}), texts });
    if ('error' in r) {
      const all = [...(messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))), ...texts];
      return { tokens: quickEstimate(all), exact: false };
    }
    return { tokens: r.tokens, exact: r.exact };
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }
}
