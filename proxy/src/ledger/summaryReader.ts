/**
 * Runs summaries in a worker thread (summaryWorker.ts), started on the first one. Whatever goes
 * wrong there — the worker cannot start or dies, or its query fails — the summary is run on the
 * proxy's own connection instead, so a caller gets exactly what it got before: the result, or the
 * same error.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker';
import type { SummaryOptions } from './summaryQuery';
import type { Summary } from './types';

export interface SummaryRequest {
  id: number;
  file: string;
  opts: SummaryOptions;
}

export type SummaryReply = { id: number; summary: Summary } | { id: number; error: string };

interface Pending {
  opts: SummaryOptions;
  resolve: (s: Summary) => void;
  reject: (e: unknown) => void;
}

export class SummaryReader {
  private worker: Worker | undefined;
  /** Set when the worker failed or the reader closed: summaries then run in this thread. */
  private inThreadOnly: boolean;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly file: string,
    private readonly inThread: (opts: SummaryOptions) => Summary,
  ) {
    this.inThreadOnly = file === '' || file === ':memory:';
  }

  summary(opts: SummaryOptions): Promise<Summary> {
    const worker = this.inThreadOnly ? undefined : (this.worker ?? this.start());
    if (!worker) return new Promise((resolve) => resolve(this.inThread(opts)));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { opts, resolve, reject });
      worker.postMessage({ id, file: this.file, opts } satisfies SummaryRequest);
    });
  }

  private start(): Worker | undefined {
    let w: Worker;
    try {
      w = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './summaryWorker.ts', bundleName: 'summary-worker', name: 'tollgate-summaries' });
    } catch {
      this.inThreadOnly = true;
      return undefined;
    }
    // An idle worker does not keep the process alive; a summary in flight is an HTTP request that does.
    w.unref();
    w.on('message', (m: SummaryReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('summary' in m) p.resolve(m.summary);
      else this.runHere(p);
    });
    w.on('error', () => this.fail(w));
    w.on('exit', () => this.fail(w));
    this.worker = w;
    return w;
  }

  private runHere(p: Pending): void {
    try {
      p.resolve(this.inThread(p.opts));
    } catch (err) {
      p.reject(err);
    }
  }

  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.inThreadOnly = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) this.runHere(p);
  }

  /** Stops the worker; summaries asked for afterwards (or still waiting) run in this thread. */
  close(): void {
    const w = this.worker;
    this.inThreadOnly = true;
    if (!w) return;
    this.fail(w);
    void w.terminate();
  }
}
