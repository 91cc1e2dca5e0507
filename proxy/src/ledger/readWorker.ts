/**
 * Worker thread that runs the ledger's read queries (pages and summaries, ledgerReads.ts; the batch
 * opportunities, batch/opportunities.ts; the batch file from captured bodies, batch/export.ts) on its own read-only connection, so a read over a large
 * range (seconds over a year of calls) never holds the proxy's event loop. WAL gives it a snapshot
 * of committed rows while the proxy keeps writing.
 */
import { parentPort } from 'node:worker_threads';
import { buildBatchExport } from '../batch/export';
import { opportunities } from '../batch/opportunities';
import { Db } from '../db/sqlite';
import { pageRows, summarise } from './ledgerReads';
import { registerTagFold } from './tagFold';
import type { ReadReply, ReadRequest } from './readThread';

let db: Db | undefined;

parentPort?.on('message', (m: ReadRequest) => {
  let reply: ReadReply;
  try {
    db ??= registerTagFold(new Db(m.file, { readonly: true, fileMustExist: true }));
    const result =
      m.op === 'summary' ? summarise(db, m.opts) : m.op === 'page' ? pageRows(db, m.opts.filter, m.opts.limit, m.opts.before) : m.op === 'opportunities' ? opportunities(db, m.opts) : buildBatchExport(db, m.opts);
    reply = { id: m.id, result };
  } catch (err) {
    reply = { id: m.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
