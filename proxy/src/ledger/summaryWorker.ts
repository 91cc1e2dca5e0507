/**
 * Worker thread that runs the ledger's summary queries on its own read-only connection, so a
 * summary over a large range (seconds over a year of calls) never holds the proxy's event loop.
 * WAL gives it a snapshot of committed rows while the proxy keeps writing.
 */
import { parentPort } from 'node:worker_threads';
import { Db } from '../db/sqlite';
import { summarise } from './summaryQuery';
import type { SummaryReply, SummaryRequest } from './summaryReader';

let db: Db | undefined;

parentPort?.on('message', (m: SummaryRequest) => {
  let reply: SummaryReply;
  try {
    db ??= new Db(m.file, { readonly: true, fileMustExist: true });
    reply = { id: m.id, summary: summarise(db, m.opts) };
  } catch (err) {
    reply = { id: m.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
