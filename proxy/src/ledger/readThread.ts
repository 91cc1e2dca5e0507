/**
 * Runs the ledger's read queries in a worker thread (readWorker.ts), started on the first one.
 * Whatever goes wrong there — the worker cannot start or dies, or its query fails — the query runs
 * on the proxy's own connection instead, so a caller gets exactly what it got before: the result,
 * or the same error.
 */
import type { Worker } from 'node:worker_threads';
import type { Db } from '../db/open';
import type { BatchExportQuery } from '../../../contract/batch';
import { type BatchExport, type BatchExportRefusal, buildBatchExport } from '../batch/export';
import { type Opportunities, type OpportunitiesOptions, opportunities } from '../batch/opportunities';
import { spawnWorker } from '../workers/spawnWorker';
import { type CallRow, type PageOptions, pageRows, summarise, type SummaryOptions } from './ledgerReads';
import type { Summary } from './types';

type Page = { rows: CallRow[]; total: number; limit: number };

type Query = { op: 'summary'; opts: SummaryOptions } | { op: 'page'; opts: PageOptions } | { op: 'opportunities'; opts: OpportunitiesOptions } | { op: 'batchExport'; opts: BatchExportQuery };
type Result = Summary | Page | Opportunities | BatchExport | BatchExportRefusal;

export type ReadRequest = { id: number; file: string } & Query;

export type ReadReply = { id: number; result: Result } | { id: number; error: string };

interface Pending {
  run: () => Result;
  resolve: (r: Result) => void;
  reject: (e: unknown) => void;
}

export class LedgerReadThread {
  private worker: Worker | undefined;
  /** Set when the worker failed or the reader closed: queries then run in this thread. */
  private inThreadOnly: boolean;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly db: Db) {
    this.inThreadOnly = db.name === '' || db.name === ':memory:';
  }

  summary(opts: SummaryOptions): Promise<Summary> {
    return this.ask({ op: 'summary', opts }, () => summarise(this.db, opts)) as Promise<Summary>;
  }

  page(opts: PageOptions): Promise<Page> {
    return this.ask({ op: 'page', opts }, () => pageRows(this.db, opts.filter, opts.limit, opts.before)) as Promise<Page>;
  }

  /** What could move to batch or flex since `from` (batch/opportunities.ts): every real-time call of the range is read. */
  opportunities(opts: OpportunitiesOptions): Promise<Opportunities> {
    return this.ask({ op: 'opportunities', opts }, () => opportunities(this.db, opts)) as Promise<Opportunities>;
  }

  /** A batch file from captured bodies stored in plain text (batch/export.ts): every body of the range is read, parsed and written out. */
  batchExport(opts: BatchExportQuery): Promise<BatchExport | BatchExportRefusal> {
    return this.ask({ op: 'batchExport', opts }, () => buildBatchExport(this.db, opts)) as Promise<BatchExport | BatchExportRefusal>;
  }

  private ask(req: Query, run: () => Result): Promise<Result> {
    const worker = this.inThreadOnly ? undefined : (this.worker ?? this.start());
    if (!worker) return new Promise((resolve) => resolve(run()));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { run, resolve, reject });
      worker.postMessage({ id, file: this.db.name, ...req } satisfies ReadRequest);
    });
  }

  private start(): Worker | undefined {
    let w: Worker;
    try {
      w = spawnWorker({ callerUrl: import.meta.url, sourceEntry: './readWorker.ts', bundleName: 'ledger-read-worker', name: 'tollgate-ledger-reads' });
    } catch {
      this.inThreadOnly = true;
      return undefined;
    }
    // An idle worker does not keep the process alive; a read in flight is an HTTP request that does.
    w.unref();
    w.on('message', (m: ReadReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('result' in m) p.resolve(m.result);
      else runHere(p);
    });
    w.on('error', () => this.fail(w));
    w.on('exit', () => this.fail(w));
    this.worker = w;
    return w;
  }

  private fail(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.inThreadOnly = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) runHere(p);
  }

  /** Stops the worker; queries asked afterwards (or still waiting) run in this thread. */
  close(): void {
    const w = this.worker;
    this.inThreadOnly = true;
    if (!w) return;
    this.fail(w);
    void w.terminate();
  }
}

function runHere(p: Pending): void {
  try {
    p.resolve(p.run());
  } catch (err) {
    p.reject(err);
  }
}
